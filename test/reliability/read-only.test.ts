// Read-only, proven: every connection the server holds (opened as `omsagg serve` opens it) refuses
// writes at the database — SQLite reader processes and the knex connection open the file read-only,
// every pooled PostgreSQL session has default_transaction_read_only — and no route or method
// writes: every route of the app refuses POST/PUT/PATCH/DELETE, and the SQLite file is
// byte-identical after every route was called with every method. (Reads go through the same
// read-only connections proven above.)
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { testApp } from '../helpers/app.js';
import { testDatabase } from '../helpers/databases.js';

const POOL = 4;
const WRITE = { sql: "INSERT INTO omsagg_meta (key, value) VALUES ('omsagg_ro_probe', 'x') RETURNING key", bindings: [] };

/** Every route path of the app with its methods, from Fastify's route tree. */
function routesOf(app: FastifyInstance): { path: string; methods: string[] }[] {
  const out: { path: string; methods: string[] }[] = [];
  const stack: { depth: number; path: string }[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)(?:├── |└── )(.*?) \(([A-Z, ]+)\)$/.exec(line.replace(/\u00a0/g, ' '));
    if (!m) continue;
    const depth = m[1].length / 4;
    while (stack.length && stack[stack.length - 1].depth >= depth) stack.pop();
    const parent = stack.length ? stack[stack.length - 1].path : '';
    const seg = m[2];
    const full = parent === '' ? seg : parent.endsWith('/') || seg.startsWith('/') ? `${parent}${seg}` : `${parent}/${seg}`;
    stack.push({ depth, path: full });
    out.push({ path: full, methods: m[3].split(',').map((s) => s.trim()) });
  }
  return out;
}

function concrete(path: string): string {
  return path
    .replace(/:relationship/g, 'runs')
    .replace(/:id|:run|:point|:key/g, '315000')
    .replace(/:file/g, 'page.js')
    .replace(/\*/g, 'x');
}

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('SQLite: every connection the server holds refuses writes', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(testDatabase('sqlite').url, { readonly: true, poolMax: POOL, statementTimeoutMs: 10_000 });
  });
  afterAll(async () => db?.close());

  it('each reader process refuses a write the database itself would run (INSERT … RETURNING)', async () => {
    // held concurrently, the statements land on every reader process of the pool
    const results = await Promise.allSettled(Array.from({ length: POOL }, () => db.reader.all(WRITE)));
    expect(db.reader.stats().size).toBe(POOL);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      const err = (r as PromiseRejectedResult).reason as { code?: string; message?: string };
      expect(`${err.code} ${err.message}`).toMatch(/SQLITE_READONLY|readonly database/);
    }
  });

  it('the knex connection refuses writes', async () => {
    await expect(db.knex.raw("INSERT INTO omsagg_meta (key, value) VALUES ('omsagg_ro_probe', 'x')")).rejects.toThrow(/readonly|SQLITE_READONLY/);
    await expect(db.knex.raw('CREATE TABLE omsagg_ro_probe (x integer)')).rejects.toThrow(/readonly|SQLITE_READONLY/);
  });
});

describe('PostgreSQL: every pooled session refuses writes', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(testDatabase('postgres').url, { readonly: true, poolMax: POOL, statementTimeoutMs: 10_000 });
  });
  afterAll(async () => db?.close());

  it("each of the pool's sessions is read-only and refuses INSERT … RETURNING", async () => {
    // the statements sleep so that all of them hold a session at once: POOL distinct backends
    const sessions = await Promise.all(
      Array.from({ length: POOL }, () =>
        db.reader.all({
          sql: "SELECT pg_backend_pid() AS pid, current_setting('default_transaction_read_only') AS ro, current_setting('transaction_read_only') AS tro, pg_sleep(0.3) IS NULL AS slept",
          bindings: [],
        }),
      ),
    );
    const pids = new Set(sessions.map((s) => s.rows[0][0]));
    expect(pids.size).toBe(POOL);
    for (const s of sessions) expect(s.rows[0].slice(1, 3)).toEqual(['on', 'on']);
    const writes = await Promise.allSettled(Array.from({ length: POOL }, () => db.reader.all(WRITE)));
    for (const w of writes) {
      expect(w.status).toBe('rejected');
      expect(((w as PromiseRejectedResult).reason as { code?: string }).code).toBe('25006'); // read_only_sql_transaction
    }
    await expect(db.knex.raw('CREATE TABLE omsagg_ro_probe (x integer)')).rejects.toMatchObject({ code: '25006' });
  });
});

describe('no route or method writes', () => {
  let db: Db;
  let app: FastifyInstance;
  const file = testDatabase('sqlite').url.slice('sqlite:'.length);
  beforeAll(async () => {
    db = await openDb(testDatabase('sqlite').url, { readonly: true });
    app = await testApp(db);
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('every route refuses POST, PUT, PATCH and DELETE with 405 (a JSON:API body in any media type); the database file is unchanged', async () => {
    const before = { hash: sha256(file), mtime: fs.statSync(file).mtimeMs };
    const routes = routesOf(app);
    expect(routes.length).toBeGreaterThan(100);
    const served = new Set(routes.flatMap((r) => r.methods));
    // the methods any route accepts: reads, and the writes only where a 405 handler answers them
    for (const m of served) expect(['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE']).toContain(m);
    const failures: string[] = [];
    for (const r of routes) {
      const url = concrete(r.path);
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
        const res = await app.inject({
          method,
          url,
          headers: { 'content-type': 'application/vnd.api+json' },
          payload: JSON.stringify({ data: { type: 'runs', id: '315000', attributes: { run_number: 1 } } }),
        });
        if (res.statusCode !== 405 || res.headers.allow !== 'GET, HEAD') failures.push(`${method} ${url} → ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
    expect({ hash: sha256(file), mtime: fs.statSync(file).mtimeMs }).toEqual(before);
  });
});
