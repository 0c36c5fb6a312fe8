// HTTP caching: strong ETags from the data version, 304 without running the query, closed-run
// answers cacheable for long and kept compressed in memory, live ones revalidated and changing
// with their latest lumisection, two spellings of a query sharing one ETag, two replicas agreeing,
// br/gzip negotiated above a size threshold — on a copy of the demo whose last run is ongoing.
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDb, type Db } from '../../src/db/connection.js';
import { defaultPlugins } from '../../src/server/plugins.js';
import { counting, writableSqliteCopy, type WritableDatabase } from '../helpers/databases.js';

describe('HTTP caching (SQLite copy with an ongoing run)', () => {
  let copy: WritableDatabase;
  let writer: Db;
  let closedRun: number;
  let liveRun: number;
  const apps: FastifyInstance[] = [];
  const dbs: Db[] = [];
  let counter: () => number;

  async function replica(): Promise<FastifyInstance> {
    const raw = await openDb(copy.url, { readonly: true });
    dbs.push(raw);
    const c = counting(raw);
    counter = c.count;
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', OMSAGG_VERSION_REFRESH_MS: '100' }), { db: c.db, logger: false, plugins: await defaultPlugins() });
    await app.ready();
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    copy = await writableSqliteCopy();
    writer = await openDb(copy.url);
    const runs = (await writer.knex('runs').select('run_number').orderBy('run_number')) as { run_number: number }[];
    closedRun = runs[0].run_number;
    liveRun = runs[runs.length - 1].run_number;
    await writer.knex('runs').where('run_number', liveRun).update({ end_time: null });
  });
  afterAll(async () => {
    for (const a of apps) await a.close();
    for (const d of dbs) await d.close();
    await writer?.close();
    await copy?.cleanup();
  });

  it('closed runs: strong ETag, long immutable caching, 304 without a query, two spellings one ETag', async () => {
    const app = await replica();
    const url = `/api/v1/lumisections?filter[run_number][EQ]=${closedRun}&fields=lumisection_number,pileup&page[limit]=50`;
    const first = await app.inject(url);
    expect(first.statusCode).toBe(200);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers['cache-control']).toMatch(/public, max-age=\d+, immutable/);
    expect(String(first.headers.vary)).toMatch(/Accept/);
    const before = counter();
    const again = await app.inject({ url, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    expect(counter()).toBe(before);
    // another spelling of the same query: same ETag, served from the cache without a query
    const other = await app.inject(`/api/v1/lumisections?page[limit]=50&fields=lumisection_number,pileup&filter[run_number]=${closedRun}`);
    expect(other.headers.etag).toBe(etag);
    expect(other.json()).toEqual(first.json());
    expect(counter()).toBe(before);
  });

  it('a live run: revalidated every time, its ETag moving with its latest lumisection', async () => {
    const app = apps[0];
    const url = `/api/v1/lumisections?filter[run_number][EQ]=${liveRun}&page[limit]=5`;
    const a = await app.inject(url);
    expect(a.headers['cache-control']).toBe('public, no-cache');
    expect((await app.inject({ url, headers: { 'if-none-match': String(a.headers.etag) } })).statusCode).toBe(304);
    await writer.knex('runs').where('run_number', liveRun).increment('last_lumisection_number', 1);
    // the runs' state is re-read every 100 ms here: wait (bounded) until the new version is seen
    let b = await app.inject({ url, headers: { 'if-none-match': String(a.headers.etag) } });
    for (let i = 0; i < 100 && b.statusCode === 304; i++) {
      await new Promise((r) => setTimeout(r, 100));
      b = await app.inject({ url, headers: { 'if-none-match': String(a.headers.etag) } });
    }
    expect(b.statusCode).toBe(200);
    expect(b.headers.etag).not.toBe(a.headers.etag);
    // the closed run's answers keep their ETag
    const closed = `/api/v1/lumisections?filter[run_number][EQ]=${closedRun}&page[limit]=5`;
    const c1 = (await app.inject(closed)).headers.etag;
    const live1 = (await app.inject(url)).headers.etag;
    await writer.knex('runs').where('run_number', liveRun).increment('last_lumisection_number', 1);
    for (let i = 0; i < 100 && (await app.inject(url)).headers.etag === live1; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await app.inject(url)).headers.etag).not.toBe(live1);
    expect((await app.inject(closed)).headers.etag).toBe(c1);
  });

  it('two replicas agree on ETags (resources and probe plots)', async () => {
    const [a, b] = [apps[0], await replica()];
    for (const url of [`/api/v1/runs/${closedRun}`, `/api/v1/hltpathrates?filter[run_number][EQ]=${closedRun}&page[limit]=10`, `/api/v1/probes/fill-summary/plot`]) {
      const [x, y] = await Promise.all([a.inject(url), b.inject(url)]);
      expect(x.statusCode, url).toBe(200);
      expect(x.headers.etag, url).toBeDefined();
      expect(y.headers.etag, url).toBe(x.headers.etag);
      expect((await b.inject({ url, headers: { 'if-none-match': String(x.headers.etag) } })).statusCode, url).toBe(304);
    }
  });

  it('compresses with br or gzip above the threshold, streams CSV compressed, leaves tiny answers alone', async () => {
    const app = apps[0];
    const url = `/api/v1/hltpathrates?filter[run_number][EQ]=${closedRun}&page[limit]=2000`;
    const plain = await app.inject(url);
    const br = await app.inject({ url, headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(JSON.parse(zlib.brotliDecompressSync(br.rawPayload).toString())).toEqual(plain.json());
    expect(br.rawPayload.length * 10).toBeLessThan(plain.rawPayload.length);
    const gz = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(zlib.gunzipSync(gz.rawPayload).toString())).toEqual(plain.json());
    const csv = await app.inject({ url: `/api/v1/lumisections/csv?filter[run_number][EQ]=${closedRun}`, headers: { 'accept-encoding': 'gzip' } });
    expect(csv.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(csv.rawPayload).toString().split('\n')[0]).toContain('run_number');
    const tiny = await app.inject({ url: '/health', headers: { 'accept-encoding': 'br' } });
    expect(tiny.headers['content-encoding']).toBeUndefined();
  });

  it('errors carry no validators', async () => {
    const r = await apps[0].inject(`/api/v1/runs/999999`);
    expect(r.statusCode).toBe(404);
    expect(r.headers.etag).toBeUndefined();
    expect(r.headers['cache-control']).toBe('no-store');
  });
});
