// The registry of report definitions: every reports/*.yaml, validated with ajv and then against the
// resources (attributes, units), the probes and each other (check ids, inhibitions). A bad file is
// rejected with a message naming the file and the field. Adding a report is adding a file.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import YAML from 'yaml';
import type { ProbeRegistry } from '../probes/registry.js';
import { validateParams } from '../probes/params.js';
import { plainUnit } from '../plot/axis.js';
import type { ResourceDirectory, ResourceInfo } from './data.js';
import { DEFINITION_SCHEMA } from './definition-schema.js';
import { parseDuration } from './units.js';
import type { CheckDef, ProbeUse, ReportDefinition } from './types.js';

type AjvCtor = new (opts: object) => { compile(schema: object): ValidateFunction };
const Ajv = ((AjvModule as unknown as { default?: AjvCtor }).default ?? AjvModule) as unknown as AjvCtor;
const here = path.dirname(fileURLToPath(import.meta.url));

/** The project's reports/ directory of definition files (from src/ under tsx and from dist/). */
export function defaultDefinitionsDir(): string {
  for (const up of ['../..', '../../..']) {
    const dir = path.resolve(here, up, 'reports');
    if (fs.existsSync(dir) && fs.existsSync(path.resolve(here, up, 'package.json'))) return dir;
  }
  return path.resolve(process.cwd(), 'reports');
}

export class ReportDefinitionError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`report definition ${file}: ${field ? `field '${field}'` : 'document'}: ${detail}`);
  }
}

let validateFn: ValidateFunction | undefined;
const validator = () => (validateFn ??= new Ajv({ allErrors: true, strict: false }).compile(DEFINITION_SCHEMA));

/** `checks[hv-off].unit` rather than `checks/3/unit`, when the check has an id. */
function fieldName(doc: unknown, pointer: string[]): string {
  const out: string[] = [];
  let node: unknown = doc;
  for (const part of pointer) {
    const arr = Array.isArray(node);
    const next = (node as Record<string, unknown> | undefined)?.[part];
    const id = arr && next && typeof next === 'object' ? ((next as { id?: unknown; probe?: unknown }).id ?? (next as { probe?: unknown }).probe) : undefined;
    if (arr) out[out.length - 1] += `[${typeof id === 'string' ? id : part}]`;
    else out.push(part);
    node = next;
  }
  return out.join('.');
}

function schemaError(doc: unknown, errors: ErrorObject[], file: string): ReportDefinitionError {
  // the deepest error says most; `if`/`anyOf` wrappers only say that a branch failed
  const useful = errors.filter((e) => !['if', 'anyOf', 'oneOf', 'allOf'].includes(e.keyword));
  const e = [...(useful.length ? useful : errors)].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
  const pointer = e.instancePath.split('/').filter(Boolean);
  let detail = e.message ?? 'is invalid';
  if (e.keyword === 'required') {
    pointer.push((e.params as { missingProperty: string }).missingProperty);
    detail = 'is required';
  }
  if (e.keyword === 'additionalProperties') {
    pointer.push((e.params as { additionalProperty: string }).additionalProperty);
    detail = 'is not a known field here';
  }
  if (e.keyword === 'enum') detail = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  if (e.keyword === 'pattern' && pointer.includes('mail')) detail = 'must be a mail address';
  return new ReportDefinitionError(file, fieldName(doc, pointer), detail);
}

interface RawCheck extends Omit<CheckDef, 'resource' | 'per' | 'inhibits' | 'rollup'> {
  resource?: string;
  per?: string;
  inhibits?: string[];
  rollup?: { min_fraction?: number; min_children?: number } | false;
}

interface RawDefinition {
  title: string;
  description?: string;
  resource?: string;
  groups?: string[];
  covers?: string[];
  repeat?: string;
  notify?: { mail?: string[]; webhook?: string[] };
  probes?: { probe: string; title?: string; params?: Record<string, unknown>; for_each?: 'run' | 'fill'; max?: number }[];
  checks: RawCheck[];
}

