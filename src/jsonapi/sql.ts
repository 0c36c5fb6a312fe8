// Stage 3 of the read path: a ReadPlan → parameterised SQL statements for its dialect. Only
// allow-listed columns from the resource definition reach SQL, always as quoted identifiers; values
// are always bindings. Orders are total (sort + a unique key) with NULLs smallest on every dialect;
// key columns (id, unique key, fold keys) are never NULL, so their order and keyset conditions are
// written plainly and the database can walk an index.
import type { Knex } from 'knex';
import type { Dialect } from '../db/connection.js';
import type { Statement } from '../db/reader.js';
import { bindValue, FILTER_OPERATORS, type ColumnRef } from './filters.js';
import { fetchLimit, planKey, type IncludePlan, type OrderTerm, type ReadPlan } from './plan.js';
import type { Filter } from './query.js';
import type { ColumnAttribute, ResourceDef } from './resource.js';
import { asBoolean, parseDatetime } from './values.js';

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

/** The view of the runs resource: the small table latest-per-run reads are driven by. */
const RUNS_VIEW = 'v_runs';
const RUN_DRIVER = 'r_';

/** The `run_number EQ` filter that fixes one run, if any. */
function fixedRun(filters: readonly Filter[]): Filter | undefined {
  return filters.find((g) => g.attribute === 'run_number' && g.op === 'EQ' && !g.latest && g.value !== null);
}

/**
 * Whether the rows are better read run by run: `-1` (the latest value in each run) on a
 * per-lumisection resource, with no one run fixed. Read row by row, the database evaluates the
 * latest-per-run subquery for every row of the table (seconds at month scale); driven by the runs,
 * it probes each run's latest value once and reads only the rows that have it, in run order.
 */
function drivenByRuns(resource: ResourceDef, filters: readonly Filter[]): boolean {
  const run = resource.scalars.get('run_number');
  if (!run || resource.view === RUNS_VIEW) return false;
  if (!filters.some((f) => f.latest && f.attribute !== 'run_number')) return false;
  return !fixedRun(filters);
}

function applyFilters(db: SqlDb, qb: Knex.QueryBuilder, resource: ResourceDef, view: string, filters: readonly Filter[], alias: string, runRef?: string): void {
  // filters answered through a smaller view: one IN subquery per view, holding all its conditions
  const via = new Map<string, { keys: string[]; sub: Knex.QueryBuilder }>();
  for (const f of filters) {
    const a = resource.scalars.get(f.attribute)!;
    const column = `${alias}.${a.column}`;
    if (f.latest) {
      // -1 = the latest value in the same run (or overall for resources without run_number), as
      // `ORDER BY x DESC LIMIT 1`: PostgreSQL answers a correlated max() by aggregating the whole
      // run for every row, the ordered form by one backward index probe (Oracle keeps max():
      // its ROWNUM paging would nest the correlation one level deeper)
      const latestCol = `latest_.${a.column}`;
      const sub = db.dialect === 'oracle' ? db.knex({ latest_: view }).max(latestCol) : db.knex({ latest_: view }).select(latestCol).whereNotNull(latestCol).orderBy(latestCol, 'desc').limit(1);
      const run = resource.scalars.get('run_number');
      if (run && f.attribute !== 'run_number') {
        // a run the query fixes: that run's latest, computed once — correlated, PostgreSQL would
        // recompute the maximum over the whole run for every row of it
        const fixed = fixedRun(filters);
        if (fixed) sub.where(`latest_.${run.column}`, bindValue(fixed.value, run.type, db.dialect) as Knex.Value);
        else sub.where(`latest_.${run.column}`, db.knex.ref(runRef ?? `${alias}.${run.column}`));
      }
      qb.where(column, COMPARE_SQL[f.op] ?? '=', sub);
      continue;
    }
    if (a.filterVia) {
      const key = `${a.filterVia.view}|${a.filterVia.keys.join(',')}`;
      let v = via.get(key);
      if (!v) {
        const keys = a.filterVia.keys.map((k) => resource.scalars.get(k)!.column);
        v = { keys, sub: db.knex({ via_: a.filterVia.view }).select(keys.map((k) => `via_.${k}`)) };
        via.set(key, v);
      }
      FILTER_OPERATORS[f.op].sql(v.sub, ref(db, a, `via_.${a.name}`), f.value, { knex: db.knex, dialect: db.dialect, type: a.type });
      continue;
    }
    FILTER_OPERATORS[f.op].sql(qb, ref(db, a, column), f.value, { knex: db.knex, dialect: db.dialect, type: a.type });
  }
  for (const { keys, sub } of via.values()) {
    const cols = keys.map((k) => `${alias}.${k}`);
    // PostgreSQL: `= ANY(ARRAY(…))` makes the few matching keys an index condition on the big table;
    // as `IN (subquery)` the planner expects the fill's rows spread evenly, walks the whole key
    // order to find 101 of them and merges (hltpathrates of one fill, month: 3.5 s → 15 ms)
    if (db.dialect === 'postgres' && cols.length === 1) qb.whereRaw('?? = ANY(ARRAY(?))', [cols[0], sub]);
    else qb.whereIn(cols.length === 1 ? cols[0] : (cols as unknown as string), sub);
  }
}

