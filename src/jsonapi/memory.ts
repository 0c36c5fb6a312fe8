// Applying a ResourceQuery to in-memory rows, for computed collections such as
// /api/v1/probes/{id}/points. Same query grammar, same filter table, same document stage as the
// database-backed resources — only the row source differs.
//
// Usage (e.g. in a probe route):
//   import { defineResource, memoryCollection, memoryMeta } from '../jsonapi/memory.js';
//   const points = defineResource({ type: 'points', title: 'Plot points', id: ['series', 'x'],
//     attributes: { series: { type: 'string' }, x: { type: 'number', unit: 'ms' }, y: { type: 'number', unit: 'Hz' } } });
//   const doc = memoryCollection(points, rows, rawQueryString, { baseUrl: 'http://host/api/v1',
//     collectionUrl: 'http://host/api/v1/probes/rates/points', maxLimit: 100000, extraParams: ['run'] });
//   reply.type('application/vnd.api+json').send(doc);             // or memoryMeta(points) for /meta
// Rows are plain objects keyed by attribute name (object members: `<object>_<member>`, or the
// member's `column`). Datetimes may be Date objects or ISO strings. Throws ApiError subclasses
// (QueryParseError/QueryValidationError → 400) that the app's error handler turns into JSON:API errors.
// For finer control: parseQuery() (query.ts) → applyQuery() → collectionDocument() (document.ts).
import { decodeCursor, encodeCursor } from './cursor.js';
import { metaDocument } from './meta.js';
import { FILTER_OPERATORS } from './filters.js';
import { planRead } from './plan.js';
import { parseQuery, totalOrder, identityOf, type QueryOptions, type ResourceQuery } from './query.js';
import { normaliseResource, type ColumnAttribute, type ResourceDef, type ResourceFile } from './resource.js';
import { csvHeader, csvLines, renderPage, renderSingle } from './render.js';
import { asBoolean, parseDatetime } from './values.js';
import type { RowSet } from '../db/reader.js';

export type Row = Record<string, unknown>;

export type { ResourceDef, ResourceFile, ResourceQuery };

/** Builds a resource definition in code, with the same shape and checks as a resource file. */
export function defineResource(file: ResourceFile): ResourceDef {
  return normaliseResource({ view: `memory:${file.type}`, ...file }, `code:${file.type}`);
}

function col(resource: ResourceDef, name: string): ColumnAttribute {
  return resource.scalars.get(name)!;
}

function sortKey(v: unknown, a: ColumnAttribute): number | string | null {
  if (v === null || v === undefined) return null;
  if (a.type === 'datetime') return v instanceof Date ? v.getTime() : parseDatetime(String(v)).getTime();
  if (a.type === 'boolean') return asBoolean(v) ? 1 : 0;
  if (a.type === 'integer' || a.type === 'number') return Number(v);
  return Array.isArray(v) ? v.join(',') : String(v);
}

