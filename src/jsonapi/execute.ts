// Stage 4 of the read path: run a plan's statements through the database reader and return rows
// (as arrays, with their column names), whether another page follows, the next cursor, the count
// and the included related rows. Counts never dominate: exact up to a cap (a bounded count costs
// at most `cap` index entries), beyond it the planner's estimate (PostgreSQL) or the statistics of
// the table the view reads (SQLite, from ANALYZE), else a lower bound — `meta.count` says which.
import type { Db } from '../db/connection.js';
import type { Reader, RowSet, Statement } from '../db/reader.js';
import { classifyDbError } from '../db/errors.js';
import { encodeCursor } from './cursor.js';
import type { IncludePlan, ReadPlan } from './plan.js';
import { compileCount, compileEstimate, compileExists, compileRelated, compileRows } from './sql.js';

export type CountMethod = 'exact' | 'planned' | 'statistics' | 'lower_bound';

export interface Count {
  value: number;
  exact: boolean;
  method: CountMethod;
}

export interface RelatedRows {
  rows: RowSet;
  /** more related rows exist than the include cap */
  truncated: boolean;
}

export interface PageResult {
  rows: RowSet;
  /** a row follows this page */
  more: boolean;
  nextCursor: string | null;
  count: Count | null;
  related: Map<string, RelatedRows>;
}

export interface ExecuteOptions {
  /** per statement (per batch when streaming), ms */
  timeoutMs?: number;
  /** exact counts up to this many rows when the client did not ask for count=exact (default 100 000) */
  exactCountCap?: number;
  /** rows per batch when streaming (default STREAM_BATCH_ROWS) */
  batchRows?: number;
}

const DEFAULT_CAP = 100_000;
/**
 * Rows per batch of a streamed read. Small: a batch lives until its last row is rendered, across
 * many event-loop turns, so every young-generation collection meanwhile copies it; at 5 000 rows
 * those pauses (up to 27 ms with --trace-gc) held /health and pages for tens of milliseconds during
 * an export. At 500 they are short and the export is faster too (`npm run bench`: exports and
 * health-during-export, README "Benchmarks").
 */
export const STREAM_BATCH_ROWS = 500;
const RELATED_CHUNK = 200;

/** Runs a statement and turns any failure into the client-facing error (one place: db/errors.ts). */
async function all(reader: Reader, st: Statement, timeoutMs?: number): Promise<RowSet> {
  try {
    return await reader.all(st, { timeoutMs });
  } catch (err) {
    throw classifyDbError(err, { timeoutMs });
  }
}

function columnIndex(rows: RowSet, name: string): number {
  return rows.columns.indexOf(name);
}

/** The cursor of a row: its values of the plan's total order. */
export function cursorOf(plan: ReadPlan, rows: RowSet, row: unknown[]): string {
  return encodeCursor(plan.order.map((o) => row[columnIndex(rows, o.column.column)]));
}

// ---- counts ----------------------------------------------------------------------------------

const statsCache = new WeakMap<Reader, Map<string, Promise<number | null>>>();

/** SQLite: rows of the table a view is driven by, from sqlite_stat1 (written by ANALYZE in the jobs). */
function sqliteViewRows(db: Db, view: string, timeoutMs?: number): Promise<number | null> {
  let cache = statsCache.get(db.reader);
  if (!cache) statsCache.set(db.reader, (cache = new Map()));
  let hit = cache.get(view);
  if (!hit) {
    hit = (async () => {
      try {
        const plan = await db.reader.all({ sql: `EXPLAIN QUERY PLAN SELECT 1 FROM "${view.replace(/"/g, '')}"`, bindings: [] }, { timeoutMs });
        const detail = String(plan.rows.find((r) => /^(SCAN|SEARCH) /.test(String(r[plan.columns.indexOf('detail')])))?.[plan.columns.indexOf('detail')] ?? '');
        const index = /USING (?:COVERING )?INDEX (\S+)/.exec(detail)?.[1];
        const alias = /^(?:SCAN|SEARCH) (\S+)/.exec(detail)?.[1];
        let table: string | undefined;
        if (!index && alias) {
          const def = await db.reader.all({ sql: 'SELECT sql FROM sqlite_schema WHERE type = ? AND name = ?', bindings: ['view', view] }, { timeoutMs });
          const text = String(def.rows[0]?.[0] ?? '');
          table = new RegExp(`(?:FROM|JOIN)\\s+"?(\\w+)"?\\s+(?:AS\\s+)?"?${alias}"?\\b`, 'i').exec(text)?.[1] ?? alias;
        }
        const st = await db.reader.all(
          index ? { sql: 'SELECT stat FROM sqlite_stat1 WHERE idx = ?', bindings: [index] } : { sql: 'SELECT stat FROM sqlite_stat1 WHERE tbl = ? ORDER BY idx IS NULL DESC', bindings: [table ?? ''] },
          { timeoutMs },
        );
        const n = Number(String(st.rows[0]?.[0] ?? '').split(' ')[0]);
        return Number.isFinite(n) && n > 0 ? n : null;
      } catch {
        return null; // no statistics (never ANALYZEd): the count stays a lower bound
      }
    })();
    cache.set(view, hit);
  }
  return hit;
}

