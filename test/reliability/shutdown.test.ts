// SIGTERM drains: `omsagg serve` on the demo with large pages and CSV exports in flight stops
// accepting at once, finishes every request it accepted with its whole body (no truncated 200s, no
// resets), refuses new ones, and exits 0 within the drain bound.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabase } from '../helpers/databases.js';
import { startServe, type ServeProcess } from './serve-process.js';

const PAGE = 5_000;
const CSV_ROWS = 30_000;

interface Outcome {
  url: string;
  status: number;
  complete: boolean;
  detail: string;
  endedAt: number;
}

/** Starts a request; `started` settles when its answer has begun (the server has accepted it). */
function fetchWhole(url: string, check: (body: string) => string | undefined): { started: Promise<void>; done: Promise<Outcome> } {
  let begun!: () => void;
  const started = new Promise<void>((r) => (begun = r));
  const done = (async (): Promise<Outcome> => {
    try {
      const res = await fetch(url, { headers: { connection: 'close' } });
      begun();
      const body = await res.text();
      const wrong = res.status === 200 ? check(body) : undefined;
      return { url, status: res.status, complete: res.status === 200 && !wrong, detail: wrong ?? `${body.length} chars`, endedAt: Date.now() };
    } catch (err) {
      begun();
      const e = err as Error & { cause?: { code?: string } };
      return { url, status: 0, complete: false, detail: `${e.message} ${e.cause?.code ?? ''}`, endedAt: Date.now() };
    }
  })();
  return { started, done };
}

/** A request on a new connection (fetch would reuse a kept-alive one): its status or error code. */
function freshConnection(url: string): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      resolve(String(res.statusCode));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

const jsonPage = (body: string) => {
  try {
    const doc = JSON.parse(body) as { data: unknown[] };
    return doc.data.length === PAGE ? undefined : `${doc.data.length} of ${PAGE} rows`;
  } catch {
    return `truncated JSON (${body.length} chars)`;
  }
};
const csvRows = (body: string) => {
  const lines = body.trimEnd().split('\n').length - 1;
  return lines === CSV_ROWS ? undefined : `${lines} of ${CSV_ROWS} CSV rows`;
};

describe('SIGTERM under load', () => {
  let serve: ServeProcess | undefined;
  afterEach(() => serve?.kill());

  it('finishes every accepted request whole, refuses new ones, exits 0 within the bound', async () => {
    // enough readers that every request runs at once (none waits in the reader queue)
    serve = await startServe({ OMSAGG_DB: testDatabase('sqlite').url, OMSAGG_SHUTDOWN_TIMEOUT_MS: '20000', OMSAGG_DB_POOL: '8' });
    const base = serve.base;
    // warm the readers: the first statements pay for opening the file
    expect((await fetch(`${base}/api/v1/runs?page[limit]=1`)).status).toBe(200);
    const inFlight = [
      ...Array.from({ length: 5 }, (_, i) => fetchWhole(`${base}/api/v1/hltpathrates?page[limit]=${PAGE}&page[offset]=${i * 1000}`, jsonPage)),
      ...Array.from({ length: 2 }, (_, i) => fetchWhole(`${base}/api/v1/hltpathrates/csv?page[limit]=${CSV_ROWS}&page[offset]=${i * 7}`, csvRows)),
    ];
    // SIGTERM once the server has accepted every request and begun answering it (a connection that
    // reaches the kernel in the instant the listener closes is reset: that race is TCP's, not ours)
    await Promise.all(inFlight.map((f) => f.started));
    const sigtermAt = Date.now();
    serve.child.kill('SIGTERM');
    while (!serve.output().includes('listener closed')) await new Promise((r) => setTimeout(r, 20));
    // new connections once the listener is closed are refused
    const late = await Promise.all(Array.from({ length: 3 }, () => freshConnection(`${base}/api/v1/runs?page[limit]=1`)));
    const outcomes = await Promise.all(inFlight.map((f) => f.done));
    const exit = await serve.exited;
    const log = serve.output();
    const drainLines = log
      .split('\n')
      .filter((l) => /shutting down|drain|"level":[56]0|"level":40/.test(l))
      .join('\n');
    const report = `${outcomes.map((o) => `${o.status} ${o.complete ? 'whole' : 'BROKEN'} ${o.detail} ${o.url.replace(base, '')} (+${o.endedAt - sigtermAt} ms)`).join('\n')}\nexit ${exit.code} +${exit.at - sigtermAt} ms\n${drainLines}`;
    expect(outcomes.filter((o) => o.endedAt > sigtermAt).length, `requests still running at SIGTERM:\n${report}`).toBeGreaterThan(0);
    expect(
      outcomes.every((o) => o.complete),
      report,
    ).toBe(true);
    for (const l of late) expect(l).toBe('ECONNREFUSED');
    expect(exit.code, log.slice(-2000)).toBe(0);
    expect(exit.at - sigtermAt).toBeLessThan(20_000);
    expect(log).toContain('"msg":"drained"');
    // the demo runs without authentication, and says so at start
    expect(log).toContain('authentication off: anyone who can reach the server may read');
  }, 90_000);
});
