// HTTP validators, freshness and a bounded response cache for answers about closed runs.
//   ETag           strong, from the normalised request and the version of the data it reads
//                  (src/http/versions.ts): the same in every replica, known before any query runs
//   If-None-Match  a match is answered 304 without running the query
//   Cache-Control  final answers (closed runs) long and immutable; live ones revalidate every time
//   cache          closed-run answers kept compressed (brotli) in memory, keyed like the ETag, so
//                  two spellings of one query share an entry; bounded by bytes, least recently used out
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DataVersions, Scope } from './versions.js';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);
const unbrotli = promisify(zlib.brotliDecompress);

export interface CachingOptions {
  /** max-age of final answers (closed runs), seconds */
  finalMaxAge: number;
  /** max-age of closed-run answers omsagg may still revise (anomaly scores), seconds */
  revisableMaxAge: number;
  /** bytes of compressed answers kept in memory (0: no cache) */
  cacheBytes: number;
  /** largest answer (uncompressed) worth keeping */
  maxEntryBytes: number;
}

/** What the routes need to answer conditionally: the data versions, the cache and its settings. */
export interface HttpCaching {
  versions: DataVersions;
  cache: ResponseCache;
  options: CachingOptions;
}

export const DEFAULT_CACHING: CachingOptions = { finalMaxAge: 86_400, revisableMaxAge: 60, cacheBytes: 64 << 20, maxEntryBytes: 8 << 20 };

export function etagOf(parts: readonly string[]): string {
  return `"${crypto.createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 27)}"`;
}

/** RFC 9110: If-None-Match is a list of entity tags or `*`; weak comparison. */
export function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => strip(t) === etag);
}

export function cacheControlOf(scope: Scope, final: boolean, o: CachingOptions): string {
  if (!scope.closed) return 'public, no-cache';
  return final ? `public, max-age=${o.finalMaxAge}, immutable` : `public, max-age=${o.revisableMaxAge}`;
}

interface Entry {
  /** the answer as sent, until its compressed form is ready */
  raw?: Buffer;
  br?: Buffer;
  gzip?: Buffer;
  type: string;
  headers: Record<string, string>;
  size: number;
}

/** Least-recently-used map of compressed answers, bounded by their compressed size. */
export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly o: CachingOptions) {}

  get(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (!e) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e;
  }

  /** Whether an answer of this many bytes would be kept (the cache is on and it is not too large). */
  keeps(bytes: number): boolean {
    return this.o.cacheBytes > 0 && bytes <= this.o.maxEntryBytes;
  }

  /** Keeps an answer: at once as it is (so the next identical request finds it), then compressed. */
  async put(key: string, body: Buffer | string, type: string, headers: Record<string, string> = {}): Promise<void> {
    const raw = typeof body === 'string' ? Buffer.from(body) : body;
    const size = raw.length;
    if (!this.keeps(size)) return;
    const entry: Entry = { raw, type, headers, size };
    this.store(key, entry);
    const br = await brotli(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 6, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size } });
    if (this.entries.get(key) !== entry) return;
    this.bytes += br.length - entry.size;
    entry.br = br;
    entry.size = br.length;
    entry.raw = undefined;
  }

  private store(key: string, entry: Entry): void {
    const old = this.entries.get(key);
    if (old) this.bytes -= old.size;
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.bytes += entry.size;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.o.cacheBytes) break;
      this.entries.delete(k);
      this.bytes -= e.size;
    }
  }

  stats() {
    return { entries: this.entries.size, bytes: this.bytes, hits: this.hits, misses: this.misses };
  }

  /** Sends an entry in the encoding the client accepts (brotli as stored, else gzip, else plain). */
  async send(req: FastifyRequest, reply: FastifyReply, e: Entry): Promise<FastifyReply> {
    const accept = String(req.headers['accept-encoding'] ?? '');
    const accepts = (enc: string) => new RegExp(`(^|[,\\s])(${enc}|\\*)(\\s*;\\s*q=(?!0(\\.0*)?\\b)[0-9.]+)?\\s*(,|$)`, 'i').test(accept);
    reply.type(e.type);
    for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
    // still being compressed: sent as it is (the compression plugin encodes it as usual)
    if (!e.br) return reply.send(e.raw);
    if (accepts('br')) return reply.header('content-encoding', 'br').send(e.br);
    if (accepts('gzip')) {
      if (!e.gzip) {
        e.gzip = await gzip(await unbrotli(e.br));
        e.size += e.gzip.length;
        this.bytes += e.gzip.length;
      }
      return reply.header('content-encoding', 'gzip').send(e.gzip);
    }
    return reply.send(await unbrotli(e.br));
  }
}
