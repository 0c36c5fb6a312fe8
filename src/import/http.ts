// The harvester's HTTP client: GET a JSON document from the source with a request-rate limit, a
// per-request time limit, and retries with exponential backoff (with jitter) on 429, 5xx, time-outs
// and broken connections, honouring Retry-After. A bearer token is renewed once on a 401.
// node:http/https directly: a custom CA bundle is an https.Agent option, and every failure mode
// (reset, hang-up, truncated body) surfaces as an error this code classifies.
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import type { TokenProvider } from './auth.js';

export interface HttpOptions {
  /** per request, ms (connect to last byte) */
  timeoutMs: number;
  /** retries after the first attempt */
  retries: number;
  /** first backoff, ms; doubles per retry up to maxDelayMs */
  baseDelayMs: number;
  maxDelayMs: number;
  /** at most this many requests per second (0: unlimited) */
  ratePerSecond: number;
  /** PEM CA bundle for https sources */
  ca?: Buffer;
  auth?: TokenProvider;
  signal?: AbortSignal;
  /** called before each retry (progress and the summary count them) */
  onRetry?: (info: { url: string; attempt: number; delayMs: number; reason: string }) => void;
}

export const DEFAULT_HTTP: HttpOptions = { timeoutMs: 60_000, retries: 5, baseDelayMs: 1000, maxDelayMs: 60_000, ratePerSecond: 5 };

/** A response the source gave and a retry cannot change (400, 403, 404, …), or retries exhausted. */
export class SourceError extends Error {
  constructor(
    readonly code: 'source_status' | 'source_unavailable' | 'source_invalid' | 'source_tls',
    message: string,
    readonly status?: number,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

class Retryable extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const RETRY_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Retry-After: delta seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class SourceClient {
  private readonly o: HttpOptions;
  private readonly agents: { http: http.Agent; https: https.Agent };
  private nextSlot = 0;
  /** requests sent, retries made (for the summary) */
  readonly stats = { requests: 0, retries: 0, bytes: 0 };

  constructor(o: Partial<HttpOptions> = {}) {
    this.o = { ...DEFAULT_HTTP, ...o };
    this.agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true, ca: this.o.ca }) };
  }

  private closed = false;

  close(): void {
    this.closed = true;
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** Waits for the next request slot of the rate limit. */
  private async slot(): Promise<void> {
    if (!this.o.ratePerSecond) return;
    const now = Date.now();
    const at = Math.max(now, this.nextSlot);
    this.nextSlot = at + 1000 / this.o.ratePerSecond;
    if (at > now) await sleep(at - now, this.o.signal);
  }

  private once(url: string, headers: Record<string, string>): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const u = new URL(url);
      const lib = u.protocol === 'https:' ? https : http;
      const req = lib.request(
        u,
        {
          method: 'GET',
          headers: { accept: 'application/vnd.api+json, application/json', 'accept-encoding': 'gzip, deflate', ...headers },
          agent: u.protocol === 'https:' ? this.agents.https : this.agents.http,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => reject(new Retryable(`response broken: ${err.message}`)));
          res.on('aborted', () => reject(new Retryable('connection dropped during the response')));
          res.on('end', () => {
            if (!res.complete) return reject(new Retryable('connection dropped during the response'));
            let body = Buffer.concat(chunks);
            try {
              const enc = res.headers['content-encoding'];
              if (enc === 'gzip') body = zlib.gunzipSync(body);
              else if (enc === 'deflate') body = zlib.inflateSync(body);
            } catch (err) {
              return reject(new Retryable(`undecodable ${res.headers['content-encoding']} body: ${(err as Error).message}`));
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
          });
        },
      );
      req.setTimeout(this.o.timeoutMs, () => req.destroy(new Retryable(`no answer within ${this.o.timeoutMs} ms`)));
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (err instanceof Retryable) return reject(err);
        // a certificate the CA bundle does not vouch for will not change on a retry
        if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(err.code ?? '')) return reject(new SourceError('source_tls', `${url}: ${err.code}: ${err.message} (give the CA bundle with --ca)`));
        reject(new Retryable(`${err.code ?? 'request failed'}: ${err.message}`));
      });
      const onAbort = () => req.destroy(this.o.signal!.reason as Error);
      this.o.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => this.o.signal?.removeEventListener('abort', onAbort));
      req.end();
    });
  }

  /** GET url → parsed JSON of a 2xx answer. Throws SourceError for a final failure. */
  async getJson(url: string): Promise<unknown> {
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      await this.slot();
      let failure: Retryable;
      try {
        const headers: Record<string, string> = {};
        if (this.o.auth) headers.authorization = `Bearer ${await this.o.auth.token()}`;
        this.stats.requests++;
        const res = await this.once(url, headers);
        this.stats.bytes += res.body.length;
        if (res.status === 401 && this.o.auth && !renewed) {
          // the token expired or was revoked: renew it once, then a second 401 is final
          renewed = true;
          this.o.auth.invalidate();
          attempt--;
          continue;
        }
        if (res.status >= 200 && res.status < 300) {
          try {
            return JSON.parse(res.body.toString('utf8'));
          } catch {
            failure = new Retryable(`answer ${res.status} is not JSON (${res.body.length} bytes)`);
          }
        } else if (RETRY_STATUS.has(res.status)) {
          failure = new Retryable(`HTTP ${res.status}`, retryAfterMs(res.headers['retry-after']));
        } else {
          let body: unknown;
          try {
            body = JSON.parse(res.body.toString('utf8'));
          } catch {
            body = res.body.toString('utf8').slice(0, 500);
          }
          throw new SourceError('source_status', `${url}: HTTP ${res.status}${errorDetail(body)}`, res.status, body);
        }
      } catch (err) {
        if (this.o.signal?.aborted) throw this.o.signal.reason;
        if (!(err instanceof Retryable)) throw err;
        failure = err;
      }
      if (this.closed) throw new SourceError('source_unavailable', `${url}: the import stopped`);
      if (attempt >= this.o.retries) {
        throw new SourceError('source_unavailable', `${url}: ${failure.message}; gave up after ${attempt + 1} attempts`);
      }
      const backoff = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** attempt);
      // "equal jitter" (half fixed, half random) so that parallel harvesters spread out, but never
      // sooner than the server asked
      const delayMs = Math.max(failure.retryAfterMs ?? 0, Math.round(backoff / 2 + (Math.random() * backoff) / 2));
      this.stats.retries++;
      this.o.onRetry?.({ url, attempt: attempt + 1, delayMs, reason: failure.message });
      await sleep(delayMs, this.o.signal);
    }
  }
}

function errorDetail(body: unknown): string {
  const e = (body as { errors?: { code?: string; detail?: string; title?: string }[] } | null)?.errors?.[0];
  return e ? ` (${[e.code, e.detail ?? e.title].filter(Boolean).join(': ')})` : '';
}