const sameUnit = (a: string | null, b: string) => (a === null ? b === '' || b === 'none' : plainUnit(a) === plainUnit(b));

/** Values a probe parameter template stands for, for validating the static parameters. */
export const TEMPLATE_EXAMPLE: Record<string, unknown> = {
  '{period.start}': '2018-06-15T00:00:00Z',
  '{period.end}': '2018-06-16T00:00:00Z',
  '{period.days}': 1,
  '{period.hours}': 24,
};

function resolveChecks(raw: RawDefinition, file: string, dir: ResourceDirectory): CheckDef[] {
  const groups = raw.groups ?? [];
  const ids = new Set<string>();
  const checks = raw.checks.map((c, i): CheckDef => {
    const at = (f: string) => `checks[${c.id ?? i}]${f ? '.' + f : ''}`;
    const fail = (f: string, msg: string): never => {
      throw new ReportDefinitionError(file, at(f), msg);
    };
    if (ids.has(c.id)) fail('id', `check id '${c.id}' is used twice`);
    ids.add(c.id);
    const resource = c.resource ?? raw.resource ?? (c.kind === 'anomaly_episodes' ? 'anomalyscores' : undefined);
    if (!resource) fail('resource', 'is required (here or at the top of the file)');
    const info = dir.describe(resource!);
    if (!info) fail('resource', `unknown resource '${resource}' (known: ${dir.types().join(', ')})`);
    const attr = (name: string, field: string) => {
      const a = info!.attributes.find((x) => x.name === name);
      if (!a) fail(field, `'${name}' is not an attribute of ${resource}`);
      return a!;
    };
    const present = groups.filter((g) => info!.attributes.some((a) => a.name === g));
    let per: string | null = present.length ? present[present.length - 1] : null;
    if (c.per !== undefined) {
      if (!groups.includes(c.per)) fail('per', `'${c.per}' is not one of the definition's groups (${groups.join(', ') || 'none'})`);
      per = c.per;
    }
    if (per) for (const g of groups.slice(0, groups.indexOf(per) + 1)) attr(g, 'per');
    if (c.attribute) {
      const a = attr(c.attribute, 'attribute');
      if (a.type !== 'integer' && a.type !== 'number') fail('attribute', `'${c.attribute}' is ${a.type}, not a number`);
      if (c.kind !== 'rate' && c.unit !== undefined && !sameUnit(a.unit, c.unit))
        fail('unit', `'${c.unit}' is not the unit of ${resource}.${c.attribute} (${a.unit === null ? 'none' : plainUnit(a.unit)})`);
      if (c.kind === 'rate' && !sameUnit(a.unit, 'counts')) fail('attribute', `a rate check needs a count attribute; ${c.attribute} is in ${a.unit}`);
    }
    if (c.kind === 'rate' && c.unit && plainUnit(c.unit) !== 'Hz') fail('unit', 'a rate limit is in Hz');
    if (c.kind === 'band' && c.min !== undefined && c.max !== undefined && c.min >= c.max) fail('max', 'must be above min');
    if (c.member) attr(c.member, 'member');
    if (c.normalise) attr(c.normalise.temperature, 'normalise.temperature');
    for (const [name] of Object.entries(c.where ?? {})) attr(name, `where.${name}`);
    for (const f of ['for', 'over'] as const) {
      if (c[f] !== undefined) {
        try {
          parseDuration(c[f]!);
        } catch (err) {
          fail(f, (err as Error).message);
        }
      }
    }
    if (c.kind === 'anomaly_episodes') for (const a of ['model', 'flag', 'score', 'run_number', 'lumisection_number']) attr(a, '');
    if (c.kind === 'trend' && c.slope_unit === 'unit/d' && !c.unit) fail('unit', 'is required');
    needsSeries(info!, resource!, c, fail);
    const rollup = c.rollup === false ? false : { min_fraction: c.rollup?.min_fraction ?? 0.5, min_children: c.rollup?.min_children ?? 2 };
    return { ...c, resource: resource!, per, inhibits: c.inhibits ?? [], rollup } as CheckDef;
  });
  for (const c of checks) {
    for (const t of c.inhibits) if (!ids.has(t) || t === c.id) throw new ReportDefinitionError(file, `checks[${c.id}].inhibits`, `'${t}' is not another check of this file`);
  }
  return checks;
}