async function plannedRows(db: Db, plan: ReadPlan, timeoutMs?: number): Promise<number | null> {
  const st = compileEstimate(db, plan);
  if (!st) return null;
  const res = await all(db.reader, st, timeoutMs);
  const doc = res.rows[0]?.[0];
  const parsed = (typeof doc === 'string' ? JSON.parse(doc) : doc) as { Plan?: { 'Plan Rows'?: number } }[] | undefined;
  const n = parsed?.[0]?.Plan?.['Plan Rows'];
  return typeof n === 'number' ? Math.round(n) : null;
}

export async function countRows(db: Db, plan: ReadPlan, opts: ExecuteOptions = {}): Promise<Count | null> {
  if (plan.count === 'none') return null;
  const reader = db.reader;
  if (plan.count === 'exact') {
    const res = await all(reader, compileCount(db, plan), opts.timeoutMs);
    return { value: Number(res.rows[0]?.[0] ?? 0), exact: true, method: 'exact' };
  }
  const cap = opts.exactCountCap ?? DEFAULT_CAP;
  const bounded = Number((await all(reader, compileCount(db, plan, cap), opts.timeoutMs)).rows[0]?.[0] ?? 0);
  if (bounded <= cap) return { value: bounded, exact: true, method: 'exact' };
  const planned = await plannedRows(db, plan, opts.timeoutMs);
  if (planned !== null) return { value: Math.max(planned, bounded), exact: false, method: 'planned' };
  if (db.dialect === 'sqlite' && plan.filters.length === 0 && !plan.source.groupKeys) {
    const stats = await sqliteViewRows(db, plan.source.view, opts.timeoutMs);
    if (stats !== null) return { value: Math.max(stats, bounded), exact: false, method: 'statistics' };
  }
  return { value: bounded, exact: false, method: 'lower_bound' };
}

// ---- related rows ----------------------------------------------------------------------------

function keyOf(values: unknown[]): string {
  return JSON.stringify(values.map((v) => (v instanceof Date ? v.toISOString() : typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : (v ?? null))));
}

export function relatedKey(values: unknown[]): string {
  return keyOf(values);
}

async function readRelated(db: Db, inc: IncludePlan, primary: RowSet, opts: ExecuteOptions): Promise<RelatedRows> {
  const idx = inc.localKeys.map((k) => columnIndex(primary, k.column));
  const tuples = new Map<string, unknown[]>();
  for (const r of primary.rows) {
    const t = idx.map((i) => r[i]);
    tuples.set(keyOf(t), t);
  }
  const distinct = [...tuples.values()];
  let columns: string[] = [];
  const rows: unknown[][] = [];
  for (let i = 0; i < distinct.length && rows.length <= inc.cap; i += RELATED_CHUNK) {
    const res = await all(db.reader, compileRelated(db, inc, distinct.slice(i, i + RELATED_CHUNK), inc.cap + 1 - rows.length), opts.timeoutMs);
    if (res.columns.length) columns = res.columns;
    rows.push(...res.rows);
  }
  const truncated = rows.length > inc.cap;
  if (truncated) rows.length = inc.cap;
  return { rows: { columns, rows }, truncated };
}

// ---- pages and streams -----------------------------------------------------------------------

/** The last page tells the total itself (offset + its rows); only a page with more after it, or an
 *  empty one past the first, needs a count query (undefined). */
