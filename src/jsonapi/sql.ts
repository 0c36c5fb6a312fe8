// Stage 3 of the read path: a ReadPlan → parameterised SQL statements for its dialect. Only
// allow-listed columns from the resource definition reach SQL, always as quoted identifiers; values
// are always bindings. Orders are total (sort + a unique key) with NULLs smallest on every dialect;
// key columns (id, unique key, fold keys) are never NULL, so their order and keyset conditions are
// written plainly and the database can walk an index.
import type { Knex } from 'knex';
import type { Dialect } from '../db/connection.js';
import type { Statement } from '../db/reader.js';
import { bindValue, FILTER_OPERATORS, type ColumnRef } from './filters.js';
import { fetchLimit, type IncludePlan, type OrderTerm, type ReadPlan } from './plan.js';
import type { Filter } from './query.js';
import type { ColumnAttribute, ResourceDef } from './resource.js';
import { parseDatetime } from './values.js';

export interface SqlDb {
  knex: Knex;
  dialect: Dialect;
}

const COMPARE_SQL: Record<string, string> = { EQ: '=', NEQ: '<>', LT: '<', GT: '>', LE: '<=', GE: '>=' };
const AGGREGATE_SQL = { sum: 'sum', mean: 'avg', min: 'min', max: 'max', first: 'min', last: 'max' } as const;

/**
 * The column as compared and sorted. PostgreSQL views may yield `numeric` for computed values
 * (counter / 23.31); the wire carries doubles, so numbers are compared as double precision there,
 * which makes EQ on a value read from a response and keyset cursors exact.
 */
function castType(db: SqlDb, a: ColumnAttribute): string | undefined {
  if (db.dialect !== 'postgres') return undefined;
  return a.type === 'number' ? 'double precision' : a.type === 'boolean' ? 'integer' : undefined;
}

function ref(db: SqlDb, a: ColumnAttribute, qualified: string): ColumnRef {
  const cast = castType(db, a);
  return cast ? db.knex.raw(`CAST(?? AS ${cast})`, [qualified]) : qualified;
}

/** Columns that are never NULL: the id, the unique key and the fold keys. */
function keyColumns(resource: ResourceDef): Set<string> {
  const out = new Set<string>([...resource.id, ...resource.uniqueKey]);
  for (const g of Object.values(resource.granularity)) g.keys.forEach((k) => out.add(k));
  return out;
}

function toStatement(db: SqlDb, qb: Knex.QueryBuilder | Knex.Raw): Statement {
  const native = qb.toSQL().toNative();
  return { sql: native.sql, bindings: native.bindings as unknown[] };
}

function applyFilters(db: SqlDb, qb: Knex.QueryBuilder, resource: ResourceDef, view: string, filters: readonly Filter[], alias: string): void {
  for (const f of filters) {
    const a = resource.scalars.get(f.attribute)!;
    const column = `${alias}.${a.column}`;
    if (f.latest) {
      // -1 = the latest value in the same run (or overall for resources without run_number)
      const sub = db.knex({ latest_: view }).max(`latest_.${a.column}`);
      const run = resource.scalars.get('run_number');
      if (run && f.attribute !== 'run_number') sub.where(`latest_.${run.column}`, db.knex.ref(`${alias}.${run.column}`));
      qb.where(column, COMPARE_SQL[f.op] ?? '=', sub);
      continue;
    }
    FILTER_OPERATORS[f.op].sql(qb, ref(db, a, column), f.value, { knex: db.knex, dialect: db.dialect, type: a.type });
  }
}

/** Whether the plan's summary view can answer: every filter is on a fold key. */
function usesSummaryView(plan: ReadPlan): boolean {
  const s = plan.source;
  if (!s.prefolded || !s.groupKeys) return false;
  const keys = new Set(s.groupKeys.map((k) => k.name));
  return plan.filters.every((f) => keys.has(f.attribute) && !f.latest);
}

/**
 * The filtered (and folded) row source, as a builder whose rows carry `columns` under their view
 * column names. `alias` is the name the caller refers to it by.
 */
