// Plain HTTP for the harness (node:http, no keep-alive): one request with its text, and a streamed
// request whose rows are counted on the fly (CSV lines, or the objects of a JSON array) so that a
// 1M-row export is checked for truncation without holding it in memory.
import http from 'node:http';

export interface TextResponse {
  status: number;
  text: string;
  ms: number;
  headers: http.IncomingHttpHeaders;
}

export function fetchText(url: string, timeoutMs: number): Promise<TextResponse> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${url}`)));
    req.on('error', reject);
  });
}

export async function fetchJson<T = unknown>(url: string, timeoutMs = 60_000): Promise<{ status: number; body: T; ms: number; headers: http.IncomingHttpHeaders }> {
  const r = await fetchText(url, timeoutMs);
  let body: T;
  try {
    body = JSON.parse(r.text) as T;
  } catch {
    throw new Error(`${url}: HTTP ${r.status}, not JSON: ${r.text.slice(0, 200)}`);
  }
  return { status: r.status, body, ms: r.ms, headers: r.headers };
}

/** Counts data rows in a CSV stream: newlines outside quotes, less the header line. */
export class CsvRowCounter {
  private lines = 0;
  private inQuotes = false;
  private pending = false;
  push(b: Buffer): void {
    let q = this.inQuotes;
    let n = 0;
    for (let i = 0; i < b.length; i++) {
      const c = b[i];
      if (c === 0x22) q = !q;
      else if (c === 0x0a && !q) n++;
    }
    this.inQuotes = q;
    this.lines += n;
    if (b.length) this.pending = b[b.length - 1] !== 0x0a;
  }
  rows(): number {
    return Math.max(0, this.lines + (this.pending ? 1 : 0) - 1);
  }
}

/**
 * Counts the objects of one JSON array in a stream: the top-level array (`mode: 'array'`,
 * Platformatic) or the array under the top-level key "data" (`mode: 'data'`, JSON:API).
 */
export class JsonRowCounter {
  private stack: number[] = []; // 1 = object, 2 = array
  private inString = false;
  private escape = false;
  private key = '';
  private lastKey = '';
  private target = -1; // stack depth of the counted array; -2 once it closed
  private n = 0;
  constructor(private readonly mode: 'array' | 'data') {}
  push(b: Buffer): void {
    const stack = this.stack;
    for (let i = 0; i < b.length; i++) {
      const c = b[i];
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === 0x5c) this.escape = true;
        else if (c === 0x22) {
          this.inString = false;
          if (stack.length === 1) this.lastKey = this.key;
        } else if (stack.length === 1 && this.key.length < 16) this.key += String.fromCharCode(c);
        continue;
      }
      if (c === 0x22) {
        this.inString = true;
        this.key = '';
      } else if (c === 0x7b || c === 0x5b) {
        if (this.target > 0 && stack.length === this.target && c === 0x7b) this.n++;
        stack.push(c === 0x7b ? 1 : 2);
        if (this.target === -1 && c === 0x5b) {
          if (this.mode === 'array' && stack.length === 1) this.target = 1;
          else if (this.mode === 'data' && stack.length === 2 && stack[0] === 1 && this.lastKey === 'data') this.target = 2;
        }
      } else if (c === 0x7d || c === 0x5d) {
        if (stack.length === this.target) this.target = -2;
        stack.pop();
      }
    }
  }
  rows(): number {
    return this.n;
  }
}

export interface StreamResult {
  status: number;
  bytes: number;
  rows: number;
  /** time to the last byte */
  ms: number;
  firstByteMs: number;
  error?: string;
  /** the start of the body when the status is not 200 */
  errorBody?: string;
}

/** Streams url, counting rows; aborts after timeoutMs or on signal. */
export function streamRows(url: string, counter: { push(b: Buffer): void; rows(): number }, timeoutMs: number, signal?: AbortSignal): Promise<StreamResult> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let firstByteMs = 0;
    let bytes = 0;
    let status = 0;
    let errorBody = '';
    let done = false;
    const finish = (error?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve({ status, bytes, rows: counter.rows(), ms: performance.now() - t0, firstByteMs, ...(error ? { error } : {}), ...(errorBody ? { errorBody } : {}) });
    };
    const req = http.get(url, { agent: false }, (res) => {
      status = res.statusCode ?? 0;
      res.on('data', (c: Buffer) => {
        if (!firstByteMs) firstByteMs = performance.now() - t0;
        bytes += c.length;
        if (status === 200) counter.push(c);
        else if (errorBody.length < 500) errorBody += c.toString('utf8');
      });
      res.on('end', () => finish(res.complete ? undefined : 'connection closed before the end of the response'));
      res.on('error', (e) => finish(e.message));
      res.on('close', () => finish(res.complete ? undefined : 'connection closed before the end of the response'));
    });
    const timer = setTimeout(() => {
      finish(`timed out after ${timeoutMs / 1000} s`);
      req.destroy();
    }, timeoutMs);
    function onAbort() {
      finish('aborted');
      req.destroy();
    }
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e) => finish(e.message));
  });
}