/** Every kind but no_data and trend reads readings in order: run_number (and a time) are needed. */
function needsSeries(info: ResourceInfo, resource: string, c: RawCheck, fail: (f: string, m: string) => never): void {
  if (c.kind === 'no_data') return;
  if (!info.attributes.some((a) => a.name === 'run_number')) fail('resource', `${resource} has no run_number: ${c.kind} checks read readings per run`);
}

function resolveProbes(raw: RawDefinition, file: string, probes?: ProbeRegistry): ProbeUse[] {
  return (raw.probes ?? []).map((p) => {
    const at = `probes[${p.probe}]`;
    if (probes) {
      const probe = probes.get(p.probe);
      if (!probe)
        throw new ReportDefinitionError(
          file,
          `${at}.probe`,
          `unknown probe '${p.probe}' (known: ${probes
            .list()
            .map((x) => x.id)
            .join(', ')})`,
        );
      const given: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(p.params ?? {})) given[k] = typeof v === 'string' && v in TEMPLATE_EXAMPLE ? TEMPLATE_EXAMPLE[v] : v;
      if (p.for_each === 'run') given.run_number = 1;
      if (p.for_each === 'fill') given.fill_number = 1;
      const param = p.for_each === 'run' ? 'run_number' : p.for_each === 'fill' ? 'fill_number' : undefined;
      if (param && !probe.params.properties[param]) throw new ReportDefinitionError(file, `${at}.for_each`, `probe ${p.probe} has no ${param} parameter`);
      try {
        validateParams(probe, given);
      } catch (err) {
        throw new ReportDefinitionError(file, `${at}.params`, (err as Error).message);
      }
    }
    return { probe: p.probe, title: p.title, params: p.params ?? {}, for_each: p.for_each, max: p.max ?? 3 };
  });
}

/** Validates one parsed definition document; `file` names it in messages. */
export function validateDefinition(doc: unknown, file: string, dir: ResourceDirectory, probes?: ProbeRegistry): ReportDefinition {
  const validate = validator();
  if (!validate(doc)) throw schemaError(doc, validate.errors ?? [], file);
  const raw = doc as RawDefinition;
  if (raw.resource && !dir.describe(raw.resource)) throw new ReportDefinitionError(file, 'resource', `unknown resource '${raw.resource}' (known: ${dir.types().join(', ')})`);
  const id = path.basename(file).replace(/\.ya?ml$/, '');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new ReportDefinitionError(file, '', 'the file name must be lower-case letters, digits and dashes (it is the report id)');
  return {
    id,
    file,
    title: raw.title,
    description: raw.description ?? '',
    resource: raw.resource,
    groups: raw.groups ?? [],
    covers: raw.covers ?? [],
    repeatSeconds: parseDuration(raw.repeat ?? '72h'),
    notify: { mail: raw.notify?.mail ?? [], webhook: raw.notify?.webhook ?? [] },
    probes: resolveProbes(raw, file, probes),
    checks: resolveChecks(raw, file, dir),
  };
}

export function loadDefinitionFile(file: string, dir: ResourceDirectory, probes?: ProbeRegistry): ReportDefinition {
  const name = path.basename(file);
  let doc: unknown;
  try {
    doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ReportDefinitionError(name, '', `not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  return validateDefinition(doc, name, dir, probes);
}

/** Every definition in the directory, sorted by id. */
export function loadDefinitions(directory: string, dir: ResourceDirectory, probes?: ProbeRegistry): ReportDefinition[] {
  if (!fs.existsSync(directory)) throw new ReportDefinitionError(directory, '', 'the definitions directory does not exist');
  const files = fs
    .readdirSync(directory)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  if (!files.length) throw new ReportDefinitionError(directory, '', 'holds no report definition (*.yaml)');
  return files.map((f) => loadDefinitionFile(path.join(directory, f), dir, probes));
}