function source(db: SqlDb, plan: ReadPlan, columns: readonly ColumnAttribute[]): { qb: Knex.QueryBuilder; alias: string; wrapped: boolean } {
  const { resource } = plan;
  const s = plan.source;
  if (!s.groupKeys) {
    const qb = db.knex({ t: resource.view });
    applyFilters(db, qb, resource, resource.view, plan.filters, 't');
    return { qb, alias: 't', wrapped: false };
  }
  if (usesSummaryView(plan)) {
    const qb = db.knex({ t: s.view });
    applyFilters(db, qb, resource, s.view, plan.filters, 't');
    return { qb, alias: 't', wrapped: false };
  }
  // fold in SQL: the rows of the resource's view, filtered, grouped by the keys
  const inner = db.knex({ t: resource.view });
  applyFilters(db, inner, resource, resource.view, plan.filters, 't');
  const keys = new Set(s.groupKeys.map((k) => k.column));
  const selects: (string | Knex.Raw)[] = [];
  const seen = new Set<string>();
  for (const c of [...s.groupKeys, ...columns]) {
    if (seen.has(c.column)) continue;
    seen.add(c.column);
    if (keys.has(c.column)) selects.push(`t.${c.column}`);
    else if (c.type === 'boolean') selects.push(db.knex.raw(`${AGGREGATE_SQL[c.aggregation]}(CAST(?? AS integer)) as ??`, [`t.${c.column}`, c.column]));
    else selects.push(db.knex.raw(`${AGGREGATE_SQL[c.aggregation]}(??) as ??`, [`t.${c.column}`, c.column]));
  }
  inner.select(selects).groupBy(s.groupKeys.map((k) => `t.${k.column}`));
  return { qb: db.knex.from(inner.as('g')), alias: 'g', wrapped: true };
}

function orderBy(db: SqlDb, qb: Knex.QueryBuilder, plan: ReadPlan, alias: string): void {
  const keys = keyColumns(plan.resource);
  for (const o of plan.order) {
    const a = o.column;
    const qualified = `${alias}.${a.column}`;
    const cast = castType(db, a);
    if (db.dialect === 'sqlite' || keys.has(a.name)) {
      // SQLite sorts NULLs first natively; key columns hold no NULLs
      qb.orderBy(cast ? (db.knex.raw(`CAST(?? AS ${cast})`, [qualified]) as unknown as string) : qualified, o.desc ? 'desc' : 'asc');
    } else if (cast) qb.orderByRaw(`CAST(?? AS ${cast}) ${o.desc ? 'desc nulls last' : 'asc nulls first'}`, [qualified]);
    else qb.orderBy(qualified, o.desc ? 'desc' : 'asc', o.desc ? 'last' : 'first');
  }
}

function bindCursorValue(db: SqlDb, a: ColumnAttribute, v: unknown): unknown {
  if (v === null) return null;
  if (a.type === 'datetime') return bindValue(parseDatetime(String(v)), a.type, db.dialect);
  if (a.type === 'boolean') return bindValue(v === true || v === 1 || v === '1', a.type, db.dialect);
  return v;
}

/** Rows strictly after `values` in the plan's total order. */
function keysetCondition(db: SqlDb, qb: Knex.QueryBuilder, plan: ReadPlan, values: readonly unknown[], alias: string): void {
  const order: readonly OrderTerm[] = plan.order;
  const keys = keyColumns(plan.resource);
  const bound = order.map((o, i) => bindCursorValue(db, o.column, values[i]));
  const sameDirection = order.every((o) => o.desc === order[0].desc);
  const allKeys = order.every((o, i) => keys.has(o.column.name) && bound[i] !== null && !castType(db, o.column));
  if (sameDirection && allKeys && db.dialect !== 'oracle') {
    // a row-value comparison the database can answer from an index: (a, b, c) > (?, ?, ?)
    const cols = order.map((o) => `${alias}.${o.column.column}`);
    qb.whereRaw(`(${cols.map(() => '??').join(', ')}) ${order[0].desc ? '<' : '>'} (${cols.map(() => '?').join(', ')})`, [...cols, ...(bound as Knex.Value[])]);
    return;
  }
  qb.where((outer) => {
    order.forEach((_, i) => {
      outer.orWhere((branch) => {
        for (let j = 0; j < i; j++) {
          const col = ref(db, order[j].column, `${alias}.${order[j].column.column}`) as string;
          if (bound[j] === null) branch.whereNull(col);
          else branch.where(col, bound[j] as Knex.Value);
        }
        const col = ref(db, order[i].column, `${alias}.${order[i].column.column}`) as string;
        const v = bound[i];
        if (!order[i].desc) {
          if (v === null) branch.whereNotNull(col);
          else branch.where(col, '>', v as Knex.Value);
        } else if (v === null) branch.whereRaw('1 = 0');
        else branch.where((w) => w.where(col, '<', v as Knex.Value).orWhereNull(col));
      });
    });
  });
}

