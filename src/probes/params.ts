// Probe parameters from a query string: `run_number=315512`, `paths=A,B` (or repeated), and the OMS
// filter form `filter[run_number][EQ]=315512` / `filter[run_number]=315512` that page controllers
// send to portlets. Values are coerced and checked against the probe's parameter schema with ajv;
// a bad value is a 400 naming the parameter.
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { QueryParseError, QueryValidationError } from '../jsonapi/errors.js';
import { parseRawQuery, type RawParam } from '../jsonapi/querystring.js';
import type { Params, Probe } from './types.js';

const Ajv = AjvModule.default ?? AjvModule;
const addFormats = (addFormatsModule as unknown as { default?: (a: unknown) => void }).default ?? (addFormatsModule as unknown as (a: unknown) => void);
const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: 'array', useDefaults: true });
addFormats(ajv);

const compiled = new WeakMap<object, ValidateFunction>();

export function paramValidator(probe: Probe): ValidateFunction {
  let v = compiled.get(probe.params);
  if (!v) {
    v = ajv.compile(probe.params);
    compiled.set(probe.params, v);
  }
  return v;
}

export interface SplitQuery {
  /** probe parameters as strings (lists already split) */
  given: Record<string, string | string[]>;
  /** the raw parameter names that were consumed as probe parameters in plain form (extraParams for the JSON:API stage) */
  plainNames: string[];
  /** everything not consumed as a probe parameter (JSON:API parameters on the points form; errors elsewhere) */
  rest: RawParam[];
}

const isEqOp = (op: string | undefined) => op === undefined || op.toUpperCase() === 'EQ';

/** Separates probe parameters from the rest of the query. */
export function splitQuery(probe: Probe, raw: string): SplitQuery {
  const names = Object.keys(probe.params.properties);
  const given: Record<string, string | string[]> = {};
  const rest: RawParam[] = [];
  const plainNames = new Set<string>();
  const put = (name: string, value: string, key: string) => {
    const prop = probe.params.properties[name];
    if (prop.type === 'array') {
      const values = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const prev = given[name];
      given[name] = [...(Array.isArray(prev) ? prev : []), ...values];
    } else {
      if (given[name] !== undefined && given[name] !== value) {
        throw new QueryParseError('duplicate_parameter', `parameter ${name} given more than once with different values`, key);
      }
      given[name] = value;
    }
  };
  for (const p of parseRawQuery(raw)) {
    if (p.path.length === 0 && names.includes(p.name)) {
      put(p.name, p.value, p.key);
      plainNames.add(p.name);
      continue;
    }
    if (p.name === 'filter') {
      // filter[attr][EQ], filter[attr], and the namespaced filter[type][attr][EQ]
      const path = p.path.length === 3 || (p.path.length === 2 && !/^[a-z]{2,4}$/i.test(p.path[1])) ? p.path.slice(1) : p.path;
      const [attr, op] = path;
      if (names.includes(attr) && isEqOp(op) && path.length <= 2) {
        // consumed as a parameter; the points form still applies it as a row filter on the echoed
        // parameter (always true) because it passes the whole raw query to the JSON:API stage
        put(attr, p.value, p.key);
        continue;
      }
    }
    rest.push(p);
  }
  return { given, plainNames: [...plainNames], rest };
}

/** Coerces and validates given parameters; static schema defaults are applied. */
export function validateParams(probe: Probe, given: Record<string, unknown>): Params {
  const value: Params = { ...given };
  // an empty value means "use the default"
  for (const [k, v] of Object.entries(value)) if (v === '' || (Array.isArray(v) && v.length === 0)) delete value[k];
  const v = paramValidator(probe);
  if (!v(value)) {
    const e = (v.errors ?? [])[0];
    const name = e?.instancePath ? e.instancePath.split('/')[1] : (e?.params as { additionalProperty?: string })?.additionalProperty;
    const prop = name ? probe.params.properties[name] : undefined;
    const allowed = prop?.enum ? ` (one of ${prop.enum.join(', ')})` : prop?.items?.enum ? ` (each one of ${prop.items.enum.join(', ')})` : '';
    throw new QueryValidationError('invalid_parameter', `probe ${probe.id}: parameter ${name ?? '?'} ${e?.message ?? 'is invalid'}${allowed}`, name);
  }
  // JSON Schema's integer has no bound; the probe's reads take only exact (safe) integers
  for (const [k, prop] of Object.entries(probe.params.properties)) {
    const ints = prop.type === 'integer' ? [value[k]] : prop.type === 'array' && prop.items?.type === 'integer' ? ((value[k] as unknown[] | undefined) ?? []) : [];
    if (ints.some((n) => n !== undefined && !Number.isSafeInteger(n))) {
      throw new QueryValidationError('invalid_parameter', `probe ${probe.id}: parameter ${k} must be a whole number of at most 15 digits`, k);
    }
  }
  return value;
}

/** Unknown plain parameters on the plot/plotly/csv forms are errors, not silently dropped. */
export function rejectUnknown(probe: Probe, rest: RawParam[], allowed: string[] = []): void {
  for (const p of rest) {
    if (allowed.includes(p.name)) continue;
    const known = Object.keys(probe.params.properties);
    if (p.name === 'filter') {
      throw new QueryValidationError(
        'unsupported_filter',
        `${p.key}: this form takes probe parameters only, as name=value or filter[name][EQ]=value (parameters: ${known.join(', ') || 'none'}); other filters apply on …/points`,
        p.key,
      );
    }
    throw new QueryParseError('unknown_parameter', `probe ${probe.id} has no parameter '${p.key}' (parameters: ${known.join(', ') || 'none'})`, p.key);
  }
}
