// PostgreSQL faults on a private cluster behind a TCP proxy (test/reliability/pg-cluster.ts): the
// server started while the database is down, connections killed mid-request, latency past the
// statement timeout, pool exhaustion, the database restarted under load. Every answer is a 200 or
// a 503 JSON:API error with Retry-After (never a 500, a hang or a crash), and the server recovers
// by itself.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { createSchema } from '../../src/db/schema.js';
import { testApp } from '../helpers/app.js';
import { testDatabase } from '../helpers/databases.js';
import { expectValidJsonApi } from '../helpers/jsonapi.js';
import { FaultProxy, PrivateCluster } from './pg-cluster.js';

const TIMEOUT_MS = 1000;
const POOL = 3;
const RUNS = '/api/v1/runs?page[limit]=5';
const faults: Record<string, number> = {};
const count = (kind: string, n = 1) => (faults[kind] = (faults[kind] ?? 0) + n);

let cluster: PrivateCluster;
let proxy: FaultProxy;

/** Copies the shared demo's runs and lumisections into the private cluster (enough to read). */
async function seedPrivate(url: string): Promise<void> {
  const db = await openDb(url);
  const shared = await openDb(testDatabase('postgres').url, { readonly: true });
  try {
    await createSchema(db);
    for (const table of ['runs', 'lumisections', 'fills']) {
      const rows = (await shared.knex(table).select('*')) as Record<string, unknown>[];
      for (let i = 0; i < rows.length; i += 500) await db.knex(table).insert(rows.slice(i, i + 500));
    }
  } finally {
    await shared.close();
    await db.close();
  }
}

beforeAll(async () => {
  cluster = new PrivateCluster();
  await cluster.init();
  await seedPrivate(cluster.url);
  proxy = new FaultProxy(cluster.port);
  await proxy.start();
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  cluster?.destroy();
  process.stderr.write(`[pg faults] injected: ${JSON.stringify(faults)}\n`);
});

const proxiedUrl = () => `postgres://postgres@127.0.0.1:${proxy.port}/postgres`;

async function serverOnProxy(env: Record<string, string> = {}): Promise<{ app: FastifyInstance; db: Db }> {
  const db = await openDb(proxiedUrl(), { readonly: true, statementTimeoutMs: TIMEOUT_MS, poolMax: POOL });
  const app = await testApp(db, { env: { OMSAGG_STATEMENT_TIMEOUT_MS: String(TIMEOUT_MS), OMSAGG_VERSION_REFRESH_MS: '500', ...env } });
  return { app, db };
}

