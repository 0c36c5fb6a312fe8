// PostgreSQL reads for the server: clients of the knex pool (read-only, statement_timeout set per
// connection in connection.ts), rows as arrays, large results through a server-side cursor so memory
// stays bounded whatever the client asked for.
import type { Knex } from 'knex';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { Reader, ReaderStats, ReadOptions, RowSet, Statement, StreamOptions } from './reader.js';
import { ReaderBusyError, StatementTimeoutError } from './errors.js';

/** past the server's statement_timeout, how long the client waits for an answer that is stuck on
 *  the network (a stalled link, a hung server) before it gives the connection up */
const NETWORK_GRACE_MS = 1000;

interface KnexClient {
  acquireConnection(): Promise<pg.PoolClient & { __knexUid?: string }>;
  releaseConnection(conn: unknown): Promise<void>;
  pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number; max: number };
}

/** `timestamp` text as PostgreSQL sends it, whole seconds: 2018-07-07 19:16:05 */
const PG_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const TIMESTAMP_OID = 1114;

/**
 * The reader's type parsers: a whole-second `timestamp` arrives in its wire form
 * (2018-07-07T19:16:05Z), which the renderers write as it is, instead of a Date they format back
 * (a Date per row and column was an eighth of a CSV export's CPU); anything else as the process's
 * parsers give it (connection.ts).
 */
const READER_TYPES = {
  getTypeParser(oid: number, format?: string) {
    const base = pg.types.getTypeParser(oid, format as 'text');
    if (oid !== TIMESTAMP_OID || format === 'binary') return base;
    return (text: string) => (PG_TIMESTAMP.test(text) ? text.slice(0, 10) + 'T' + text.slice(11) + 'Z' : (base as (t: string) => unknown)(text));
  },
};

export interface PgReaderOptions {
  /** the connections' statement_timeout (ms, 0 = none): the client gives up a little later */
  statementTimeoutMs?: number;
  /** requests that may wait for a connection before new ones are refused (default 8 per connection) */
  maxQueue?: number;
}

export class PgReader implements Reader {
  private readonly client: KnexClient;
  private statements = 0;
  private readonly maxQueue: number;
  private readonly timeoutMs: number;

  constructor(
    knex: Knex,
    private readonly poolMax: number,
    opts: PgReaderOptions = {},
  ) {
    this.client = knex.client as unknown as KnexClient;
    this.maxQueue = opts.maxQueue ?? poolMax * 8;
    this.timeoutMs = opts.statementTimeoutMs ?? 0;
  }

  private async acquire(): Promise<pg.PoolClient> {
    // a bounded wait: past it, a quick 503 beats a request that waits for minutes
    if ((this.client.pool?.numPendingAcquires() ?? 0) >= this.maxQueue) throw new ReaderBusyError();
    return this.client.acquireConnection();
  }

  private async withConnection<T>(fn: (conn: pg.PoolClient) => Promise<T>): Promise<T> {
    const conn = await this.acquire();
    try {
      return await fn(conn);
    } finally {
      await this.client.releaseConnection(conn);
    }
  }

  /** The query's answer, or a StatementTimeoutError once the server's limit plus a grace has passed
   *  without one (the connection is then closed, and the pool replaces it). */
  private bounded<T>(conn: pg.PoolClient, work: Promise<T>, timeoutMs: number): Promise<T> {
    if (!timeoutMs) return work;
    work.catch(() => {}); // settles after the timeout when the connection is destroyed
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const raw = conn as unknown as { __knex__disposed?: unknown; connection?: { stream?: { destroy(): void } } };
        raw.__knex__disposed = 'statement stuck past its time limit';
        raw.connection?.stream?.destroy();
        reject(new StatementTimeoutError(timeoutMs));
      }, timeoutMs + NETWORK_GRACE_MS);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  all(stmt: Statement, opts: ReadOptions = {}): Promise<RowSet> {
    if (!opts.internal) this.statements++;
    return this.withConnection(async (conn) => {
      const res = await this.bounded(conn, conn.query({ text: stmt.sql, values: stmt.bindings as unknown[], rowMode: 'array', types: READER_TYPES }), opts.timeoutMs ?? this.timeoutMs);
      return { columns: res.fields.map((f) => f.name), rows: res.rows as unknown[][] };
    });
  }

  async *stream(stmt: Statement, opts: StreamOptions): AsyncIterable<RowSet> {
    this.statements++;
    const conn = await this.acquire();
    const cursor = conn.query(new Cursor(stmt.sql, stmt.bindings as unknown[], { rowMode: 'array', types: READER_TYPES }));
    let done = false;
    try {
      while (!done) {
        const rows = (await this.bounded(conn, cursor.read(Math.max(1, opts.batchRows)), opts.timeoutMs ?? this.timeoutMs)) as unknown[][];
        done = rows.length < opts.batchRows;
        const fields = (cursor as unknown as { _result?: { fields?: { name: string }[] } })._result?.fields ?? [];
        yield { columns: fields.map((f) => f.name), rows };
      }
    } finally {
      // a connection given up at a time limit answers nothing more: closing its cursor would wait forever
      if (!(conn as unknown as { __knex__disposed?: unknown }).__knex__disposed) await cursor.close().catch(() => {});
      await this.client.releaseConnection(conn);
    }
  }

  async ping(opts: ReadOptions = {}): Promise<void> {
    await this.all({ sql: 'select 1', bindings: [] }, { internal: true, timeoutMs: opts.timeoutMs });
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
  constructor(
    private readonly knex: Knex,
    private readonly dialect: string,
    private readonly poolMax: number,
  ) {}

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
