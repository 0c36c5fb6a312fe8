// Bad input, property-based: fast-check requests against every route family (each resource of the
// registry, each probe of the catalog, the pages, the reports) on the seeded SQLite and PostgreSQL
// demo databases. Every answer must be below 500, a valid JSON:API document (official schema) or a
// CSV/HTML body of its type, an HTML error for the HTML pages, and must show no internals.
// CI runs a fixed seed; OMSAGG_FUZZ_RUNS=N (and OMSAGG_FUZZ_SEED=S) run longer or other rounds.
import net from 'node:net';
import zlib from 'node:zlib';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { loadProbes } from '../../src/probes/registry.js';
import { loadResources } from '../../src/resources/loader.js';
import { BUILTIN_PREFIXES } from '../../src/config.js';
import { testApp } from '../helpers/app.js';
import { testDatabases } from '../helpers/databases.js';
import { isLoadShedding, problemsOf, type Answer } from './answers.js';
import { arbRequest, targets, type FuzzRequest } from './requests.js';

const RUNS = Number(process.env.OMSAGG_FUZZ_RUNS ?? 150);
const SEED = Number(process.env.OMSAGG_FUZZ_SEED ?? 20180601);

const resources = loadResources();

/** What earlier long runs found (fixed since), replayed first in every run. */
const FOUND: FuzzRequest[] = [
  { method: 'GET', url: '/api/v1/probes/fill-summary/series/%20/points?fill_number=4281852496168112', headers: {}, kind: 'api' },
  { method: 'GET', url: '/api/v1/fills?filter[fill_number][EQ]=4281852496168112', headers: {}, kind: 'api' },
  { method: 'GET', url: '/api/v1/probes/fill-summary/series/%20/points?fill_number=9007199254740992', headers: {}, kind: 'api' },
  { method: 'GET', url: '/api/v1/runs?filter[run_number][GE]=99999999999999999999', headers: {}, kind: 'api' },
  { method: 'DELETE', url: '/probes/anomaly-scores', headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }, body: '', kind: 'page' },
  { method: 'GET', url: '/api/v1/probes', headers: { 'accept-encoding': 'gzip, br, zstd, *;q=0' }, kind: 'api' },
];

async function answer(app: FastifyInstance, r: FuzzRequest): Promise<Answer> {
  const res = await app.inject({ method: r.method, url: r.url, headers: r.headers, payload: r.body });
  // the client asked for it compressed: read it as the client would
  const enc = String(res.headers['content-encoding'] ?? '');
  const raw = res.rawPayload;
  const body = enc === 'br' ? zlib.brotliDecompressSync(raw) : enc === 'gzip' ? zlib.gunzipSync(raw) : enc === 'deflate' ? zlib.inflateSync(raw) : raw;
  return { status: res.statusCode, headers: res.headers, body: body.toString('utf8') };
}

describe.each(testDatabases())('bad input on $name', (tdb) => {
  let db: Db;
  let app: FastifyInstance;
  const seen = { requests: 0, shed: 0, byStatus: new Map<number, number>() };

  beforeAll(async () => {
    db = await openDb(tdb.url, { readonly: true, statementTimeoutMs: 20_000 });
    app = await testApp(db, { resources });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    const statuses = [...seen.byStatus]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    process.stderr.write(`[fuzz ${tdb.name}] ${seen.requests} requests (seed ${SEED}): ${statuses}; load-shedding 503s (statement time limit, readers busy): ${seen.shed}\n`);
  });

  it(
    'every route family answers any query, header and method with a proper document or error',
    async () => {
      const probes = await loadProbes();
      const all = targets(resources, probes, [...BUILTIN_PREFIXES]);
      await fc.assert(
        fc.asyncProperty(arbRequest(all), async (r) => {
          const res = await answer(app, r);
          seen.requests++;
          seen.byStatus.set(res.status, (seen.byStatus.get(res.status) ?? 0) + 1);
          if (isLoadShedding(res)) seen.shed++;
          const problems = problemsOf(r, res);
          if (problems.length)
            throw new Error(`${r.method} ${r.url.slice(0, 300)} ${JSON.stringify(r.headers).slice(0, 200)} → ${res.status}:\n  ${problems.join('\n  ')}\n  body: ${res.body.slice(0, 300)}`);
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: false, examples: FOUND.map((r) => [r]) },
      );
    },
    30_000 + RUNS * 500,
  );
});

/** Raw HTTP over a socket: what Node's parser refuses before Fastify routes anything. */
function rawRequest(port: number, text: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    sock.setEncoding('latin1');
    sock.on('data', (d) => (data += d));
    sock.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' && data ? undefined : reject(err)));
    sock.on('close', () => {
      const [head, ...rest] = data.split('\r\n\r\n');
      const lines = head.split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1] ?? 0);
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      let body = rest.join('\r\n\r\n');
      if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
        let out = '';
        for (let i = 0; i < body.length;) {
          const eol = body.indexOf('\r\n', i);
          const size = parseInt(body.slice(i, eol), 16);
          if (!size) break;
          out += body.slice(eol + 2, eol + 2 + size);
          i = eol + 2 + size + 2;
        }
        body = out;
      } else if (headers['content-length']) body = body.slice(0, Number(headers['content-length'])); // the first answer only
      resolve({ status, headers, body });
    });
    sock.end(text);
  });
}

describe('requests refused before routing', () => {
  let db: Db;
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    db = await openDb(testDatabases()[0].url, { readonly: true });
    app = await testApp(db, { resources });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const cases: [string, string][] = [
    ['a URL of 100 000 characters', `GET /api/v1/runs?filter[run_number][EQ]=${'9'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`],
    ['a header of 64 kB', `GET /api/v1/runs HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(65_536)}\r\nConnection: close\r\n\r\n`],
    ['a malformed request line', `GET /api/v1/runs HTTP/9.9 extra\r\nHost: x\r\n\r\n`],
    ['a control character in the path', `GET /api/v1/ru\u0001ns HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`],
    ['an invalid header name', `GET /api/v1/runs HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\nConnection: close\r\n\r\n`],
    ['a bad chunked body', `POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`],
  ];
  it.each(cases)('%s: a 4xx JSON:API error, nothing internal', async (_name, text) => {
    const res = await rawRequest(port, text);
    expect(res.status, res.body).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const problems = problemsOf({ method: 'GET', url: '/', headers: {}, kind: 'api' }, res);
    expect(problems).toEqual([]);
  });
});
