// Bulk writers for the generator: one transaction per unit, rows as arrays in the table's column
// order. SQLite: prepared statements on the raw better-sqlite3 connection. PostgreSQL: multi-row
// inserts of up to BATCH rows as `INSERT … SELECT * FROM unnest($1::type[], …)` (one parameter per
// column, so batches are not limited by the 65535-parameter cap).
import type { Db } from '../db/connection.js';
import { TABLE_BY_NAME, type ColumnKind, type TableDef } from '../db/tables.js';

export interface Sink {
  /** rows: arrays in the column order of the table's definition (src/db/tables.ts) */
  write(table: string, rows: unknown[][]): Promise<void>;
}

export interface UnitWriter {
  /** runs fn inside one transaction; commits when it resolves, rolls back when it throws */
  transaction<T>(fn: (sink: Sink) => Promise<T>): Promise<T>;
  /** runs one statement outside the unit transactions (DDL/cleanup) */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

const PG_BATCH = 5000;

function tableDef(name: string): TableDef {
  const def = TABLE_BY_NAME.get(name);
  if (!def) throw new Error(`generator writes unknown table '${name}'`);
  return def;
}

interface SqliteStatement {
  run(...params: unknown[]): unknown;
}
interface SqliteConn {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  pragma(s: string): unknown;
}
interface PgConn {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

export async function openWriter(db: Db): Promise<UnitWriter> {
  if (db.readonly) throw new Error('the generator needs a writable connection');
  const client = db.knex.client as { acquireConnection(): Promise<unknown>; releaseConnection(c: unknown): Promise<unknown> };
  const conn = await client.acquireConnection();
  const release = async () => {
    await client.releaseConnection(conn);
  };
  if (db.dialect === 'sqlite') return sqliteWriter(conn as SqliteConn, release);
  if (db.dialect === 'postgres') return await pgWriter(conn as PgConn, release);
  await release();
  throw new Error('seeding Oracle is not supported (no Oracle server here); seed SQLite or PostgreSQL');
}

function sqliteWriter(conn: SqliteConn, release: () => Promise<void>): UnitWriter {
  conn.pragma('synchronous = NORMAL');
  conn.pragma('cache_size = -65536');
  const stmts = new Map<string, { stmt: SqliteStatement; bools: number[]; width: number }>();
  const prepared = (table: string) => {
    let s = stmts.get(table);
    if (!s) {
      const def = tableDef(table);
      const cols = def.columns.map((c) => c.name);
      s = {
        stmt: conn.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`),
        bools: def.columns.flatMap((c, i) => (c.kind === 'bool' ? [i] : [])),
        width: cols.length,
      };
      stmts.set(table, s);
    }
    return s;
  };
  const sink: Sink = {
    async write(table, rows) {
      const { stmt, bools, width } = prepared(table);
      for (const row of rows) {
        if (row.length !== width) throw new Error(`${table}: row of ${row.length} values, table has ${width} columns`);
        for (const i of bools) if (typeof row[i] === 'boolean') row[i] = row[i] ? 1 : 0;
        stmt.run(row);
      }
    },
  };
  return {
    async transaction(fn) {
      conn.exec('BEGIN');
      try {
        const out = await fn(sink);
        conn.exec('COMMIT');
        return out;
      } catch (err) {
        conn.exec('ROLLBACK');
        throw err;
      }
    },
    async exec(sql) {
      conn.exec(sql);
    },
    close: release,
  };
}

const PG_TYPES: Record<string, string> = { int: 'integer', bigint: 'bigint', real: 'float8', time: 'timestamp', bool: 'boolean' };
const pgType = (k: ColumnKind) => PG_TYPES[k] ?? 'text';

async function pgWriter(conn: PgConn, release: () => Promise<void>): Promise<UnitWriter> {
  // a crash can lose the last commits but never half of one: the unit markers go with them
  await conn.query('SET synchronous_commit = off');
  const buffers = new Map<string, unknown[][]>();
  // inserts are pipelined on the connection: the generator keeps producing while PostgreSQL writes
  let pending: Promise<unknown>[] = [];
  let failure: unknown;
  const settle = async (keep: number) => {
    while (pending.length > keep) await pending.shift();
    if (failure) throw failure;
  };
  const flushTable = async (table: string) => {
    const rows = buffers.get(table);
    if (!rows || rows.length === 0) return;
    buffers.set(table, []);
    const def = tableDef(table);
    const columns = def.columns.map((_, i) => rows.map((r) => r[i] ?? null));
    const sql = `INSERT INTO ${table} (${def.columns.map((c) => c.name).join(', ')}) SELECT * FROM unnest(` + def.columns.map((c, i) => `$${i + 1}::${pgType(c.kind)}[]`).join(', ') + ')';
    // chained, so the client runs one query at a time (pg deprecates overlapping client.query calls)
    const prev = pending[pending.length - 1] ?? Promise.resolve();
    pending.push(
      prev
        .then(() => (failure ? undefined : conn.query(sql, columns)))
        .catch((err: unknown) => {
          failure ??= err;
        }),
    );
    await settle(8);
  };
  const sink: Sink = {
    async write(table, rows) {
      const width = tableDef(table).columns.length;
      let buf = buffers.get(table);
      if (!buf) buffers.set(table, (buf = []));
      for (const row of rows) {
        if (row.length !== width) throw new Error(`${table}: row of ${row.length} values, table has ${width} columns`);
        buf.push(row);
      }
      if (buf.length >= PG_BATCH) await flushTable(table);
    },
  };
  return {
    async transaction(fn) {
      await conn.query('BEGIN');
      try {
        const out = await fn(sink);
        for (const t of [...buffers.keys()]) await flushTable(t);
        await settle(0);
        await conn.query('COMMIT');
        return out;
      } catch (err) {
        buffers.clear();
        await Promise.allSettled(pending);
        pending = [];
        failure = undefined;
        await conn.query('ROLLBACK');
        throw err;
      }
    },
    async exec(sql) {
      await conn.query(sql);
    },
    close: release,
  };
}
