// The read path of the server: statements compiled by the engine (src/jsonapi/sql.ts) run here and
// come back as column names plus rows as arrays. One implementation per dialect:
//   sqlite   a pool of reader processes (src/db/sqlite-pool.ts): the event loop never waits on SQLite,
//            and a statement past its time limit is stopped by ending its process
//   postgres the knex pool's pg clients, rows as arrays, large results through a server-side cursor
//   oracle   knex (compiled and tested as SQL only: no Oracle server exists here)
// Jobs (seed, score, import, report) keep using knex directly; only the server reads through this.

export interface Statement {
  sql: string;
  bindings: readonly unknown[];
}

export interface RowSet {
  columns: string[];
  rows: unknown[][];
}

export interface ReadOptions {
  /** the longest the database may work on this statement (for streams: on each batch) */
  timeoutMs?: number;
  /** the server's own bookkeeping (data versions, summary checks), not counted in `statements` */
  internal?: boolean;
}

export interface StreamOptions extends ReadOptions {
  /** rows per batch handed to the consumer */
  batchRows: number;
}

export interface ReaderStats {
  dialect: string;
  /** connections or reader processes the reader may hold */
  size: number;
  busy: number;
  queued: number;
  /** statements run for requests since the start (how much the database was asked) */
  statements: number;
  /** statements running longer than a moment, their readers at a lower CPU priority (SQLite) */
  long?: number;
}

export interface Reader {
  /** Every row of the statement (the caller bounds it with LIMIT). */
  all(stmt: Statement, opts?: ReadOptions): Promise<RowSet>;
  /** Rows in batches; the next batch is read only when the consumer asks for it. Breaking out of
   *  the loop releases the statement. */
  stream(stmt: Statement, opts: StreamOptions): AsyncIterable<RowSet>;
  /** A trivial statement, for /health. */
  ping(opts?: ReadOptions): Promise<void>;
  stats(): ReaderStats;
  close(): Promise<void>;
}

/** Rows as objects keyed by column name (for callers that prefer them, e.g. probes). */
export function toObjects(set: RowSet): Record<string, unknown>[] {
  const { columns, rows } = set;
  const out: Record<string, unknown>[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const o: Record<string, unknown> = {};
    for (let j = 0; j < columns.length; j++) o[columns[j]] = r[j];
    out[i] = o;
  }
  return out;
}