/** A 200, or a 503 JSON:API error with Retry-After: the only answers a database fault may give. */
function expectOkOrUnavailable(res: { statusCode: number; body: string; headers: Record<string, unknown> }, url: string): 'ok' | 'unavailable' {
  if (res.statusCode === 200) return 'ok';
  expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(503);
  if (url !== '/health') {
    const doc = JSON.parse(res.body);
    expectValidJsonApi(doc);
    expect(res.headers['retry-after'], url).toBeTruthy();
    expect(res.body).not.toMatch(/select|from "|127\.0\.0\.1|ECONN|postgres:/i);
  }
  return 'unavailable';
}

async function until(fn: () => Promise<boolean>, ms: number): Promise<number> {
  const t0 = Date.now();
  while (!(await fn())) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return Date.now() - t0;
}

describe('PostgreSQL faults', () => {
  it('starts while the database is down: /health 503, resources 503 with Retry-After; recovers by itself', async () => {
    proxy.refuse = true;
    count('refused connections (database down at start)');
    const { app, db } = await serverOnProxy();
    try {
      const health = await app.inject({ url: '/health' });
      expect(health.statusCode).toBe(503);
      const res = await app.inject({ url: RUNS });
      expect(expectOkOrUnavailable(res, RUNS)).toBe('unavailable');
      expect(res.json().errors[0].code).toBe('database_unavailable');
      proxy.refuse = false;
      const ms = await until(async () => (await app.inject({ url: '/health' })).statusCode === 200 && (await app.inject({ url: RUNS })).statusCode === 200, 15_000);
      expect(ms).toBeLessThan(15_000);
      expect((await app.inject({ url: RUNS })).json().data.length).toBe(5);
    } finally {
      proxy.refuse = false;
      await app.close();
      await db.close();
    }
  });

  it('connections killed mid-request (pg_terminate_backend): a 503, then the next request is served', async () => {
    const { app, db } = await serverOnProxy();
    const admin = await openDb(cluster.url);
    try {
      expect((await app.inject({ url: RUNS })).statusCode).toBe(200);
      proxy.delayMs = 600; // the request's statement is on its way while the backend is killed
      const pending = app.inject({ url: `${RUNS}&filter[run_number][GT]=1` });
      await new Promise((r) => setTimeout(r, 200));
      const killed = await admin.knex.raw("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'omsagg' AND pid <> pg_backend_pid()");
      count('backends terminated mid-request', (killed as { rowCount: number }).rowCount);
      expect((killed as { rowCount: number }).rowCount).toBeGreaterThan(0);
      const res = await pending;
      expectOkOrUnavailable(res, RUNS);
      proxy.delayMs = 0;
      // the killed connections are dropped from the pool, not handed to the next requests
      for (let i = 0; i < POOL + 1; i++) expect((await app.inject({ url: `${RUNS}&page[offset]=${i}` })).statusCode).toBe(200);
    } finally {
      proxy.delayMs = 0;
      await admin.close();
      await app.close();
      await db.close();
    }
  });

  it('latency past the statement timeout: a 503 statement_timeout within the bound, then recovery', async () => {
    const { app, db } = await serverOnProxy();
    try {
      expect((await app.inject({ url: RUNS })).statusCode).toBe(200);
      proxy.delayMs = 5000;
      count('requests delayed past the statement timeout');
      const t0 = Date.now();
      const res = await app.inject({ url: `${RUNS}&filter[run_number][GT]=2` });
      const took = Date.now() - t0;
      expect(expectOkOrUnavailable(res, RUNS)).toBe('unavailable');
      expect(res.json().errors[0].code).toBe('statement_timeout');
      expect(took).toBeLessThan(TIMEOUT_MS + 2500);
      proxy.delayMs = 0;
      await until(async () => (await app.inject({ url: `${RUNS}&filter[run_number][GT]=3` })).statusCode === 200, 10_000);
    } finally {
      proxy.delayMs = 0;
      await app.close();
      await db.close();
    }
  });

  it('pool exhaustion: a bounded queue, then 503 server_busy with Retry-After; nothing hangs', async () => {
    const { app, db } = await serverOnProxy();
    try {
      expect((await app.inject({ url: RUNS })).statusCode).toBe(200);
      proxy.delayMs = 300;
      const n = 80;
      count('concurrent requests on a pool of 3', n);
      const t0 = Date.now();
      const results = await Promise.all(Array.from({ length: n }, (_, i) => app.inject({ url: `${RUNS}&page[offset]=${i % 7}&filter[run_number][GT]=${i}` })));
      const took = Date.now() - t0;
      const kinds = results.map((r) => expectOkOrUnavailable({ statusCode: r.statusCode, body: r.body, headers: r.headers }, RUNS));
      const busy = results.filter((r) => r.statusCode === 503 && r.json().errors[0].code === 'server_busy');
      expect(kinds.filter((k) => k === 'ok').length).toBeGreaterThan(0);
      expect(busy.length).toBeGreaterThan(0);
      expect(busy.every((r) => r.headers['retry-after'] === '1')).toBe(true);
      expect(took).toBeLessThan(30_000);
      proxy.delayMs = 0;
      expect((await app.inject({ url: RUNS })).statusCode).toBe(200);
    } finally {
      proxy.delayMs = 0;
      await app.close();
      await db.close();
    }
  });

  it('the database restarted under load: only 200s and 503s meanwhile, then 200s again', async () => {
    const { app, db } = await serverOnProxy();
    try {
      let stop = false;
      const seen: Record<string, number> = {};
      const loop = async (k: number) => {
        for (let i = 0; !stop; i++) {
          const url = i % 5 === 0 ? '/health' : `${RUNS}&page[offset]=${(i + k) % 5}`;
          const res = await app.inject({ url });
          const kind = expectOkOrUnavailable(res, url);
          seen[kind] = (seen[kind] ?? 0) + 1;
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      const loops = Array.from({ length: 4 }, (_, k) => loop(k));
      await new Promise((r) => setTimeout(r, 500));
      cluster.restart();
      count('database restarts under load');
      await new Promise((r) => setTimeout(r, 1500));
      stop = true;
      await Promise.all(loops);
      expect(seen.ok).toBeGreaterThan(0);
      await until(async () => (await app.inject({ url: RUNS })).statusCode === 200, 10_000);
      for (let i = 0; i < POOL + 1; i++) expect((await app.inject({ url: `${RUNS}&page[offset]=${i}` })).statusCode).toBe(200);
      process.stderr.write(`[pg faults] restart under load: ${JSON.stringify(seen)}\n`);
    } finally {
      await app.close();
      await db.close();
    }
  });
});