/** Bookkeeping of the summary tables: which runs of which resource are summarized. */
export const SUMMARY_LOG = 'omsagg_summaries';

interface Arm {
  qb: Knex.QueryBuilder;
  alias: string;
  /** the run number as the driving runs view holds it (ordered by it, the run order needs no sort) */
  runRef?: string;
  /** a fold's grouped query under the arm's alias: a page ordered by its group keys is ordered and
   *  cut inside it too, so the database can walk the keys' index and stop after the page */
  grouped?: Knex.QueryBuilder;
}

/**
 * The grouped query of a live fold, where its page may be ordered and cut inside it: SQLite only.
 * PostgreSQL keeps its own plan for a live fold: told the order there, it walked the whole table in
 * key order looking for the few unsummarized runs (l1algorithmtriggers by fill: 55 ms → 17 s).
 */
function liveFold(db: SqlDb, live: Knex.QueryBuilder): Knex.QueryBuilder | undefined {
  return db.dialect === 'sqlite' ? live : undefined;
}

/** `?? IN (SELECT run_number FROM v_runs WHERE run_number [NOT] IN (summarized runs of the resource))` */
function runsSummarized(db: SqlDb, resource: ResourceDef, summarized: boolean): Knex.QueryBuilder {
  const done = db.knex({ s_: SUMMARY_LOG }).select('s_.run_number').where('s_.resource', resource.type);
  const runs = db.knex({ r_: RUNS_VIEW }).select('r_.run_number');
  return summarized ? runs.whereIn('r_.run_number', done) : runs.whereNotIn('r_.run_number', done);
}

/** Fills with at least one run not (yet) summarized: their folds are computed live. */
function fillsPending(db: SqlDb, resource: ResourceDef): Knex.QueryBuilder {
  return db
    .knex({ f_: RUNS_VIEW })
    .select('f_.fill_number')
    .whereNotNull('f_.fill_number')
    .whereIn('f_.run_number', runsSummarized(db, resource, false));
}

function aggregate(db: SqlDb, c: ColumnAttribute, from: string): Knex.Raw {
  if (c.type === 'boolean') return db.knex.raw(`${AGGREGATE_SQL[c.aggregation]}(CAST(?? AS integer)) as ??`, [`${from}.${c.column}`, c.column]);
  return db.knex.raw(`${AGGREGATE_SQL[c.aggregation]}(??) as ??`, [`${from}.${c.column}`, c.column]);
}

/** The columns of a SQL fold: group keys as they are, the rest by their aggregation (+ counts for means). */
export function foldSelects(db: SqlDb, groupKeys: readonly ColumnAttribute[], columns: readonly ColumnAttribute[], withCounts = false): (string | Knex.Raw)[] {
  const keys = new Set(groupKeys.map((k) => k.column));
  const selects: (string | Knex.Raw)[] = [];
  const seen = new Set<string>();
  for (const c of [...groupKeys, ...columns]) {
    if (seen.has(c.column)) continue;
    seen.add(c.column);
    if (keys.has(c.column)) selects.push(`t.${c.column}`);
    else {
      selects.push(aggregate(db, c, 't'));
      if (withCounts && c.aggregation === 'mean') selects.push(db.knex.raw('count(??) as ??', [`t.${c.column}`, `${c.column}__n`]));
    }
  }
  return selects;
}

/** Folds rows of the summary table (one per run) further, by fill: means weighted by their counts. */
function fillSelects(db: SqlDb, groupKeys: readonly ColumnAttribute[], columns: readonly ColumnAttribute[]): (string | Knex.Raw)[] {
  const keys = new Set(groupKeys.map((k) => k.column));
  const selects: (string | Knex.Raw)[] = [];
  const seen = new Set<string>();
  for (const c of [...groupKeys, ...columns]) {
    if (seen.has(c.column)) continue;
    seen.add(c.column);
    const col = `t.${c.column}`;
    if (keys.has(c.column)) selects.push(col);
    else if (c.aggregation === 'mean') {
      const n = `t.${c.column}__n`;
      selects.push(db.knex.raw('CASE WHEN sum(??) > 0 THEN sum(?? * ??) / sum(??) END as ??', [n, col, n, n, c.column]));
    } else selects.push(db.knex.raw(`${AGGREGATE_SQL[c.aggregation]}(??) as ??`, [col, c.column]));
  }
  return selects;
}