function totalOfLastPage(plan: ReadPlan, more: boolean, rowsOnPage: number): Count | undefined {
  if (plan.page.mode !== 'offset' || more || (rowsOnPage === 0 && plan.page.offset > 0)) return undefined;
  return { value: plan.page.offset + rowsOnPage, exact: true, method: 'exact' };
}

/** One page (or the whole answer of a bounded read): rows, count and related rows. */
export async function executePage(db: Db, plan: ReadPlan, opts: ExecuteOptions = {}): Promise<PageResult> {
  const rows = await all(db.reader, compileRows(db, plan), opts.timeoutMs);
  const limit = plan.page.mode === 'all' ? Infinity : plan.page.limit;
  const more = rows.rows.length > limit;
  if (more) rows.rows.length = limit;
  const count = plan.count === 'none' ? null : (totalOfLastPage(plan, more, rows.rows.length) ?? (await countRows(db, plan, opts)));
  const last = rows.rows[rows.rows.length - 1];
  const nextCursor = plan.page.mode === 'cursor' && more && last ? cursorOf(plan, rows, last) : null;
  const related = new Map<string, RelatedRows>();
  for (const inc of plan.includes) related.set(inc.relationship.name, await readRelated(db, inc, rows, opts));
  return { rows, more, nextCursor, count, related };
}

export interface StreamResult {
  batches: AsyncIterable<RowSet>;
  /** The total, once the batches are consumed: a page that ends before its limit tells it itself
   *  (offset + rows), so only a full page (or an empty one past the first) runs a count query. */
  count(): Promise<Count | null>;
  /** known once the batches are consumed */
  tail(): { more: boolean; nextCursor: string | null; rows: number };
  /** Releases the statement (and its reader) whatever the consumer did: call when the response
   *  closes — a client gone before the first byte never starts the consumer. */
  close(): Promise<void>;
}

/**
 * The rows of a plan in batches, with bounded memory whatever the page size. The first batch is
 * read before this resolves, so a failing query is an error response, not a cut-off body.
 */
export async function executeStream(db: Db, plan: ReadPlan, opts: ExecuteOptions = {}): Promise<StreamResult> {
  const limit = plan.page.mode === 'all' ? Infinity : plan.page.limit;
  const batchRows = opts.batchRows ?? STREAM_BATCH_ROWS;
  const iterator = db.reader.stream(compileRows(db, plan), { batchRows, timeoutMs: opts.timeoutMs })[Symbol.asyncIterator]();
  let first: IteratorResult<RowSet>;
  try {
    first = await iterator.next();
  } catch (err) {
    throw classifyDbError(err, opts);
  }
  let sent = 0;
  let more = false;
  let lastCursor: string | null = null;
  async function* batches(): AsyncGenerator<RowSet> {
    let r = first;
    try {
      while (!r.done) {
        const set = r.value;
        if (sent + set.rows.length > limit) {
          more = true;
          set.rows.length = limit - sent;
        }
        sent += set.rows.length;
        const last = set.rows[set.rows.length - 1];
        if (plan.page.mode === 'cursor' && last) lastCursor = cursorOf(plan, set, last);
        if (set.rows.length) yield set;
        if (more) break;
        try {
          r = await iterator.next();
        } catch (err) {
          throw classifyDbError(err, opts);
        }
      }
    } finally {
      if (more || !r.done) await iterator.return?.();
    }
  }
  let closed: Promise<void> | undefined;
  return {
    batches: batches(),
    count: async () => (plan.count === 'none' ? null : (totalOfLastPage(plan, more, sent) ?? countRows(db, plan, opts))),
    tail: () => ({ more, nextCursor: more ? lastCursor : null, rows: sent }),
    close: () =>
      (closed ??= Promise.resolve(iterator.return?.()).then(
        () => undefined,
        () => undefined,
      )),
  };
}

/** Whether rows exist past `offset` (used to say so when a CSV export is cut by page[limit]). */
export async function rowsBeyond(db: Db, plan: ReadPlan, offset: number, opts: ExecuteOptions = {}): Promise<boolean> {
  const res = await all(db.reader, compileExists(db, plan, offset), opts.timeoutMs);
  return res.rows.length > 0;
}
