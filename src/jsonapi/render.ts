// Stage 5 of the read path: rows → the JSON:API document in the OMS shape, or CSV. Each plan gets a
// row writer compiled once (attribute names, units, relationship links and the encoders of each
// column's type fixed in a generated function), so a page of 100 000 rows is string concatenation,
// not object building and JSON.stringify. A page built whole is written row by row as UTF-8 into a
// pooled buffer (bytes.ts); larger pages stream batch by batch in pooled chunk buffers, exports of
// every row in string chunks; memory bounded either way.
//
// The shape: string ids joined with "_", attributes (nested {counter, rate} objects where the
// resource says so), links.self, relationship links, row meta with units; top-level links
// first/last/next/prev (next null on the last page) and meta.totalResourceCount. A `fields`
// projection drops relationships and row meta, as OMS does.
import type { RowSet } from '../db/reader.js';
import type { Count, PageResult, StreamResult } from './execute.js';
import { relatedKey } from './execute.js';
import type { ReadPlan } from './plan.js';
import { serialiseQuery } from './querystring.js';
import type { ColumnAttribute, ResourceDef, ScalarType } from './resource.js';
import { fieldsMeta } from './meta.js';
import { formatDatetime, toWire } from './values.js';
import { bodyPool, ByteBuilder, ChunkWriter, StringSink, type TextSink } from './bytes.js';

export interface Urls {
  /** absolute API base, e.g. http://host:8080/api/v1 */
  baseUrl: string;
  /** absolute URL of the collection the links page through (default baseUrl/type) */
  collectionUrl?: string;
}

// ---- value encoders (JSON text of a database value in wire form) -------------------------------

const WIRE_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function encNumber(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? '' + v : 'null';
  if (v === null || v === undefined) return 'null';
  const n = Number(v);
  return Number.isFinite(n) ? '' + n : 'null';
}
function encString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  return JSON.stringify(typeof v === 'string' ? v : toWire('string', v));
}
function encBoolean(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  return toWire('boolean', v) ? 'true' : 'false';
}
function encDatetime(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string' && WIRE_DATETIME.test(v)) return '"' + v + '"';
  const s = formatDatetime(v);
  return s === null ? 'null' : JSON.stringify(s);
}
function encDatetimePresentation(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string' && WIRE_DATETIME.test(v)) return '"' + v.slice(0, 10) + ' ' + v.slice(11, 19) + '"';
  const s = formatDatetime(v, true);
  return s === null ? 'null' : JSON.stringify(s);
}
function encArray(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  return JSON.stringify(toWire('array', v));
}

function encoderOf(type: ScalarType, presentation: boolean): (v: unknown) => string {
  switch (type) {
    case 'integer':
    case 'number':
      return encNumber;
    case 'string':
      return encString;
    case 'boolean':
      return encBoolean;
    case 'datetime':
      return presentation ? encDatetimePresentation : encDatetime;
    case 'array':
      return encArray;
  }
}

/** One id part: the wire value as text ('null' for none, arrays comma-joined). */
function idPart(type: ScalarType, v: unknown): string {
  if (typeof v === 'number') return '' + v;
  if (typeof v === 'string' && type === 'string') return v;
  const w = toWire(type, v);
  return w === null ? 'null' : Array.isArray(w) ? w.join(',') : String(w);
}

// ---- the compiled row writer -----------------------------------------------------------------

/** Writes one resource object; `relationshipData` adds, per relationship name, JSON members after its
 *  links (`,"data":…` and `,"meta":…` of an included relationship). */
export type RowWriter = (row: unknown[], relationshipData?: Record<string, string>) => string;

interface WriterSpec {
  plan: ReadPlan;
  baseUrl: string;
  columns: readonly string[];
}

/** Compiled writers by what decides them (the same query asked again reuses its writer). */
const writerCache = new Map<string, RowWriter>();
const WRITER_CACHE_MAX = 512;

function json(s: string): string {
  return JSON.stringify(s);
}