/**
 * The filtered (and folded) row sources: one, or two whose rows are disjoint (the summary table
 * for summarized runs, a live fold for the others). Each is a builder whose rows carry `columns`
 * under their view column names.
 */
function sources(db: SqlDb, plan: ReadPlan, columns: readonly ColumnAttribute[]): Arm[] {
  const { resource } = plan;
  const s = plan.source;
  if (!s.groupKeys) {
    if (drivenByRuns(resource, plan.filters)) {
      const runCol = resource.scalars.get('run_number')!.column;
      const runRef = `${RUN_DRIVER}.run_number`;
      const qb = db.knex({ [RUN_DRIVER]: RUNS_VIEW });
      // SQLite: CROSS JOIN fixes the join order (runs outside); the others' planners choose
      if (db.dialect === 'sqlite') qb.joinRaw('CROSS JOIN ?? AS ?? ON ?? = ??', [resource.view, 't', `t.${runCol}`, runRef]);
      else qb.join({ t: resource.view }, `t.${runCol}`, runRef);
      applyFilters(db, qb, resource, resource.view, plan.filters, 't', runRef);
      return [{ qb, alias: 't', runRef }];
    }
    const qb = db.knex({ t: resource.view });
    applyFilters(db, qb, resource, resource.view, plan.filters, 't');
    return [{ qb, alias: 't' }];
  }
  const live = db.knex({ t: resource.view });
  applyFilters(db, live, resource, resource.view, plan.filters, 't');
  if (!s.summary) {
    live.select(foldSelects(db, s.groupKeys, columns)).groupBy(s.groupKeys.map((k) => `t.${k.column}`));
    return [{ qb: db.knex.from(live.as('g')), alias: 'g', grouped: liveFold(db, live) }];
  }
  const stored = db.knex({ t: s.summary.table });
  applyFilters(db, stored, resource, s.summary.table, plan.filters, 't');
  if (s.summary.level === 'run') {
    live.whereIn('t.run_number', runsSummarized(db, resource, false));
    live.select(foldSelects(db, s.groupKeys, columns)).groupBy(s.groupKeys.map((k) => `t.${k.column}`));
    return [
      { qb: stored, alias: 't' },
      { qb: db.knex.from(live.as('g')), alias: 'g', grouped: liveFold(db, live) },
    ];
  }
  stored.whereNotIn('t.fill_number', fillsPending(db, resource));
  stored.select(fillSelects(db, s.groupKeys, columns)).groupBy(s.groupKeys.map((k) => `t.${k.column}`));
  live.whereIn('t.run_number', db.knex({ p_: RUNS_VIEW }).select('p_.run_number').whereIn('p_.fill_number', fillsPending(db, resource)));
  live.select(foldSelects(db, s.groupKeys, columns)).groupBy(s.groupKeys.map((k) => `t.${k.column}`));
  return [
    { qb: db.knex.from(stored.as('h')), alias: 'h', grouped: stored },
    { qb: db.knex.from(live.as('g')), alias: 'g', grouped: liveFold(db, live) },
  ];
}

