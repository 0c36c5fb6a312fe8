// ResourceQuery AST → parameterised knex queries on the resource's view. Only allow-listed
// columns from the resource definition ever reach SQL, always as bound identifiers; values are
// always bindings. Orders are total (sort + identity) with NULLs smallest on every dialect, so
// offset paging is stable and keyset cursors are exact.
import type { Knex } from 'knex';
import type { Dialect } from '../db/connection.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { bindValue, FILTER_OPERATORS, type ColumnRef } from './filters.js';
import { identityOf, totalOrder, type Filter, type ResourceQuery } from './query.js';
import type { ColumnAttribute, ResourceDef } from './resource.js';
import { parseDatetime } from './values.js';
import type { Row } from './document.js';

export interface SqlDb {
  knex: Knex;
  dialect: Dialect;
}

const COMPARE_SQL: Record<string, string> = { EQ: '=', NEQ: '<>', LT: '<', GT: '>', LE: '<=', GE: '>=' };

/**
 * The column as compared and sorted. PostgreSQL views may yield `numeric` for computed values
 * (counter / 23.31); the wire carries doubles, so numbers are compared as double precision there,
 * which makes EQ on a value read from a response and keyset cursors exact.
 */
function castType(db: SqlDb, a: ColumnAttribute): string | undefined {
  if (db.dialect !== 'postgres') return undefined;
  // booleans as 0/1 integers: works whether the view yields boolean or a 0/1 integer column
  return a.type === 'number' ? 'double precision' : a.type === 'boolean' ? 'integer' : undefined;
}

function ref(db: SqlDb, a: ColumnAttribute, column: string): ColumnRef {
  const cast = castType(db, a);
  return cast ? db.knex.raw(`CAST(?? AS ${cast})`, [column]) : column;
}

function attr(resource: ResourceDef, name: string): ColumnAttribute {
  return resource.scalars.get(name)!;
}

function applyFilters(db: SqlDb, qb: Knex.QueryBuilder, resource: ResourceDef, filters: Filter[], alias: string): void {
  for (const f of filters) {
    const a = attr(resource, f.attribute);
    const column = `${alias}.${a.column}`;
    if (f.latest) {
      // -1 = the latest value in the same run (or overall for resources without run_number)
      const sub = db.knex({ latest_: resource.view }).max(`latest_.${a.column}`);
      const run = resource.byName.get('run_number');
      if (run && run.kind === 'column' && f.attribute !== 'run_number') sub.where(`latest_.${run.column}`, db.knex.ref(`${alias}.${run.column}`));
      qb.where(column, COMPARE_SQL[f.op] ?? '=', sub);
      continue;
    }
    FILTER_OPERATORS[f.op].sql(qb, ref(db, a, column), f.value, { knex: db.knex, dialect: db.dialect, type: a.type });
  }
}

/** SQL aggregate of one column when folding by granularity. */
function aggregateExpr(db: SqlDb, a: ColumnAttribute, alias: string): Knex.Raw {
  const fn = { sum: 'sum', mean: 'avg', min: 'min', max: 'max', first: 'min', last: 'max' }[a.aggregation];
  // booleans fold as 0/1 (all true = min 1, any true = max 1) on every dialect
  if (a.type === 'boolean') return db.knex.raw(`${fn}(CAST(?? AS integer)) as ??`, [`${alias}.${a.column}`, a.column]);
  return db.knex.raw(`${fn}(??) as ??`, [`${alias}.${a.column}`, a.column]);
}

function neededColumns(resource: ResourceDef, q: ResourceQuery, extra: string[] = []): ColumnAttribute[] {
  const names = new Set<string>();
  const attrs = q.fields ? q.fields.map((n) => resource.byName.get(n)!) : resource.attributes;
  for (const a of attrs) {
    if (a.kind === 'object') a.members.forEach((m) => names.add(m.name));
    else names.add(a.name);
  }
  for (const n of [...identityOf(resource, q), ...totalOrder(resource, q).map((s) => s.attribute), ...extra]) names.add(n);
  const cols = resource.columns.filter((c) => names.has(c.name));
  const seen = new Set<string>();
  return cols.filter((c) => (seen.has(c.column) ? false : (seen.add(c.column), true)));
}

/**
 * The filtered (and, with group[granularity], folded) row source as a subquery-able builder.
 * Its rows are keyed by view column names.
 */
export function sourceQuery(db: SqlDb, resource: ResourceDef, q: ResourceQuery, extraFilters: Filter[] = []): Knex.QueryBuilder {
  const qb = db.knex({ t: resource.view });
  applyFilters(db, qb, resource, [...q.filters, ...extraFilters], 't');
  if (!q.granularity) return qb;
  const keys = resource.granularity[q.granularity].map((n) => attr(resource, n));
  const keyCols = new Set(keys.map((k) => k.column));
  const seen = new Set<string>();
  const selects: (string | Knex.Raw)[] = [];
  for (const c of resource.columns) {
    if (seen.has(c.column)) continue;
    seen.add(c.column);
    selects.push(keyCols.has(c.column) ? `t.${c.column}` : aggregateExpr(db, c, 't'));
  }
  return qb.select(selects).groupBy(keys.map((k) => `t.${k.column}`));
}

