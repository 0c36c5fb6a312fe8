// An in-process HTTP proxy in front of a source that misbehaves on schedule: every Nth request
// fails in turn with a 500, a 503 with Retry-After, a connection dropped half-way through the
// body, or an answer slower than the importer's time limit. It counts what it did.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'ok' | '500' | '503' | 'drop' | 'slow';

export interface FaultyProxy {
  /** the source's API base as seen through the proxy */
  base: string;
  stats: Record<Fault, number> & { requests: number };
  /** the paths+queries it was asked, in order */
  seen: string[];
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** which fault the n-th request (1-based) gets */
  schedule: (n: number) => Fault;
  /** how long a slow answer waits before it starts, ms */
  slowMs?: number;
  /** every answer waits this long first, ms (to slow an import down for a kill) */
  delayMs?: number;
  retryAfterSeconds?: number;
}

/** Every `every`-th request fails, cycling through 500, 503+Retry-After, drop, slow. */
export function everyNth(every: number): (n: number) => Fault {
  const faults: Fault[] = ['500', '503', 'drop', 'slow'];
  return (n) => (n % every === 0 ? faults[(n / every - 1) % faults.length] : 'ok');
}

export async function faultyProxy(sourceBase: string, o: ProxyOptions): Promise<FaultyProxy> {
  const upstream = new URL(sourceBase);
  const stats = { requests: 0, ok: 0, '500': 0, '503': 0, drop: 0, slow: 0 };
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const n = ++stats.requests;
    const fault = o.schedule(n);
    stats[fault]++;
    seen.push(req.url ?? '');
    const forward = () => {
      const up = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } }, (ur) => {
        if (fault !== 'drop') {
          res.writeHead(ur.statusCode ?? 502, ur.headers);
          ur.pipe(res);
          return;
        }
        // the whole answer announced, half of it sent, then the connection cut
        const chunks: Buffer[] = [];
        ur.on('data', (c: Buffer) => chunks.push(c));
        ur.on('end', () => {
          const body = Buffer.concat(chunks);
          const headers = { ...ur.headers, 'content-length': String(body.length) };
          delete headers['transfer-encoding'];
          res.writeHead(ur.statusCode ?? 200, headers);
          res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
        });
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    };
    const act = () => {
      if (fault === '500') {
        res.writeHead(500, { 'content-type': 'application/vnd.api+json' });
        res.end(JSON.stringify({ errors: [{ status: '500', code: 'internal', title: 'Internal error', detail: 'injected by the test proxy' }] }));
      } else if (fault === '503') {
        res.writeHead(503, { 'content-type': 'application/vnd.api+json', 'retry-after': String(o.retryAfterSeconds ?? 1) });
        res.end(JSON.stringify({ errors: [{ status: '503', code: 'unavailable', title: 'Unavailable', detail: 'injected by the test proxy' }] }));
      } else if (fault === 'slow') {
        const t = setTimeout(forward, o.slowMs ?? 2000);
        res.on('close', () => clearTimeout(t));
      } else forward();
    };
    if (o.delayMs) setTimeout(act, o.delayMs);
    else act();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}${upstream.pathname}`,
    stats,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