function orderBy(db: SqlDb, qb: Knex.QueryBuilder, plan: ReadPlan, alias: string, runRef?: string): void {
  const keys = keyColumns(plan.resource);
  for (const o of plan.order) {
    const a = o.column;
    const qualified = runRef && a.name === 'run_number' ? runRef : `${alias}.${a.column}`;
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
  if (a.type === 'boolean') return bindValue(asBoolean(v), a.type, db.dialect);
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

/** Whether the plan's order uses only the fold's group keys (aggregated columns sort only after folding). */
function orderedByGroupKeys(plan: ReadPlan): boolean {
  const keys = plan.source.groupKeys;
  return !!keys && plan.order.every((o) => keys.some((k) => k.column === o.column.column));
}

function pageOf(db: SqlDb, plan: ReadPlan, arm: Arm, limit: number | undefined): Knex.QueryBuilder {
  const { qb, alias } = arm;
  qb.select(plan.select.map((c) => `${alias}.${c.column}`));
  const page = plan.page;
  if (arm.grouped && limit !== undefined && orderedByGroupKeys(plan)) {
    // the same order, cursor and limit on the grouped rows (keys are grouping columns there, so
    // the conditions select whole groups): the fold reads its groups in index order and stops
    if (page.mode === 'cursor' && page.after) keysetCondition(db, arm.grouped, plan, page.after, 't');
    orderBy(db, arm.grouped, plan, 't');
    arm.grouped.limit(limit);
  }
  if (page.mode === 'cursor' && page.after) keysetCondition(db, qb, plan, page.after, alias);
  orderBy(db, qb, plan, alias, arm.runRef);
  if (limit !== undefined) qb.limit(limit);
  return qb;
}

/** Compiled statements by plan key and dialect: building SQL with knex costs more than running a
 *  small query, and dashboards ask the same queries again and again. */
const compiled = new Map<string, Statement>();
const COMPILED_MAX = 2048;

function memo(kind: string, db: SqlDb, plan: ReadPlan, build: () => Statement, extra = ''): Statement {
  const key = `${kind}|${db.dialect}|${extra}|${planKey(plan)}`;
  let st = compiled.get(key);
  if (!st) {
    st = build();
    if (compiled.size >= COMPILED_MAX) compiled.delete(compiled.keys().next().value as string);
    compiled.set(key, st);
  }
  return st;
}

/** The page (limit + 1 rows, to learn whether another follows), or every row of an export. */
export function compileRows(db: SqlDb, plan: ReadPlan): Statement {
  return memo('rows', db, plan, () => buildRows(db, plan));
}

function buildRows(db: SqlDb, plan: ReadPlan): Statement {
  const arms = sources(db, plan, plan.select);
  const page = plan.page;
  const limit = fetchLimit(page);
  const offset = page.mode !== 'cursor' ? page.offset : 0;
  let qb: Knex.QueryBuilder;
  if (arms.length === 1) qb = pageOf(db, plan, arms[0], limit);
  else {
    // each source pages on its own (so each can walk its index), then the union is ordered once
    const [a, b] = arms.map((arm) => pageOf(db, plan, arm, limit === undefined ? undefined : limit + offset));
    qb = db.knex.from(
      db.knex
        .select('*')
        .from(a.as('a1'))
        .unionAll(db.knex.select('*').from(b.as('a2')))
        .as('u'),
    );
    qb.select(plan.select.map((c) => `u.${c.column}`));
    orderBy(db, qb, plan, 'u');
    if (limit !== undefined) qb.limit(limit);
  }
  if (offset) {
    // SQLite needs a LIMIT before OFFSET: -1 means none
    if (limit === undefined && db.dialect === 'sqlite') qb.limit(-1);
    qb.offset(offset);
  }
  return toStatement(db, qb);
}

/** count(*) of the plan's rows; with `cap`, counts at most cap + 1 of them (cheap whatever the size). */
export function compileCount(db: SqlDb, plan: ReadPlan, cap?: number): Statement {
  return memo('count', db, plan, () => buildCount(db, plan, cap), String(cap));
}

function buildCount(db: SqlDb, plan: ReadPlan, cap?: number): Statement {
  const counts = sources(db, plan, []).map(({ qb }) => {
    qb.select(db.knex.raw('1 as one'));
    if (cap !== undefined) qb.limit(cap + 1);
    return db.knex.from(qb.as('c')).count({ n: '*' });
  });
  if (counts.length === 1) return toStatement(db, counts[0]);
  return toStatement(
    db,
    db.knex
      .from(
        db.knex
          .select('*')
          .from(counts[0].as('c1'))
          .unionAll(db.knex.select('*').from(counts[1].as('c2')))
          .as('cs'),
      )
      .sum({ n: 'cs.n' }),
  );
}

/** PostgreSQL: the planner's estimate of the plan's row count, as EXPLAIN (FORMAT JSON). */
export function compileEstimate(db: SqlDb, plan: ReadPlan): Statement | undefined {
  if (db.dialect !== 'postgres') return undefined;
  const arms = sources(db, plan, []).map(({ qb }) => qb.select(db.knex.raw('1 as one')));
  const qb =
    arms.length === 1
      ? arms[0]
      : db.knex
          .select('*')
          .from(arms[0].as('e1'))
          .unionAll(db.knex.select('*').from(arms[1].as('e2')));
  const st = toStatement(db, qb);
  return { sql: `EXPLAIN (FORMAT JSON) ${st.sql}`, bindings: st.bindings };
}

/** Whether a row exists past `offset` rows (a CSV export cut by page[limit] says so in a header). */
export function compileExists(db: SqlDb, plan: ReadPlan, offset: number): Statement {
  // only the order's columns: the rows skipped by the offset then need none of the view's joins
  // for other columns (SQLite drops an unused LEFT JOIN on a unique key), only the order's walk
  const select = plan.source.groupKeys ? plan.select : plan.select.filter((c) => plan.order.some((o) => o.column.column === c.column));
  return compileRows(db, { ...plan, select: select.length ? select : plan.select, page: { mode: 'offset', offset, limit: 0 } } as ReadPlan);
}

/** The related rows of an included relationship for the given local key tuples (OR-ed equality groups). */
export function compileRelated(db: SqlDb, inc: IncludePlan, tuples: readonly unknown[][], limit: number): Statement {
  const plan = inc.target;
  const [{ qb, alias }] = sources(db, plan, plan.select);
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