/** The page (limit + 1 rows, to learn whether another follows), or every row of an export. */
export function compileRows(db: SqlDb, plan: ReadPlan): Statement {
  const { qb, alias } = source(db, plan, plan.select);
  qb.select(plan.select.map((c) => `${alias}.${c.column}`));
  const page = plan.page;
  if (page.mode === 'cursor' && page.after) keysetCondition(db, qb, plan, page.after, alias);
  orderBy(db, qb, plan, alias);
  const limit = fetchLimit(page);
  if (limit !== undefined) qb.limit(limit);
  if (page.mode !== 'cursor' && page.offset) {
    // SQLite needs a LIMIT before OFFSET: -1 means none
    if (limit === undefined && db.dialect === 'sqlite') qb.limit(-1);
    qb.offset(page.offset);
  }
  return toStatement(db, qb);
}

/** count(*) of the plan's rows; with `cap`, counts at most cap + 1 of them (cheap whatever the size). */
export function compileCount(db: SqlDb, plan: ReadPlan, cap?: number): Statement {
  const { qb, wrapped } = source(db, plan, []);
  if (cap === undefined && !wrapped) return toStatement(db, qb.count({ n: '*' }));
  if (!wrapped) qb.select(db.knex.raw('1 as one'));
  else qb.select(db.knex.raw('1 as one'));
  if (cap !== undefined) qb.limit(cap + 1);
  return toStatement(db, db.knex.from(qb.as('c')).count({ n: '*' }));
}

/** PostgreSQL: the planner's estimate of the plan's row count, as EXPLAIN (FORMAT JSON). */
export function compileEstimate(db: SqlDb, plan: ReadPlan): Statement | undefined {
  if (db.dialect !== 'postgres') return undefined;
  const { qb } = source(db, plan, []);
  qb.select(db.knex.raw('1 as one'));
  const st = toStatement(db, qb);
  return { sql: `EXPLAIN (FORMAT JSON) ${st.sql}`, bindings: st.bindings };
}

/** Whether a row exists past `offset` rows (a CSV export cut by page[limit] says so in a header). */
export function compileExists(db: SqlDb, plan: ReadPlan, offset: number): Statement {
  const { qb, alias } = source(db, plan, plan.order.map((o) => o.column));
  qb.select(db.knex.raw('1 as one'));
  orderBy(db, qb, plan, alias);
  qb.limit(1).offset(offset);
  return toStatement(db, qb);
}

/** The related rows of an included relationship for the given local key tuples (OR-ed equality groups). */
export function compileRelated(db: SqlDb, inc: IncludePlan, tuples: readonly unknown[][], limit: number): Statement {
  const plan = inc.target;
  const { qb, alias } = source(db, plan, plan.select);
  qb.select(plan.select.map((c) => `${alias}.${c.column}`));
  qb.where((w) => {
    for (const t of tuples) {
      w.orWhere((b) => {
        inc.remoteKeys.forEach((k, j) => {
          const v = t[j];
          if (v === null || v === undefined) b.whereNull(`${alias}.${k.column}`);
          else b.where(`${alias}.${k.column}`, bindCursorValue(db, k, v instanceof Date ? v.toISOString() : v) as Knex.Value);
        });
      });
    }
  });
  orderBy(db, qb, plan, alias);
  qb.limit(limit);
  return toStatement(db, qb);
}

/** EQ filters that select the row(s) whose keys equal `values` (attribute name → value). */
export function equalityFilters(values: Record<string, unknown>): Filter[] {
  return Object.entries(values).map(([attribute, value]) => ({ attribute, op: 'EQ', value: value as Filter['value'], parameter: attribute }));
}