/** nulls sort first ascending, last descending (the same order sql.ts asks the database for) */
function cmp(a: number | string | null, b: number | string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

function aggregate(values: unknown[], a: ColumnAttribute): unknown {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (!present.length) return null;
  switch (a.aggregation) {
    case 'sum':
      return present.reduce((s: number, v) => s + Number(v), 0);
    case 'mean':
      return present.reduce((s: number, v) => s + Number(v), 0) / present.length;
    case 'min':
    case 'first':
      return present.reduce((m, v) => (cmp(sortKey(v, a), sortKey(m, a)) < 0 ? v : m));
    case 'max':
    case 'last':
      return present.reduce((m, v) => (cmp(sortKey(v, a), sortKey(m, a)) > 0 ? v : m));
  }
}

/** Folds rows by the granularity keys with each attribute's aggregation (first/last as min/max, as in SQL). */
function group(resource: ResourceDef, rows: Row[], keys: string[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const k = JSON.stringify(keys.map((n) => r[col(resource, n).column] ?? null));
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return [...groups.values()].map((g) => {
    const out: Row = {};
    for (const c of resource.columns)
      out[c.column] = keys.includes(c.name)
        ? g[0][c.column]
        : aggregate(
            g.map((r) => r[c.column]),
            c,
          );
    return out;
  });
}

/** Filters, groups, sorts and pages `rows`; returns the page, the total and the next cursor. */
export function applyQuery(resource: ResourceDef, rows: Row[], q: ResourceQuery): { rows: Row[]; total: number; nextCursor: string | null } {
  let out = rows;
  for (const f of q.filters) {
    const a = col(resource, f.attribute);
    const op = FILTER_OPERATORS[f.op];
    if (f.latest) {
      // -1 = the latest value per run (or overall when the resource has no run_number)
      const run = resource.byName.has('run_number') && f.attribute !== 'run_number' ? col(resource, 'run_number').column : undefined;
      const latest = new Map<unknown, unknown>();
      for (const r of out) {
        const k = run ? r[run] : '';
        const v = r[a.column];
        if (v !== null && v !== undefined && (!latest.has(k) || Number(v) > Number(latest.get(k)))) latest.set(k, v);
      }
      out = out.filter((r) => op.memory(r[a.column], (latest.get(run ? r[run] : '') as number | undefined) ?? null, a.type));
    } else {
      out = out.filter((r) => op.memory(r[a.column], f.value, a.type));
    }
  }
  if (q.granularity) out = group(resource, out, resource.granularity[q.granularity].keys);
  const order = totalOrder(resource, q).map((s) => ({ a: col(resource, s.attribute), desc: s.desc }));
  const compareRows = (x: Row, y: Row) => {
    for (const { a, desc } of order) {
      const c = cmp(sortKey(x[a.column], a), sortKey(y[a.column], a));
      if (c) return desc ? -c : c;
    }
    return 0;
  };
  out = [...out].sort(compareRows);
  const total = out.length;
  const { limit } = q.page;
  if (q.page.cursor !== undefined) {
    let start = 0;
    if (q.page.cursor !== '') {
      const values = decodeCursor(q.page.cursor, order.length);
      const pivot: Row = {};
      order.forEach(({ a }, i) => (pivot[a.column] = values[i]));
      start = out.findIndex((r) => compareRows(r, pivot) > 0);
      if (start < 0) start = out.length;
    }
    const page = out.slice(start, start + limit);
    const more = start + limit < out.length && page.length > 0;
    const last = page[page.length - 1];
    return { rows: page, total, nextCursor: more ? encodeCursor(order.map(({ a }) => last[a.column])) : null };
  }
  return { rows: out.slice(q.page.offset, q.page.offset + limit), total, nextCursor: null };
}

export interface MemoryCollectionOptions extends Partial<QueryOptions> {
  baseUrl: string;
  collectionUrl?: string;
}

function rowSet(resource: ResourceDef, rows: Row[]): RowSet {
  const columns = [...new Set(resource.columns.map((c) => c.column))];
  return { columns, rows: rows.map((r) => columns.map((c) => r[c] ?? null)) };
}

function memoryQuery(resource: ResourceDef, rawQuery: string, opts: Partial<QueryOptions>): ResourceQuery {
  return parseQuery(rawQuery, resource, { defaultLimit: opts.defaultLimit ?? 100, maxLimit: opts.maxLimit ?? 100_000, extraParams: opts.extraParams, allowRelationships: false });
}

/** Parses the raw query string, applies it to `rows` and returns the JSON:API document. */
export function memoryCollection(resource: ResourceDef, rows: Row[], rawQuery: string, opts: MemoryCollectionOptions): Record<string, unknown> {
  const q = memoryQuery(resource, rawQuery, opts);
  const page = applyQuery(resource, rows, q);
  // in memory the count is always exact and cheap
  const plan = planRead(resource, { ...q, count: q.count === 'none' ? 'none' : 'exact' });
  const more = q.page.cursor !== undefined ? page.nextCursor !== null : q.page.offset + q.page.limit < page.total;
  const text = renderPage(
    plan,
    { rows: rowSet(resource, page.rows), more, nextCursor: page.nextCursor, count: plan.count === 'none' ? null : { value: page.total, exact: true, method: 'exact' }, related: new Map() },
    { baseUrl: opts.baseUrl, collectionUrl: opts.collectionUrl },
  );
  return JSON.parse(text) as Record<string, unknown>;
}

/** One row as a JSON:API single-resource document. */
export function memorySingle(resource: ResourceDef, row: Row, q: ResourceQuery, baseUrl: string): Record<string, unknown> {
  const plan = planRead(resource, { ...q, count: 'none' });
  return JSON.parse(renderSingle(plan, { rows: rowSet(resource, [row]), more: false, nextCursor: null, count: null, related: new Map() }, { baseUrl })) as Record<string, unknown>;
}

/** CSV of the same query (all matching rows of the requested page), header = projected attribute names. */
export async function memoryCsv(resource: ResourceDef, rows: Row[], rawQuery: string, opts: Partial<QueryOptions> = {}): Promise<string> {
  const q = memoryQuery(resource, rawQuery, opts);
  // a CSV export holds every matching row unless the client set page[limit]
  if (!q.params.some((p) => p.name === 'page' && p.path[0] === 'limit')) q.page.limit = Number.MAX_SAFE_INTEGER;
  const plan = planRead(resource, q, { representation: 'csv' });
  return csvHeader(plan) + csvLines(plan, rowSet(resource, applyQuery(resource, rows, q).rows));
}

/** The `/meta` document (meta.fields, meta.fields_order) of a computed collection. */
export function memoryMeta(resource: ResourceDef): { meta: Record<string, unknown> } {
  return metaDocument(resource);
}

export { identityOf };
