// Database connections for the three dialects. Read-only is enforced by the database itself,
// not by the code that uses the connection.
import path from 'node:path';
import fs from 'node:fs';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { Reader } from './reader.js';
import { SqlitePool } from './sqlite-pool.js';
import { KnexReader, PgReader } from './pg-reader.js';

// PostgreSQL: bigint and numeric arrive as strings and `timestamp` as local time by default.
// Our values fit in doubles and every timestamp is UTC.
pg.types.setTypeParser(20, (v: string) => Number(v));
pg.types.setTypeParser(1700, (v: string) => Number(v));
pg.types.setTypeParser(1114, (v: string) => new Date(v.replace(' ', 'T') + 'Z'));

export type Dialect = 'sqlite' | 'postgres' | 'oracle';

export interface DbSpec {
  dialect: Dialect;
  /** sqlite: file path; postgres/oracle: connection string without omsagg's own parameters */
  target: string;
  /** postgres: the schema put first on the search_path */
  schema?: string;
}

export interface Db {
  knex: Knex;
  dialect: Dialect;
  readonly: boolean;
  schema?: string;
  spec: DbSpec;
  /** the URL it was opened with (worker threads open their own connection from it) */
  url: string;
  /** the server's read path (created on first use): SQLite reader processes, pg clients with array rows */
  readonly reader: Reader;
  close(): Promise<void>;
}

export interface OpenOptions {
  readonly?: boolean;
  /** per-statement limit; PostgreSQL statement_timeout, Oracle callTimeout */
  statementTimeoutMs?: number;
  /** PostgreSQL/Oracle connections; SQLite reader processes of `reader` (default 8 / 3) */
  poolMax?: number;
  /** SQLite: read in-process through knex instead of reader processes (jobs and tools, not the server) */
  inProcessReads?: boolean;
}

export class DbConfigError extends Error {}

/** Parses `sqlite:path`, `postgres://…[?schema=s]` and `oracle://user:pw@host:port/service`. */
export function parseDbUrl(url: string): DbSpec {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!file) throw new DbConfigError(`OMSAGG_DB '${url}': sqlite needs a file path, e.g. sqlite:data/omsagg.sqlite`);
    return { dialect: 'sqlite', target: file };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DbConfigError(`OMSAGG_DB '${redact(url)}' is not a valid postgres:// URL`);
    }
    const schema = parsed.searchParams.get('schema') ?? undefined;
    if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) {
      throw new DbConfigError(`OMSAGG_DB: schema '${schema}' must be a plain identifier`);
    }
    parsed.searchParams.delete('schema');
    return { dialect: 'postgres', target: parsed.toString(), schema };
  }
  if (url.startsWith('oracle://')) {
    return { dialect: 'oracle', target: url };
  }
  throw new DbConfigError(`OMSAGG_DB '${redact(url)}' is not understood: use sqlite:PATH, postgres://HOST/DB[?schema=S] or oracle://USER:PW@HOST:PORT/SERVICE`);
}

export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

// Oracle folds unquoted identifiers to upper case; our DDL is unquoted, knex quotes. Upper-case
// every identifier we send and lower-case every key we get back, here and nowhere else.
export const oracleIdentifierCase = {
  wrapIdentifier: (value: string, origImpl: (v: string) => string) => origImpl(value === '*' ? value : value.toUpperCase()),
  postProcessResponse: (result: unknown): unknown => {
    const lower = (row: unknown) => {
      if (!row || typeof row !== 'object' || Array.isArray(row) || row instanceof Date) return row;
      return Object.fromEntries(Object.entries(row as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), v]));
    };
    return Array.isArray(result) ? result.map(lower) : lower(result);
  },
};

