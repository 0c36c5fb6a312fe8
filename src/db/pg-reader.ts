// PostgreSQL reads for the server: clients of the knex pool (read-only, statement_timeout set per
// connection in connection.ts), rows as arrays, large results through a server-side cursor so memory
// stays bounded whatever the client asked for.
import type { Knex } from 'knex';
import type pg from 'pg';
import Cursor from 'pg-cursor';
import type { Reader, ReaderStats, ReadOptions, RowSet, Statement, StreamOptions } from './reader.js';

interface KnexClient {
  acquireConnection(): Promise<pg.PoolClient & { __knexUid?: string }>;
  releaseConnection(conn: unknown): Promise<void>;
  pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number; max: number };
}

export class PgReader implements Reader {
  private readonly client: KnexClient;
  private statements = 0;

  constructor(knex: Knex, private readonly poolMax: number) {
    this.client = knex.client as unknown as KnexClient;
  }

  private async withConnection<T>(fn: (conn: pg.PoolClient) => Promise<T>): Promise<T> {
    const conn = await this.client.acquireConnection();
    try {
      return await fn(conn);
    } finally {
      await this.client.releaseConnection(conn);
    }
  }

  all(stmt: Statement, opts: ReadOptions = {}): Promise<RowSet> {
    if (!opts.internal) this.statements++;
    return this.withConnection(async (conn) => {
      const res = await conn.query({ text: stmt.sql, values: stmt.bindings as unknown[], rowMode: 'array' });
      return { columns: res.fields.map((f) => f.name), rows: res.rows as unknown[][] };
    });
  }

  async *stream(stmt: Statement, opts: StreamOptions): AsyncIterable<RowSet> {
    this.statements++;
    const conn = await this.client.acquireConnection();
    const cursor = conn.query(new Cursor(stmt.sql, stmt.bindings as unknown[], { rowMode: 'array' }));
    let done = false;
    try {
      while (!done) {
        const rows = (await cursor.read(Math.max(1, opts.batchRows))) as unknown[][];
        done = rows.length < opts.batchRows;
        const fields = (cursor as unknown as { _result?: { fields?: { name: string }[] } })._result?.fields ?? [];
        yield { columns: fields.map((f) => f.name), rows };
      }
    } finally {
      await cursor.close().catch(() => {});
      await this.client.releaseConnection(conn);
    }
  }

  async ping(): Promise<void> {
    await this.all({ sql: 'select 1', bindings: [] }, { internal: true });
  }

  stats(): ReaderStats {
    const pool = this.client.pool;
    return { dialect: 'postgres', size: this.poolMax, busy: pool?.numUsed() ?? 0, queued: pool?.numPendingAcquires() ?? 0, statements: this.statements };
  }

  async close(): Promise<void> {
    // the knex instance owns the pool; Db.close() destroys it
  }
}

/** Oracle through knex (compiled and tested as SQL only here: no Oracle server exists). */
export class KnexReader implements Reader {
  private statements = 0;
  constructor(private readonly knex: Knex, private readonly dialect: string, private readonly poolMax: number) {}

  async all(stmt: Statement, opts: ReadOptions = {}): Promise<RowSet> {
    if (!opts.internal) this.statements++;
    const rows = (await this.knex.raw(stmt.sql, stmt.bindings as Knex.RawBinding[])) as Record<string, unknown>[];
    const columns = rows.length ? Object.keys(rows[0]) : [];
    return { columns, rows: rows.map((r) => columns.map((c) => r[c])) };
  }

  async *stream(stmt: Statement, opts: StreamOptions): AsyncIterable<RowSet> {
    this.statements++;
    // knex streams the result set; rows are grouped into batches of the requested size
    const source = this.knex.raw(stmt.sql, stmt.bindings as Knex.RawBinding[]).stream() as AsyncIterable<Record<string, unknown>>;
    let columns: string[] = [];
    let rows: unknown[][] = [];
    for await (const r of source) {
      if (!columns.length) columns = Object.keys(r);
      rows.push(columns.map((c) => r[c]));
      if (rows.length >= opts.batchRows) {
        yield { columns, rows };
        rows = [];
      }
    }
    yield { columns, rows };
  }

  async ping(): Promise<void> {
    await this.knex.raw(this.dialect === 'oracle' ? 'select 1 from dual' : 'select 1');
  }

  stats(): ReaderStats {
    return { dialect: this.dialect, size: this.poolMax, busy: 0, queued: 0, statements: this.statements };
  }

  async close(): Promise<void> {}
}