function compileWriter({ plan, baseUrl, columns }: WriterSpec): RowWriter {
  const { resource } = plan;
  const pres = plan.flags.presentationTimestamp;
  const at = (c: ColumnAttribute): number => {
    const i = columns.indexOf(c.column);
    if (i < 0) throw new Error(`internal: column ${c.column} of ${resource.type} was not read`);
    return i;
  };
  // generated code refers to encoders and constants through these arrays
  const fns: ((v: unknown) => string)[] = [];
  const consts: unknown[] = [];
  const fn = (f: (v: unknown) => string) => `F[${fns.push(f) - 1}]`;
  const k = (v: unknown) => `K[${consts.push(v) - 1}]`;

  const idExpr = plan.identity.map((c) => `P(${k(c.type)}, r[${at(c)}])`).join(" + '_' + ");
  const attrParts: string[] = [];
  const units: Record<string, { units: string }> = {};
  plan.projection.forEach((a, i) => {
    const sep = i ? ',' : '';
    if (a.kind === 'object') {
      const members = a.members.map((m, j) => `${json((j ? ',' : '') + json(m.name.slice(a.name.length + 1)) + ':')} + ${fn(encoderOf(m.type, pres))}(r[${at(m)}])`);
      attrParts.push(`${json(sep + json(a.name) + ':{')} + ${members.join(' + ')} + '}'`);
      for (const m of a.members) if (m.unit) units[m.name] = { units: m.unit };
    } else {
      attrParts.push(`${json(sep + json(a.name) + ':')} + ${fn(encoderOf(a.type, pres))}(r[${at(a)}])`);
      if (a.unit) units[a.name] = { units: a.unit };
    }
  });
  const head = `'{"id":' + JSON.stringify(id) + ${json(`,"type":${json(resource.type)},"attributes":{`)}`;
  const attrs = attrParts.length ? attrParts.join(' + ') : "''";
  let body: string;
  if (plan.flags.dataOnly) {
    body = `return ${head} + ${attrs} + '}}';`;
  } else {
    // u: the self link's JSON text without its closing quote, which the relationship links extend
    let selfOpen: string;
    if (plan.source.groupKeys) {
      // a folded row is not addressable by id: its self link is the query that yields exactly it
      const keys = plan.identity.map((c) => `{ key: ${k(`filter[${c.name}][EQ]`)}, value: P(${k(c.type)}, r[${at(c)}]) }`);
      selfOpen = `JSON.stringify(${k(`${baseUrl}/${resource.type}?`)} + Q([${keys.join(', ')}, { key: 'group[granularity]', value: ${k(plan.source.granularity)} }])).slice(0, -1)`;
    } else {
      // the id encoded for a URL needs no JSON escaping (encodeURIComponent leaves no quote,
      // backslash or control character): the base is escaped once here, not per row
      selfOpen = `${k(JSON.stringify(`${baseUrl}/${resource.type}/`).slice(0, -1))} + encodeURIComponent(id)`;
    }
    // every relationship's links (none under a projection or a fold), and always the included ones
    const included = new Set(plan.includes.map((i) => i.relationship.name));
    const rels = plan.source.groupKeys ? [] : resource.relationships.filter((r) => !plan.flags.projected || included.has(r.name));
    const relCode = rels.length
      ? `+ ',"relationships":{' + ${rels
          .map(
            (r, i) =>
              `${json((i ? ',' : '') + json(r.name) + ':{"links":{"self":')} + u + ${json(`/relationships/${r.name}"`)} + ',"related":' + u + ${json(`/${r.name}"`)} + '}' + (d && d[${json(r.name)}] !== undefined ? d[${json(r.name)}] : '') + '}'`,
          )
          .join(' + ')} + '}'`
      : '';
    const metaCode = !plan.flags.projected && Object.keys(units).length ? `+ ${json(`,"meta":{"row":${JSON.stringify(units)}}`)}` : '';
    body = `const u = ${selfOpen}; return ${head} + ${attrs} + '},"links":{"self":' + u + '"}' ${relCode} ${metaCode} + '}';`;
  }
  const code = `return function writeRow(r, d) { const id = ${idExpr || "''"}; ${body} };`;
  return new Function('F', 'K', 'P', 'Q', code)(fns, consts, idPart, serialiseQuery) as RowWriter;
}

/** The row writer of `plan` for rows with these columns (compiled once per plan and column order). */
export function rowWriter(plan: ReadPlan, baseUrl: string, columns: readonly string[]): RowWriter {
  const p = plan;
  // what the writer depends on: attributes, identity, flags, fold and relationships — not the filters
  const key = JSON.stringify([
    p.resource.type,
    p.resource.source,
    baseUrl,
    columns,
    p.projection.map((a) => a.name),
    p.identity.map((c) => c.name),
    p.flags,
    p.source.granularity ?? null,
    !!p.source.groupKeys,
    p.includes.map((i) => i.relationship.name),
  ]);
  let w = writerCache.get(key);
  if (!w) {
    w = compileWriter({ plan, baseUrl, columns });
    if (writerCache.size >= WRITER_CACHE_MAX) writerCache.delete(writerCache.keys().next().value as string);
    writerCache.set(key, w);
  }
  return w;
}

/** The id of a row (as in data[].id). */
export function idOfRow(plan: Pick<ReadPlan, 'identity'>, rows: RowSet, row: unknown[]): string {
  return plan.identity.map((c) => idPart(c.type, row[rows.columns.indexOf(c.column)])).join('_');
}

// ---- links and meta --------------------------------------------------------------------------

function pageLink(collectionUrl: string, plan: ReadPlan, limit: number, page: Record<string, string>): string {
  const kept = plan.params.filter((p) => p.name !== 'page' || (p.path[0] !== 'offset' && p.path[0] !== 'cursor' && p.path[0] !== 'limit'));
  const params = [{ key: 'page[limit]', value: String(limit) }, ...kept, ...Object.entries(page).map(([key, value]) => ({ key, value }))];
  return `${collectionUrl}?${serialiseQuery(params)}`;
}

export function collectionUrlOf(plan: ReadPlan, urls: Urls): string {
  return urls.collectionUrl ?? `${urls.baseUrl}/${plan.resource.type}`;
}

/** Top-level links for a page; `more`: a row follows; `count` when known. */
function linksOf(plan: ReadPlan, urls: Urls, more: boolean, nextCursor: string | null, count: Count | null): Record<string, string | null> {
  const url = collectionUrlOf(plan, urls);
  const page = plan.page;
  if (page.mode === 'cursor') {
    return { first: pageLink(url, plan, page.limit, { 'page[cursor]': '' }), next: nextCursor ? pageLink(url, plan, page.limit, { 'page[cursor]': nextCursor }) : null };
  }
  const limit = page.mode === 'offset' ? page.limit : 0;
  const offset = page.offset;
  const at = (o: number) => (o > 0 ? pageLink(url, plan, limit, { 'page[offset]': String(o) }) : pageLink(url, plan, limit, {}));
  const total = count?.exact ? count.value : undefined;
  const lastOffset = total !== undefined && limit > 0 && total > 0 ? Math.floor((total - 1) / limit) * limit : total !== undefined ? 0 : undefined;
  return {
    first: at(0),
    last: lastOffset === undefined ? null : at(lastOffset),
    next: limit > 0 && more ? at(offset + limit) : null,
    prev: offset > 0 && limit > 0 ? at(Math.max(0, offset - limit)) : null,
  };
}

function metaOf(plan: ReadPlan, count: Count | null, rowsOnPage: number, nextCursor: string | null): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  // without a count (cursor pages, count=none) the total is what this page holds, as before
  meta.totalResourceCount = count ? count.value : rowsOnPage;
  meta.count = count ? { exact: count.exact, method: count.method } : { exact: false, method: 'none' };
  if (plan.page.mode === 'cursor') meta.nextCursor = nextCursor;
  if (plan.flags.meta) Object.assign(meta, fieldsMeta(plan.resource));
  return meta;
}

