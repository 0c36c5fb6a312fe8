// Built pages, and the chunks of streamed ones, are written into pooled buffers that go back to the
// pool once a response has finished (src/jsonapi/bytes.ts): over a real socket, many concurrent
// responses of different sizes, plain and compressed, each arrive exactly as the same request
// answers alone.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openDb, type Db } from '../../src/db/connection.js';
import { bodyPool, chunkPool } from '../../src/jsonapi/bytes.js';
import { testApp } from '../helpers/app.js';
import { testDatabase } from '../helpers/databases.js';

describe('pooled response bodies over a socket', () => {
  let db: Db;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    db = await openDb(testDatabase('sqlite').url, { readonly: true });
    app = await testApp(db, { env: { OMSAGG_CACHE_MB: '0' } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/api/v1`;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  async function body(path: string, gzip: boolean): Promise<string> {
    const res = await fetch(base + path, { headers: gzip ? { 'accept-encoding': 'gzip' } : { 'accept-encoding': 'identity' } });
    expect(res.status).toBe(200);
    // fetch decodes gzip itself; the header says which way the bytes came
    if (gzip) expect(res.headers.get('content-encoding')).toBe('gzip');
    return res.text();
  }

  it('concurrent pages of different sizes each arrive intact', async () => {
    const paths = [
      '/runs?sort=-run_number&page[limit]=100',
      '/lumisections?page[limit]=1500',
      '/hltpathrates?page[limit]=2000&page[offset]=7',
      '/fills?page[limit]=3',
      '/runs?fields=run_number&page[limit]=5',
      // above 2 000 rows: streamed in pooled chunks
      '/hltpathrates?page[limit]=4000&page[offset]=3',
      '/lumisections?page[limit]=2500',
    ];
    const expected = new Map<string, string>();
    for (const p of paths) expected.set(p, await body(p, false));
    for (const text of expected.values()) expect(JSON.parse(text).data.length).toBeGreaterThan(0);
    // the first three are large enough to be compressed when the client accepts it
    const asked = Array.from({ length: 42 }, (_, i) => ({ path: paths[i % paths.length], gzip: (i % paths.length < 3 || i % paths.length > 4) && i % 2 === 0 }));
    const got = await Promise.all(asked.map((a) => body(a.path, a.gzip)));
    asked.forEach((a, i) => expect(got[i], `${a.path} (gzip ${a.gzip})`).toBe(expected.get(a.path)));
    // the buffers came back: the pool holds some, within its bound
    expect(bodyPool.stats().retainedBytes).toBeGreaterThan(0);
    expect(bodyPool.stats().retainedBytes).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(chunkPool.stats().retainedBytes).toBeGreaterThan(0);
    expect(chunkPool.stats().retainedBytes).toBeLessThanOrEqual(32 * 1024 * 1024);
  });

  /** The body of an HTTP/1.1 response read off a socket, chunked transfer coding undone. */
  function bodyOfRaw(raw: Buffer): string {
    const split = raw.indexOf('\r\n\r\n');
    const head = raw.subarray(0, split).toString();
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    let rest = raw.subarray(split + 4);
    if (!/^transfer-encoding: chunked/im.test(head)) return rest.toString('utf8');
    const parts: Buffer[] = [];
    for (;;) {
      const eol = rest.indexOf('\r\n');
      const size = parseInt(rest.subarray(0, eol).toString(), 16);
      if (!size) break;
      parts.push(rest.subarray(eol + 2, eol + 2 + size));
      rest = rest.subarray(eol + 2 + size + 2);
    }
    return Buffer.concat(parts).toString('utf8');
  }

  it.each([
    ['built whole (an include is never streamed)', '&include=run'],
    ['streamed in pooled chunks', ''],
  ])('a slow reader gets its body intact while later responses reuse the pool: %s', async (_how, extra) => {
    // larger than the socket buffers take
    const big = `/hltpathrates?page[limit]=5000${extra}`;
    const whole = await body(big, false);
    const url = new URL(base + big);
    // a client that does not read: the server's writes stay pending on the socket meanwhile
    const sock = net.connect(Number(url.port), '127.0.0.1');
    sock.pause();
    const received: Buffer[] = [];
    sock.on('data', (c: Buffer) => received.push(c));
    const ended = new Promise<void>((resolve) => sock.on('end', resolve));
    sock.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`);
    await new Promise((r) => setTimeout(r, 300));
    // meanwhile other pages of the same size (buffers of the same size class) for others
    const others = await Promise.all(Array.from({ length: 3 }, (_, i) => body(`${big}&page[offset]=${5000 * (i + 1)}`, false)));
    for (const o of others) expect(JSON.parse(o).data.length).toBe(5000);
    sock.resume();
    await ended;
    expect(bodyOfRaw(Buffer.concat(received))).toBe(whole);
  });

  it.each([
    ['built whole', 2000],
    ['streamed', 4000],
  ])('a client gone mid-response leaves later responses intact: %s', async (_how, limit) => {
    const big = `/hltpathrates?page[limit]=${limit}`;
    const whole = await body(big, false);
    for (let i = 0; i < 5; i++) {
      const ac = new AbortController();
      const res = await fetch(base + big, { signal: ac.signal });
      const reader = res.body!.getReader();
      await reader.read();
      ac.abort();
    }
    const again = await Promise.all([body(big, false), body(big, true), body('/runs?page[limit]=2', false)]);
    expect(again[0]).toBe(whole);
    expect(again[1]).toBe(whole);
  });
});