export function knexConfig(spec: DbSpec, opts: OpenOptions = {}): Knex.Config {
  const readonly = opts.readonly ?? false;
  const timeout = opts.statementTimeoutMs;
  switch (spec.dialect) {
    case 'sqlite':
      return {
        client: 'better-sqlite3',
        connection: { filename: spec.target, options: { readonly, fileMustExist: readonly } } as Knex.Sqlite3ConnectionConfig,
        useNullAsDefault: true,
        pool: {
          min: 1,
          max: 1,
          afterCreate: (conn: { pragma(s: string): unknown }, done: (err: Error | null, conn: unknown) => void) => {
            try {
              if (!readonly) conn.pragma('journal_mode = WAL');
              conn.pragma('busy_timeout = 5000');
              done(null, conn);
            } catch (err) {
              done(err as Error, conn);
            }
          },
        },
      };
    case 'postgres': {
      const options: string[] = [];
      if (readonly) options.push('-c default_transaction_read_only=on');
      // no JIT for the server's reads: a page's plan over a big view costs enough to trigger it, and
      // compiling took 2 s where the query ran in milliseconds (hltpathrates group=run, month)
      if (readonly) options.push('-c jit=off');
      if (timeout) options.push(`-c statement_timeout=${Math.round(timeout)}`);
      if (spec.schema) options.push(`-c search_path=${spec.schema},public`);
      return {
        client: 'pg',
        // an unreachable or stalled server fails a request within seconds instead of holding it
        connection: { connectionString: spec.target, options: options.join(' ') || undefined, application_name: 'omsagg', connectionTimeoutMillis: 5000 },
        searchPath: spec.schema ? [spec.schema, 'public'] : undefined,
        pool: { min: 0, max: opts.poolMax ?? 8, acquireTimeoutMillis: 15_000, createTimeoutMillis: 5000 },
      };
    }
    case 'oracle': {
      const u = new URL(spec.target);
      return {
        client: 'oracledb',
        connection: {
          user: decodeURIComponent(u.username),
          password: decodeURIComponent(u.password),
          connectString: `${u.hostname}:${u.port || '1521'}${u.pathname}`,
          ...(timeout ? { callTimeout: timeout } : {}),
        } as Knex.OracleDbConnectionConfig,
        pool: { min: 0, max: opts.poolMax ?? 8 },
        ...oracleIdentifierCase,
      } as Knex.Config;
    }
  }
}

export async function openDb(url: string, opts: OpenOptions = {}): Promise<Db> {
  const spec = parseDbUrl(url);
  if (spec.dialect === 'sqlite' && !(opts.readonly ?? false)) {
    fs.mkdirSync(path.dirname(path.resolve(spec.target)), { recursive: true });
  }
  if (spec.dialect === 'sqlite' && opts.readonly && !fs.existsSync(spec.target)) {
    throw new DbConfigError(`SQLite database ${spec.target} does not exist (run 'omsagg seed' first)`);
  }
  const knex = knexFactory(knexConfig(spec, opts));
  let reader: Reader | undefined;
  let closed = false;
  const makeReader = (): Reader => {
    if (spec.dialect === 'postgres') return new PgReader(knex, opts.poolMax ?? 8, { statementTimeoutMs: opts.statementTimeoutMs });
    if (spec.dialect === 'sqlite' && !opts.inProcessReads) return new SqlitePool(spec.target, { size: opts.poolMax ?? 3, timeoutMs: opts.statementTimeoutMs });
    return new KnexReader(knex, spec.dialect, opts.poolMax ?? 8);
  };
  return {
    knex,
    dialect: spec.dialect,
    readonly: opts.readonly ?? false,
    schema: spec.schema,
    spec,
    url,
    get reader() {
      if (!reader) {
        reader = makeReader();
        if (closed) void reader.close(); // a closed connection reads nothing
      }
      return reader;
    },
    close: async () => {
      closed = true;
      await reader?.close();
      await knex.destroy();
    },
  };
}

/** A knex that only compiles SQL (no connection): used to check Oracle SQL without a server. */
export function compileOnlyKnex(dialect: Dialect): Knex {
  const client = dialect === 'sqlite' ? 'better-sqlite3' : dialect === 'postgres' ? 'pg' : 'oracledb';
  return knexFactory({ client, useNullAsDefault: true, ...(dialect === 'oracle' ? oracleIdentifierCase : {}) } as Knex.Config);
}
