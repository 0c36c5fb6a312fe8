// The one table of filter operators (after Datasette's filters.py): every operator's name, the
// attribute types it applies to, its SQL form and its in-memory form live together here, so the
// database path (sql.ts) and the computed-collection path (memory.ts) cannot drift apart.
import type { Knex } from 'knex';
import type { Dialect } from '../db/connection.js';
import type { ScalarType } from './resource.js';
import { asBoolean, type FilterValue, formatDatetime, parseDatetime } from './values.js';

export type FilterOp = 'EQ' | 'NEQ' | 'LT' | 'GT' | 'LE' | 'GE' | 'LIKE' | 'CT';
export type ColumnRef = string | Knex.Raw;

export interface SqlContext {
  knex: Knex;
  dialect: Dialect;
  type: ScalarType;
}

export interface FilterOperator {
  op: FilterOp;
  description: string;
  types: readonly ScalarType[];
  /** whether None/null is a meaningful value (EQ → IS NULL, NEQ → IS NOT NULL) */
  acceptsNull: boolean;
  /** adds the condition to the builder; `column` is an already-qualified column reference (or a cast of it) */
  sql(qb: Knex.QueryBuilder, column: ColumnRef, value: FilterValue, ctx: SqlContext): void;
  /** the same condition on an in-memory value (as produced by the view, or already wire-formatted) */
  memory(rowValue: unknown, value: FilterValue, type: ScalarType): boolean;
}

const ORDERED: readonly ScalarType[] = ['integer', 'number', 'string', 'datetime'];
const ALL: readonly ScalarType[] = ['integer', 'number', 'string', 'boolean', 'datetime', 'array'];

/** A filter value in the form the dialect stores (see docs/design.md "Value conventions"). */
export function bindValue(value: FilterValue, type: ScalarType, dialect: Dialect): unknown {
  if (value === null) return null;
  // stored as 0/1 (SQLite, Oracle); on PostgreSQL sql.ts compares CAST(column AS integer)
  if (type === 'boolean') return value ? 1 : 0;
  if (type === 'datetime' && value instanceof Date) {
    if (dialect === 'sqlite') return formatDatetime(value); // TEXT, sorts lexically
    if (dialect === 'postgres') return value.toISOString().slice(0, 19).replace('T', ' '); // timestamp (UTC)
    return value;
  }
  return value;
}

/** A comparable in-memory key: datetimes as epoch ms, booleans as 0/1. */
function key(v: unknown, type: ScalarType): number | string | null {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'datetime':
      if (v instanceof Date) return v.getTime();
      try {
        return parseDatetime(String(v)).getTime();
      } catch {
        return null;
      }
    case 'boolean':
      return asBoolean(v) ? 1 : 0;
    case 'integer':
    case 'number':
      return typeof v === 'number' ? v : Number(v);
    case 'array':
      return Array.isArray(v) ? v.join(',') : String(v);
    default:
      return String(v);
  }
}

function compare(sqlOp: string, test: (a: number | string, b: number | string) => boolean): Pick<FilterOperator, 'sql' | 'memory'> {
  return {
    sql: (qb, column, value, ctx) => {
      qb.where(column as string, sqlOp, bindValue(value, ctx.type, ctx.dialect) as Knex.Value);
    },
    memory: (rowValue, value, type) => {
      const a = key(rowValue, type);
      const b = key(value, type);
      return a !== null && b !== null && test(a, b);
    },
  };
}

function likeToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${body}$`, 'is');
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export const FILTER_OPERATORS: Record<FilterOp, FilterOperator> = {
  EQ: {
    op: 'EQ',
    description: 'equal to; None/null means IS NULL',
    types: ALL,
    acceptsNull: true,
    sql: (qb, column, value, ctx) => {
      if (value === null) qb.whereNull(column as string);
      else qb.where(column as string, bindValue(value, ctx.type, ctx.dialect) as Knex.Value);
    },
    memory: (rowValue, value, type) => {
      if (value === null) return rowValue === null || rowValue === undefined;
      const a = key(rowValue, type);
      return a !== null && a === key(value, type);
    },
  },
  NEQ: {
    op: 'NEQ',
    description: 'not equal to (rows where the attribute is null do not match); None/null means IS NOT NULL',
    types: ALL,
    acceptsNull: true,
    sql: (qb, column, value, ctx) => {
      if (value === null) qb.whereNotNull(column as string);
      else qb.where(column as string, '<>', bindValue(value, ctx.type, ctx.dialect) as Knex.Value);
    },
    memory: (rowValue, value, type) => {
      if (value === null) return rowValue !== null && rowValue !== undefined;
      const a = key(rowValue, type);
      return a !== null && a !== key(value, type);
    },
  },
  LT: { op: 'LT', description: 'less than', types: ORDERED, acceptsNull: false, ...compare('<', (a, b) => a < b) },
  GT: { op: 'GT', description: 'greater than', types: ORDERED, acceptsNull: false, ...compare('>', (a, b) => a > b) },
  LE: { op: 'LE', description: 'less than or equal to', types: ORDERED, acceptsNull: false, ...compare('<=', (a, b) => a <= b) },
  GE: { op: 'GE', description: 'greater than or equal to', types: ORDERED, acceptsNull: false, ...compare('>=', (a, b) => a >= b) },
  LIKE: {
    op: 'LIKE',
    description: "SQL LIKE pattern, '%' any run of characters, '_' one character; case-insensitive on every database",
    types: ['string'],
    acceptsNull: false,
    // `IS NOT NULL` first: it tells the planner the condition rejects NULLs, so a LEFT JOIN to a
    // name table becomes an inner join that can drive the query from the few matching names
    // PostgreSQL: ILIKE, whose selectivity the planner reads from the column's statistics (it has
    // none for lower(column), guesses one match in hundreds and then drives a 100-row page from the
    // matching names through every row of each: seconds where the ordered walk takes milliseconds)
    sql: (qb, column, value, ctx) => {
      qb.whereNotNull(column as string);
      if (ctx.dialect === 'postgres') qb.whereRaw('?? ilike ?', [column, String(value)]);
      else qb.whereRaw('lower(??) like lower(?)', [column, String(value)]);
    },
    memory: (rowValue, value) => rowValue !== null && rowValue !== undefined && likeToRegExp(String(value)).test(String(rowValue)),
  },
  CT: {
    op: 'CT',
    description: 'contains: for arrays an element equal to the value, for strings the value as a substring',
    types: ['array', 'string'],
    acceptsNull: false,
    sql: (qb, column, value, ctx) => {
      const v = escapeLike(String(value));
      if (ctx.type === 'array') qb.whereRaw(`(',' || ?? || ',') like ? escape '\\'`, [column, `%,${v},%`]);
      else qb.whereRaw(`?? like ? escape '\\'`, [column, `%${v}%`]);
    },
    memory: (rowValue, value, type) => {
      if (rowValue === null || rowValue === undefined) return false;
      if (type === 'array') {
        const items = Array.isArray(rowValue) ? rowValue.map(String) : String(rowValue).split(',');
        return items.includes(String(value));
      }
      return String(rowValue).includes(String(value));
    },
  },
};

export const FILTER_OP_NAMES = Object.keys(FILTER_OPERATORS) as FilterOp[];

/** Case-insensitive lookup (`[eq]` occurs in the wild). */
export function lookupOperator(name: string): FilterOperator | undefined {
  return FILTER_OPERATORS[name.toUpperCase() as FilterOp];
}
