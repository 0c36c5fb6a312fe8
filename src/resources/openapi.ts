// OpenAPI fragments generated from the resource definitions, attached to the generic routes and
// collected by @fastify/swagger (OpenAPI 3.1). The routes' schemas only document: the engine
// validates requests itself, so validation and response serialisation are switched off per route.
import type { RouteShorthandOptions } from 'fastify';
import { FILTER_OPERATORS, FILTER_OP_NAMES } from '../jsonapi/filters.js';
import type { ColumnAttribute, ResourceDef } from '../jsonapi/resource.js';

type Kind = 'collection' | 'meta' | 'csv' | 'single' | 'related' | 'linkage';

const JSONAPI = 'application/vnd.api+json';

const errorResponse = (description: string) => ({
  description,
  content: {
    [JSONAPI]: {
      schema: {
        type: 'object',
        properties: {
          errors: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                status: { type: 'string' },
                code: { type: 'string' },
                title: { type: 'string' },
                detail: { type: 'string' },
                source: { type: 'object', properties: { parameter: { type: 'string' } } },
              },
            },
          },
        },
      },
    },
  },
});

function valueSchema(a: ColumnAttribute): Record<string, unknown> {
  const t = { integer: 'integer', number: 'number', string: 'string', boolean: 'boolean', datetime: 'string', array: 'array' }[a.type];
  const s: Record<string, unknown> = { type: [t, 'null'], description: [a.title, a.unit ? `[${a.unit}]` : '', a.description].filter(Boolean).join(' ') };
  if (a.type === 'datetime') s.format = 'date-time';
  if (a.type === 'array') s.items = { type: 'string' };
  return s;
}

function attributesSchema(r: ResourceDef): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const a of r.attributes) {
    properties[a.name] =
      a.kind === 'object' ? { type: 'object', description: a.title, properties: Object.fromEntries(a.members.map((m) => [m.name.slice(a.name.length + 1), valueSchema(m)])) } : valueSchema(a);
  }
  return { type: 'object', properties };
}

function resourceObjectSchema(r: ResourceDef): Record<string, unknown> {
  return {
    type: 'object',
    required: ['id', 'type'],
    properties: {
      id: { type: 'string', description: `${r.id.join(' + "_" + ')}` },
      type: { type: 'string', enum: [r.type] },
      attributes: attributesSchema(r),
      links: { type: 'object', properties: { self: { type: 'string', format: 'uri' } } },
      relationships: { type: 'object' },
      meta: { type: 'object', description: 'meta.row.<attribute>.units' },
    },
  };
}

function querystring(r: ResourceDef, kind: Kind): Record<string, unknown> | undefined {
  if (kind === 'meta' || kind === 'linkage') return undefined;
  const ops = FILTER_OP_NAMES.map((o) => `${o} (${FILTER_OPERATORS[o].description})`).join('; ');
  const properties: Record<string, unknown> = {};
  if (kind !== 'single') {
    for (const a of r.columns) {
      if (!a.searchable) continue;
      properties[`filter[${a.name}]`] = {
        type: 'string',
        description: `${a.title}${a.unit ? ` [${a.unit}]` : ''} (${a.type}). Equality; any operator as filter[${a.name}][OP]=value${a.latestAlias ? '; -1 = the latest lumisection of the run' : ''}.`,
      };
    }
  }
  properties.fields = { type: 'string', description: `comma-separated attributes (also fields[${r.type}]=…); drops relationships and row meta` };
  if (kind !== 'single') {
    properties.sort = { type: 'string', description: `comma-separated attributes, '-' for descending (default ${r.defaultSort.join(',')})` };
    properties['page[offset]'] = { type: 'integer', minimum: 0, description: 'rows to skip' };
    properties['page[limit]'] = { type: 'integer', minimum: 0, description: 'rows per page (default and maximum set by the server configuration)' };
    properties['page[cursor]'] = { type: 'string', description: 'keyset paging: empty to start, then meta.nextCursor' };
    if (Object.keys(r.granularity).length) properties['group[granularity]'] = { type: 'string', enum: Object.keys(r.granularity), description: 'fold rows; each attribute by its aggregation' };
  }
  properties.include = { type: 'string', description: `comma-separated: meta, presentation_timestamp, data_only${r.relationships.length ? ', ' + r.relationships.map((x) => x.name).join(', ') : ''}` };
  return { type: 'object', description: `Filter operators: ${ops}.`, properties };
}

export function openapiOf(r: ResourceDef, kind: Kind): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const qs = querystring(r, kind);
  if (qs) out.querystring = qs;
  if (kind === 'single' || kind === 'related' || kind === 'linkage') {
    out.params = {
      type: 'object',
      properties: {
        id: { type: 'string', description: `${r.id.join('_')}` },
        ...(kind !== 'single' ? { relationship: { type: 'string', enum: r.relationships.map((x) => x.name) } } : {}),
      },
    };
  }
  const ok =
    kind === 'csv'
      ? { description: 'CSV, header = attribute names', content: { 'text/csv': { schema: { type: 'string' } } } }
      : kind === 'meta'
        ? { description: 'meta.fields (title, api_type, units, description, searchable, sortable, projectable) and meta.fields_order', content: { [JSONAPI]: { schema: { type: 'object' } } } }
        : {
            description: kind === 'collection' ? 'a page of resources, links first/last/next/prev, meta.totalResourceCount' : 'JSON:API document',
            content: {
              [JSONAPI]: {
                schema:
                  kind === 'collection'
                    ? { type: 'object', properties: { data: { type: 'array', items: resourceObjectSchema(r) }, links: { type: 'object' }, meta: { type: 'object' } } }
                    : { type: 'object' },
              },
              ...(kind === 'collection' ? { 'text/csv': { schema: { type: 'string' } } } : {}),
            },
          };
  out.response = { 200: ok, 400: errorResponse('malformed or unknown query parameter'), 404: errorResponse('unknown resource or id'), 503: errorResponse('database unavailable') };
  if (r.examples.length && kind === 'collection') {
    out.description = `${r.description}\n\nExamples:\n${r.examples.map((e) => `- ${e.summary}: \`/api/v1/${r.type}?${e.query}\``).join('\n')}`;
  }
  return out;
}

/** Route options that carry a schema for the documentation only. */
export function documentOnly(schema: Record<string, unknown>): RouteShorthandOptions {
  return {
    schema,
    validatorCompiler: () => () => true,
    serializerCompiler: () => (data: unknown) => JSON.stringify(data),
  };
}