// ---- documents -------------------------------------------------------------------------------

function relationshipData(plan: ReadPlan, rows: RowSet, result: PageResult): ((row: unknown[]) => Record<string, string>) | undefined {
  if (!plan.includes.length) return undefined;
  const lookups = plan.includes.map((inc) => {
    const rel = result.related.get(inc.relationship.name)!;
    const byKey = new Map<string, string[]>();
    const ri = inc.remoteKeys.map((kc) => rel.rows.columns.indexOf(kc.column));
    for (const r of rel.rows.rows) {
      const key = relatedKey(ri.map((i) => r[i]));
      const ids = byKey.get(key) ?? byKey.set(key, []).get(key)!;
      ids.push(idOfRow(inc.target, rel.rows, r));
    }
    const li = inc.localKeys.map((kc) => rows.columns.indexOf(kc.column));
    // the related link pages through all of them when the include was cut at its cap
    const meta = rel.truncated && inc.relationship.cardinality === 'many' ? ',"meta":' + JSON.stringify({ truncated: true, includeLimit: inc.cap }) : '';
    return { inc, byKey, li, meta };
  });
  return (row) => {
    const out: Record<string, string> = {};
    for (const { inc, byKey, li, meta } of lookups) {
      const ids = byKey.get(relatedKey(li.map((i) => row[i]))) ?? [];
      const linkage = ids.map((id) => ({ type: inc.target.resource.type, id }));
      out[inc.relationship.name] = ',"data":' + JSON.stringify(inc.relationship.cardinality === 'one' ? (linkage[0] ?? null) : linkage) + meta;
    }
    return out;
  };
}

