// The one door through which reports read monitoring data: resources by type, with OMS-style
// filters, fields and sort, and the equivalent API URL of every read — through the read engine's
// catalog API (src/jsonapi/engine.ts), as the probes and the HTTP routes read. Nothing here leaks
// SQL or knex.
import type { Db } from '../db/connection.js';
import { ReadEngine } from '../jsonapi/engine.js';
import { serialiseQuery } from '../jsonapi/querystring.js';
import type { ResourceDef } from '../jsonapi/resource.js';
import { loadResources, type ResourceRegistry } from '../resources/loader.js';

export type FilterOp = 'EQ' | 'NEQ' | 'LT' | 'GT' | 'LE' | 'GE' | 'LIKE';
export type Filter = [attribute: string, op: FilterOp, value: string | number | boolean];

export interface AttributeInfo {
  /** attribute name; members of OMS nested objects as `object.member` (e.g. `l1a_total.rate`) */
  name: string;
  type: 'integer' | 'number' | 'string' | 'boolean' | 'datetime' | 'array';
  /** OMS unit spelling, null for identifiers */
  unit: string | null;
  title: string;
}

export interface ResourceInfo {
  type: string;
  title: string;
  attributes: AttributeInfo[];
  /** the attributes rows are folded by with `granularity` (e.g. run: [run_number, power_group]) */
  granularities: Record<string, string[]>;
}

export interface ReadSpec {
  filters?: Filter[];
  /** attribute names (object members as `object.member`) */
  fields: string[];
  /** `name` ascending, `-name` descending */
  sort?: string[];
  /** most rows returned (default 2 000 000); `truncated` says when more matched */
  limit?: number;
  /** fold rows by a resource granularity (lumisection, run, fill) with each attribute's aggregation */
  granularity?: string;
}

export type DataRow = Record<string, string | number | boolean | null>;

export interface ReadResult {
  rows: DataRow[];
  /** the same read through the API, relative to the server root */
  url: string;
  /** more rows matched than `limit` */
  truncated: boolean;
}

/** What resources exist and what their attributes are (no database needed). */
export interface ResourceDirectory {
  describe(type: string): ResourceInfo | undefined;
  types(): string[];
}

export interface Catalog extends ResourceDirectory {
  readonly apiPrefix: string;
  read(type: string, spec: ReadSpec): Promise<ReadResult>;
}

export class DataError extends Error {}

const DEFAULT_LIMIT = 2_000_000;

function infoOf(r: ResourceDef): ResourceInfo {
  const attributes: AttributeInfo[] = r.columns.map((c) => ({ name: c.name, type: c.type, unit: c.unit, title: c.title }));
  return { type: r.type, title: r.title, attributes, granularities: Object.fromEntries(Object.entries(r.granularity).map(([g, x]) => [g, x.keys])) };
}

/** The resources/ definitions, for validating report definitions without a database. */
export function resourceDirectory(resources: ResourceRegistry = loadResources()): ResourceDirectory {
  return {
    describe: (type) => {
      const r = resources.get(type);
      return r ? infoOf(r) : undefined;
    },
    types: () => resources.all.map((r) => r.type),
  };
}

/** A catalog over the resources/ definitions, reading through the engine. */
export function openCatalog(db: Db, opts: { resources?: ResourceRegistry; apiPrefix?: string } = {}): Catalog {
  const registry = opts.resources ?? loadResources();
  const apiPrefix = opts.apiPrefix ?? '/api/v1';
  const resource = (type: string): ResourceDef => {
    const r = registry.get(type);
    if (!r) throw new DataError(`unknown resource '${type}' (known: ${registry.all.map((x) => x.type).join(', ')})`);
    return r;
  };
  // reports read whole periods: pages as large as the read limit, no count
  const engine = new ReadEngine(db, registry, { defaultPageLimit: DEFAULT_LIMIT + 1, maxPageLimit: Number.MAX_SAFE_INTEGER, maxReadRows: Number.MAX_SAFE_INTEGER });
  return {
    ...resourceDirectory(registry),
    apiPrefix,
    read: (type, spec) => readResource(engine, resource(type), apiPrefix, spec),
  };
}

/** The engine a catalog reads through (for the probes a report draws). */
export function engineOf(db: Db, resources: ResourceRegistry = loadResources()): ReadEngine {
  return new ReadEngine(db, resources, { defaultPageLimit: 100, maxPageLimit: 100_000 });
}

function queryParams(r: ResourceDef, spec: ReadSpec): { key: string; value: string }[] {
  const params: { key: string; value: string }[] = [];
  for (const [a, op, v] of spec.filters ?? []) params.push({ key: `filter[${a}][${op}]`, value: String(v) });
  // the engine projects top-level attributes: an object member brings its whole object
  const top = [...new Set(spec.fields.map((f) => f.split('.')[0]))];
  for (const f of spec.fields) if (!r.scalars.has(f)) throw new DataError(`${r.type} has no attribute '${f}'`);
  params.push({ key: 'fields', value: top.join(',') });
  if (spec.sort?.length) params.push({ key: 'sort', value: spec.sort.join(',') });
  if (spec.granularity) params.push({ key: 'group[granularity]', value: spec.granularity });
  return params;
}

async function readResource(engine: ReadEngine, r: ResourceDef, apiPrefix: string, spec: ReadSpec): Promise<ReadResult> {
  const params = queryParams(r, spec);
  const url = `${apiPrefix}/${r.type}?${serialiseQuery(params).replace(/%5B/g, '[').replace(/%5D/g, ']').replace(/%2C/g, ',')}`;
  const limit = spec.limit ?? DEFAULT_LIMIT;
  // one row past the limit says whether there is more (no count)
  const read = await engine.read(r.type, serialiseQuery([...params, { key: 'page[limit]', value: String(limit + 1) }]), { prefix: apiPrefix });
  const rows = read.rows.slice(0, limit).map((x) => {
    const row: DataRow = {};
    for (const f of spec.fields) {
      const v = x[f];
      row[f] = Array.isArray(v) ? v.join(',') : (v as DataRow[string]);
    }
    return row;
  });
  return { rows, url, truncated: read.rows.length > limit };
}