function keysetCondition(db: SqlDb, qb: Knex.QueryBuilder, resource: ResourceDef, order: { attribute: string; desc: boolean }[], values: unknown[], alias: string): void {
  const bind = (a: ColumnAttribute, v: unknown): unknown => {
    if (v === null) return null;
    if (a.type === 'datetime') return bindValue(parseDatetime(String(v)), a.type, db.dialect);
    if (a.type === 'boolean') return bindValue(v === true || v === 1 || v === '1', a.type, db.dialect);
    return v;
  };
  qb.where((outer) => {
    order.forEach((_, i) => {
      outer.orWhere((branch) => {
        for (let j = 0; j < i; j++) {
          const a = attr(resource, order[j].attribute);
          const v = bind(a, values[j]);
          const col = ref(db, a, `${alias}.${a.column}`) as string;
          if (v === null) branch.whereNull(col);
          else branch.where(col, v as Knex.Value);
        }
        const a = attr(resource, order[i].attribute);
        const col = ref(db, a, `${alias}.${a.column}`) as string;
        const v = bind(a, values[i]);
        if (!order[i].desc) {
          if (v === null) branch.whereNotNull(col);
          else branch.where(col, '>', v as Knex.Value);
        } else if (v === null) branch.whereRaw('1 = 0');
        else branch.where((w) => w.where(col, '<', v as Knex.Value).orWhereNull(col));
      });
    });
  });
}

export interface PageQueries {
  rows: Knex.QueryBuilder;
  count: Knex.QueryBuilder;
  /** in cursor mode one extra row is fetched to know whether there is a next page */
  cursorMode: boolean;
  order: { attribute: string; desc: boolean }[];
}

/** The page of rows and the total count for a collection request. */
export function pageQueries(db: SqlDb, resource: ResourceDef, q: ResourceQuery, opts: { extraFilters?: Filter[]; extraColumns?: string[] } = {}): PageQueries {
  const grouped = !!q.granularity;
  const source = sourceQuery(db, resource, q, opts.extraFilters);
  const alias = grouped ? 'g' : 't';
  const rows = grouped ? db.knex.from(source.clone().as('g')) : source.clone();
  rows.select(neededColumns(resource, q, opts.extraColumns).map((c) => `${alias}.${c.column}`) as unknown as '*');
  const count = grouped ? db.knex.from(source.clone().as('g')).count({ n: '*' }) : source.clone().count({ n: '*' });
  const order = totalOrder(resource, q);
  for (const s of order) {
    const a = attr(resource, s.attribute);
    const col = ref(db, a, `${alias}.${a.column}`);
    // NULLs are the smallest value everywhere (SQLite's native order)
    if (db.dialect === 'sqlite') rows.orderBy(col as string, s.desc ? 'desc' : 'asc');
    else if (typeof col !== 'string') (rows as Knex.QueryBuilder).orderByRaw(`CAST(?? AS ${castType(db, a)}) ${s.desc ? 'desc nulls last' : 'asc nulls first'}`, [`${alias}.${a.column}`]);
    else rows.orderBy(col, s.desc ? 'desc' : 'asc', s.desc ? 'last' : 'first');
  }
  const cursorMode = q.page.cursor !== undefined;
  if (cursorMode) {
    if (q.page.cursor) keysetCondition(db, rows, resource, order, decodeCursor(q.page.cursor, order.length), alias);
    rows.limit(q.page.limit + 1);
  } else {
    if (q.page.offset) rows.offset(q.page.offset);
    rows.limit(q.page.limit);
  }
  return { rows, count, cursorMode, order };
}

/** Runs the page queries; returns rows, total and (cursor mode) the next cursor. */
export async function runPage(db: SqlDb, resource: ResourceDef, q: ResourceQuery, opts: { extraFilters?: Filter[]; extraColumns?: string[] } = {}): Promise<{ rows: Row[]; total: number; nextCursor: string | null }> {
  const pq = pageQueries(db, resource, q, opts);
  const [rows, countRows] = await Promise.all([q.page.limit > 0 ? (pq.rows as unknown as Promise<Row[]>) : Promise.resolve([] as Row[]), pq.count as unknown as Promise<Row[]>]);
  const total = Number(countRows[0]?.n ?? 0);
  let nextCursor: string | null = null;
  let page = rows;
  if (pq.cursorMode) {
    if (rows.length > q.page.limit) {
      page = rows.slice(0, q.page.limit);
      const last = page[page.length - 1];
      nextCursor = encodeCursor(pq.order.map((s) => last[attr(resource, s.attribute).column]));
    }
  }
  return { rows: page, total, nextCursor };
}

/** EQ filters that select the row(s) whose keys equal `values` (attribute name → value). */
export function equalityFilters(values: Record<string, unknown>): Filter[] {
  return Object.entries(values).map(([attribute, value]) => ({ attribute, op: 'EQ', value: value as Filter['value'], parameter: attribute }));
}
