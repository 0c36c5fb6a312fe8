// JSON Schema of a report definition file (reports/<id>.yaml), enforced with ajv. Cross-references
// (resources, attributes, units, probes, check ids) are checked afterwards in definitions.ts.

const duration = { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*[a-zA-Z]+\\s*$' };
const attribute = { type: 'string', pattern: '^[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?$' };
const ops = ['EQ', 'NEQ', 'LT', 'GT', 'LE', 'GE', 'LIKE'];
const where = {
  type: 'object',
  description: 'row filters applied when reading: { attribute: { OP: value } }',
  propertyNames: attribute,
  additionalProperties: {
    type: 'object',
    minProperties: 1,
    propertyNames: { enum: ops },
    additionalProperties: { type: ['string', 'number', 'boolean'] },
  },
};

const common = {
  id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' },
  kind: { type: 'string' },
  title: { type: 'string', minLength: 1 },
  description: { type: 'string' },
  severity: { enum: ['info', 'warning', 'critical'] },
  resource: { type: 'string' },
  per: { type: 'string', description: 'the group level the check judges (default: the finest level the resource has)' },
  where,
  inhibits: { type: 'array', items: { type: 'string' }, uniqueItems: true },
  rollup: {
    oneOf: [
      { const: false },
      {
        type: 'object',
        additionalProperties: false,
        properties: { min_fraction: { type: 'number', exclusiveMinimum: 0, maximum: 1 }, min_children: { type: 'integer', minimum: 1 } },
      },
    ],
  },
};
const required = ['id', 'kind', 'title', 'severity'];

const measured = { attribute, unit: { type: 'string' }, combine: { enum: ['sum', 'mean', 'min', 'max'] } };

function kind(name: string, props: Record<string, unknown>, req: string[] = [], extra: Record<string, unknown> = {}) {
  return {
    if: { properties: { kind: { const: name } }, required: ['kind'] },
    then: {
      type: 'object',
      additionalProperties: false,
      properties: { ...common, ...props },
      required: [...required, ...req],
      ...extra,
    },
  };
}

export const CHECK_KINDS = ['no_data', 'band', 'rate', 'stuck', 'jump', 'count', 'reference', 'trend', 'anomaly_episodes'] as const;

const check = {
  type: 'object',
  required,
  properties: { kind: { enum: CHECK_KINDS } },
  allOf: [
    kind('no_data', {}),
    kind('band', { ...measured, min: { type: 'number' }, max: { type: 'number' }, for: duration }, ['attribute', 'unit'], { anyOf: [{ required: ['min'] }, { required: ['max'] }] }),
    kind('rate', { ...measured, max: { type: 'number', exclusiveMinimum: 0 }, for: duration }, ['attribute', 'unit', 'max']),
    kind('stuck', { ...measured, tolerance: { type: 'number', minimum: 0 }, for: duration }, ['attribute', 'unit', 'for']),
    kind('jump', { ...measured, rise: { type: 'number', exclusiveMinimum: 0 }, fall: { type: 'number', exclusiveMinimum: 0 } }, ['attribute', 'unit'], {
      anyOf: [{ required: ['rise'] }, { required: ['fall'] }],
    }),
    kind('count', { ...measured, above: { type: 'number' }, max: { type: 'integer', minimum: 0 }, member: attribute }, ['attribute', 'unit', 'above', 'max', 'member']),
    kind(
      'reference',
      {
        ...measured,
        tolerance: { type: 'number', exclusiveMinimum: 0 },
        for: duration,
        reference: {
          type: 'object',
          additionalProperties: false,
          properties: {
            runs: { oneOf: [{ const: 'auto' }, { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1 }] },
            count: { type: 'integer', minimum: 1, maximum: 20 },
            min_lumisections: { type: 'integer', minimum: 1 },
          },
        },
      },
      ['attribute', 'unit', 'tolerance'],
    ),
    kind(
      'trend',
      {
        ...measured,
        over: duration,
        max_slope: { type: 'number', exclusiveMinimum: 0 },
        slope_unit: { enum: ['%/d', 'unit/d'] },
        min_runs: { type: 'integer', minimum: 3 },
        normalise: {
          type: 'object',
          additionalProperties: false,
          required: ['temperature', 'to'],
          description: 'silicon leakage current to a reference temperature: × s(T_ref)/s(T), s(T) = T²·exp(−1.21 eV/2kT)',
          properties: { temperature: attribute, to: { type: 'number' } },
        },
      },
      ['attribute', 'unit', 'over', 'max_slope', 'slope_unit'],
    ),
    kind(
      'anomaly_episodes',
      {
        models: { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true },
        min_lumisections: { type: 'integer', minimum: 1 },
      },
      ['models'],
    ),
  ],
};

const probe = {
  type: 'object',
  additionalProperties: false,
  required: ['probe'],
  properties: {
    probe: { type: 'string' },
    title: { type: 'string' },
    params: { type: 'object' },
    for_each: { enum: ['run', 'fill'] },
    max: { type: 'integer', minimum: 1, maximum: 12 },
  },
};

export const DEFINITION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'checks'],
  properties: {
    title: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    resource: { type: 'string' },
    groups: { type: 'array', items: attribute, uniqueItems: true },
    covers: { type: 'array', items: { type: 'string' }, uniqueItems: true },
    repeat: duration,
    notify: {
      type: 'object',
      additionalProperties: false,
      properties: {
        mail: { type: 'array', items: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' } },
        webhook: { type: 'array', items: { type: 'string', pattern: '^(https?://|env:[A-Z_][A-Z0-9_]*$)' } },
      },
    },
    probes: { type: 'array', items: probe },
    checks: { type: 'array', items: check, minItems: 1 },
  },
} as const;