function includedOf(plan: ReadPlan, result: PageResult, urls: Urls): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const inc of plan.includes) {
    const rel = result.related.get(inc.relationship.name)!;
    if (!rel.rows.rows.length) continue;
    const write = rowWriter(inc.target, urls.baseUrl, rel.rows.columns);
    for (const r of rel.rows.rows) {
      const key = `${inc.target.resource.type}/${idOfRow(inc.target, rel.rows, r)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(write(r));
    }
  }
  return out;
}

/**
 * An export's rows (JSON or CSV) are written and joined into string chunks of about CHUNK_CHARS
 * characters, which the socket encodes into memory it frees as soon as the write is done (a Buffer
 * per chunk, freed only when the collector finds it, measured slower with `npm run bench:render`
 * and `npm run bench:cpu`). Each row is a rope of small strings, and ropes that live until thousands are joined
 * survive the young generation, hence chunks, not one string; and a chunk stays below V8's regular
 * object size (128 KB), above which every string takes fresh pages.
 */
export const CHUNK_CHARS = 32 * 1024;

/** The rows (or written objects) written and joined with `sep` into chunks; `lead`: the first chunk starts with `sep`. */
function* rowChunks<T>(rows: readonly T[], write: (r: T) => string, sep: string, lead: boolean): Generator<string> {
  let parts: string[] = lead && sep ? [''] : [];
  let size = 0;
  for (let i = 0; i < rows.length; i++) {
    const s = write(rows[i]);
    parts.push(s);
    size += s.length;
    if (size >= CHUNK_CHARS) {
      yield parts.join(sep);
      parts = sep ? [''] : [];
      size = 0;
    }
  }
  if (size) yield parts.join(sep);
}

/** The rows (or written objects) written to `out`, separated by commas. */
function writeRows<T>(out: TextSink, rows: readonly T[], write: (r: T) => string): void {
  for (let i = 0; i < rows.length; i++) out.write(i ? ',' + write(rows[i]) : write(rows[i]));
}

/** A whole collection page written to `out`. */
function writePage(out: TextSink, plan: ReadPlan, result: PageResult, urls: Urls): void {
  const { rows } = result;
  out.write('{"data":[');
  if (rows.rows.length) {
    const write = rowWriter(plan, urls.baseUrl, rows.columns);
    const data = relationshipData(plan, rows, result);
    writeRows(out, rows.rows, data ? (r: unknown[]) => write(r, data(r)) : write);
  }
  if (plan.includes.length) {
    out.write('],"included":[');
    writeRows(out, includedOf(plan, result, urls), (s) => s);
  }
  let end = ']';
  if (!plan.flags.dataOnly) end += ',"links":' + JSON.stringify(linksOf(plan, urls, result.more, result.nextCursor, result.count));
  end += ',"meta":' + JSON.stringify(metaOf(plan, result.count, rows.rows.length, result.nextCursor)) + '}';
  out.write(end);
}

/** A built response body: its bytes, and the release of their pooled buffer once sent. */
export interface Body {
  bytes: Buffer;
  release(): void;
}

function bodyOf(write: (out: TextSink) => void): Body {
  const out = new ByteBuilder(bodyPool);
  write(out);
  return { bytes: out.bytes(), release: () => out.release() };
}

function textOf(write: (out: TextSink) => void): string {
  const out = new StringSink();
  write(out);
  return out.text();
}

/** A whole collection page as UTF-8 bytes in a pooled buffer (what the routes send). */
export function renderPageBody(plan: ReadPlan, result: PageResult, urls: Urls): Body {
  return bodyOf((out) => writePage(out, plan, result, urls));
}

/** A whole collection page as JSON text. */
export function renderPage(plan: ReadPlan, result: PageResult, urls: Urls): string {
  return textOf((out) => writePage(out, plan, result, urls));
}

/** One resource (`/{type}/{id}`, a to-one relationship) written to `out`: data is the object, or null. */
function writeSingle(out: TextSink, plan: ReadPlan, result: PageResult, urls: Urls, self?: string): void {
  const { rows } = result;
  if (!rows.rows.length) return out.write(JSON.stringify({ data: null, links: { self } }));
  const write = rowWriter(plan, urls.baseUrl, rows.columns);
  const data = relationshipData(plan, rows, result);
  const obj = write(rows.rows[0], data?.(rows.rows[0]));
  const link = self ?? (JSON.parse(obj) as { links?: { self?: string } }).links?.self;
  out.write('{"data":' + obj + ',"links":' + JSON.stringify({ self: link }));
  if (plan.includes.length) {
    out.write(',"included":[');
    writeRows(out, includedOf(plan, result, urls), (s) => s);
    out.write(']');
  }
  out.write(plan.flags.meta ? ',"meta":' + JSON.stringify(fieldsMeta(plan.resource)) + '}' : '}');
}

/** One resource as UTF-8 bytes in a pooled buffer. */
export function renderSingleBody(plan: ReadPlan, result: PageResult, urls: Urls, self?: string): Body {
  return bodyOf((out) => writeSingle(out, plan, result, urls, self));
}

/** One resource as JSON text. */
export function renderSingle(plan: ReadPlan, result: PageResult, urls: Urls, self?: string): string {
  return textOf((out) => writeSingle(out, plan, result, urls, self));
}

/** Resource linkage of a relationship (`/{type}/{id}/relationships/{name}`). */
export function renderLinkage(plan: ReadPlan, result: PageResult, links: { self: string; related: string }, many: boolean): string {
  const { rows } = result;
  const ids = rows.rows.map((r) => ({ type: plan.resource.type, id: idOfRow(plan, rows, r) }));
  const doc: Record<string, unknown> = { links, data: many ? ids : (ids[0] ?? null) };
  if (many) doc.meta = { totalResourceCount: result.count ? result.count.value : ids.length };
  return JSON.stringify(doc);
}

/**
 * A collection, batch by batch (no includes: those need the whole page). With `out`, the rows are
 * written into its pooled buffers and the chunks are views of them, which the caller releases once
 * the response is sent: a page. Without, they are string chunks the socket frees as it goes: an
 * export of every row, whose memory must not grow with its length.
 */
export function renderJsonStream(plan: ReadPlan, stream: StreamResult, urls: Urls, out: ChunkWriter): AsyncGenerator<Buffer>;
export function renderJsonStream(plan: ReadPlan, stream: StreamResult, urls: Urls): AsyncGenerator<string>;
export function renderJsonStream(plan: ReadPlan, stream: StreamResult, urls: Urls, out: ChunkWriter | undefined): AsyncGenerator<Buffer | string>;
export function renderJsonStream(plan: ReadPlan, stream: StreamResult, urls: Urls, out?: ChunkWriter): AsyncGenerator<Buffer | string> {
  return out ? pooledJsonStream(plan, stream, urls, out) : stringJsonStream(plan, stream, urls);
}

function endOfStream(plan: ReadPlan, stream: StreamResult, urls: Urls, count: Count | null): string {
  const tail = stream.tail();
  let end = ']';
  if (!plan.flags.dataOnly) end += ',"links":' + JSON.stringify(linksOf(plan, urls, tail.more, tail.nextCursor, count));
  return end + ',"meta":' + JSON.stringify(metaOf(plan, count, tail.rows, tail.nextCursor)) + '}';
}

async function* pooledJsonStream(plan: ReadPlan, stream: StreamResult, urls: Urls, out: ChunkWriter): AsyncGenerator<Buffer> {
  let first = true;
  out.write('{"data":[');
  for await (const set of stream.batches) {
    const write = rowWriter(plan, urls.baseUrl, set.columns);
    const rows = set.rows;
    for (let i = 0; i < rows.length; i++) {
      const full = out.write(first ? write(rows[i]) : ',' + write(rows[i]));
      first = false;
      if (full) yield full;
    }
    const rest = out.flush();
    if (rest) yield rest;
  }
  const full = out.write(endOfStream(plan, stream, urls, await stream.count()));
  if (full) yield full;
  yield out.flush()!;
}

async function* stringJsonStream(plan: ReadPlan, stream: StreamResult, urls: Urls): AsyncGenerator<string> {
  let first = true;
  yield '{"data":[';
  for await (const set of stream.batches) {
    const write = rowWriter(plan, urls.baseUrl, set.columns);
    for (const c of rowChunks(set.rows, write, ',', !first)) {
      yield c;
      first = false;
    }
  }
  yield endOfStream(plan, stream, urls, await stream.count());
}

// ---- CSV -------------------------------------------------------------------------------------

/** CSV columns: one per projected scalar attribute, object members as `<object>.<member>`. */
export function csvColumns(plan: Pick<ReadPlan, 'projection'>): ColumnAttribute[] {
  return plan.projection.flatMap((a) => (a.kind === 'object' ? a.members : [a]));
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function csvCell(type: ScalarType, v: unknown, pres: boolean): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' && (type === 'integer' || type === 'number')) return Number.isFinite(v) ? '' + v : '';
  if (type === 'datetime' && typeof v === 'string' && WIRE_DATETIME.test(v)) return pres ? v.slice(0, 10) + ' ' + v.slice(11, 19) : v;
  const w = toWire(type, v, pres);
  if (w === null) return '';
  if (typeof w === 'boolean') return w ? 'true' : 'false';
  return csvField(Array.isArray(w) ? w.join(',') : String(w));
}

export function csvHeader(plan: Pick<ReadPlan, 'projection'>): string {
  return (
    csvColumns(plan)
      .map((c) => csvField(c.name))
      .join(',') + '\n'
  );
}

const CSV_SPECIAL = /[",\r\n]/;

function csvNumber(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? '' + v : '';
  return v === null || v === undefined ? '' : csvCell('number', v, false);
}
function csvString(v: unknown): string {
  if (typeof v === 'string') return CSV_SPECIAL.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  return v === null || v === undefined ? '' : csvCell('string', v, false);
}
function csvDatetime(v: unknown): string {
  return typeof v === 'string' && WIRE_DATETIME.test(v) ? v : csvCell('datetime', v, false);
}

/** One CSV line per row, compiled for the plan's columns (as the JSON row writer is). */
function compileCsvWriter(plan: Pick<ReadPlan, 'projection' | 'flags'>, columns: readonly string[]): (r: unknown[]) => string {
  const pres = plan.flags.presentationTimestamp;
  const fns: ((v: unknown) => string)[] = [];
  const parts = csvColumns(plan).map((c) => {
    const i = columns.indexOf(c.column);
    const f = c.type === 'integer' || c.type === 'number' ? csvNumber : c.type === 'string' ? csvString : c.type === 'datetime' && !pres ? csvDatetime : (v: unknown) => csvCell(c.type, v, pres);
    return `F[${fns.push(f) - 1}](r[${i}])`;
  });
  return new Function('F', `return function csvLine(r) { return ${parts.join(" + ',' + ") || "''"} + '\\n'; };`)(fns) as (r: unknown[]) => string;
}

const csvWriters = new Map<string, (r: unknown[]) => string>();

/** The compiled CSV line writer for rows with these columns. */
function csvWriter(plan: Pick<ReadPlan, 'projection' | 'flags'>, columns: readonly string[]): (r: unknown[]) => string {
  const key = JSON.stringify([plan.projection.map((a) => [a.name, a.kind === 'object' ? a.members.map((m) => [m.column, m.type]) : [a.column, a.type]]), plan.flags.presentationTimestamp, columns]);
  let write = csvWriters.get(key);
  if (!write) {
    write = compileCsvWriter(plan, columns);
    if (csvWriters.size >= 512) csvWriters.delete(csvWriters.keys().next().value as string);
    csvWriters.set(key, write);
  }
  return write;
}

/** Rows as CSV lines (no header), as one string: for the in-memory collections, which are small. */
export function csvLines(plan: Pick<ReadPlan, 'projection' | 'flags'>, set: RowSet): string {
  return set.rows.map(csvWriter(plan, set.columns)).join('');
}

export async function* renderCsvStream(plan: ReadPlan, batches: AsyncIterable<RowSet>): AsyncGenerator<string> {
  yield csvHeader(plan);
  for await (const set of batches) {
    yield* rowChunks(set.rows, csvWriter(plan, set.columns), '', false);
  }
}

export type { ResourceDef };
