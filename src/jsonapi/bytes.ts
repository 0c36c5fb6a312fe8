// Text written as UTF-8 straight into Buffers, piece by piece: the output stage of a page built
// whole. Each row's text (a rope of small strings) is encoded into the response buffer as it is
// written, so no string of the page is flattened, measured and encoded again. The buffer comes from
// a pool and goes back to it once the socket has taken the bytes: a fresh buffer of a page's size
// per response costs a page fault per 4 KB on first touch, which on a VM is more than the encoding
// itself (`npm run bench:cpu` compares builds). A streamed JSON answer is written the same way into
// chunk buffers from a pool of their own (ChunkWriter), handed back when the response has finished;
// exports of every row keep string chunks, freed as the socket takes them (render.ts, CHUNK_CHARS).

/** Something text is written to, piece by piece (the renderer writes through this). */
export interface TextSink {
  write(text: string): void;
}

/** Collects the pieces as one string (the in-memory callers and tests). */
export class StringSink implements TextSink {
  private readonly parts: string[] = [];
  write(text: string): void {
    this.parts.push(text);
  }
  text(): string {
    return this.parts.join('');
  }
}

const MIN_CLASS = 64 * 1024;

/** Reusable Buffers in power-of-two size classes, retaining at most `maxBytes` in all. */
export class BufferPool {
  private readonly free = new Map<number, Buffer[]>();
  private retained = 0;

  constructor(
    private readonly maxBytes = 16 * 1024 * 1024,
    private readonly perClass = 4,
  ) {}

  static classOf(bytes: number): number {
    let c = MIN_CLASS;
    while (c < bytes) c *= 2;
    return c;
  }

  get(bytes: number): Buffer {
    const size = BufferPool.classOf(bytes);
    const buf = this.free.get(size)?.pop();
    if (buf) {
      this.retained -= size;
      return buf;
    }
    return Buffer.allocUnsafeSlow(size);
  }

  /** Takes a buffer back; the caller must not touch it (or any view of it) afterwards. */
  release(buf: Buffer): void {
    const size = buf.length;
    if (size !== BufferPool.classOf(size) || this.retained + size > this.maxBytes) return;
    const list = this.free.get(size) ?? this.free.set(size, []).get(size)!;
    if (list.length >= this.perClass) return;
    list.push(buf);
    this.retained += size;
  }

  stats(): { retainedBytes: number } {
    return { retainedBytes: this.retained };
  }
}

/**
 * 0 when `text` fits in `free` bytes, else its UTF-8 length. A UTF-16 code unit takes at most 3
 * bytes: the text is measured only when that bound does not fit.
 */
function bytesBeyond(free: number, text: string): number {
  if (free >= text.length * 3) return 0;
  const need = Buffer.byteLength(text);
  return need > free ? need : 0;
}

/** Response bodies built whole. */
export const bodyPool = new BufferPool();

/** Chunks of streamed responses: many buffers of one size, so many per class. */
export const chunkPool = new BufferPool(32 * 1024 * 1024, 256);

/** The size of a streamed chunk's buffer. */
export const CHUNK_BYTES = 256 * 1024;

/**
 * A streamed response's chunks written as UTF-8 into pooled buffers, which all go back to the pool
 * when the response has been sent (`release`). Once the response holds `maxHeldBytes` of them,
 * further chunks are written into fresh buffers the collector frees, so no page, however wide its
 * rows, holds more than that of pooled memory until it is sent.
 */
export class ChunkWriter {
  private buf: Buffer;
  private at = 0;
  private readonly held: Buffer[] = [];
  private heldBytes = 0;
  private released = false;

  constructor(
    private readonly pool: BufferPool = chunkPool,
    private readonly maxHeldBytes = 16 * 1024 * 1024,
  ) {
    this.buf = this.take(CHUNK_BYTES);
  }

  private take(bytes: number): Buffer {
    if (this.released || this.heldBytes >= this.maxHeldBytes) return Buffer.allocUnsafe(Math.max(bytes, CHUNK_BYTES));
    const b = this.pool.get(Math.max(bytes, CHUNK_BYTES));
    this.held.push(b);
    this.heldBytes += b.length;
    return b;
  }

  /** Appends `text`; returns the chunk that was full, if `text` did not fit after it. */
  write(text: string): Buffer | undefined {
    let full: Buffer | undefined;
    const need = bytesBeyond(this.buf.length - this.at, text);
    if (need) {
      full = this.at ? this.buf.subarray(0, this.at) : undefined;
      this.buf = this.take(need);
      this.at = 0;
    }
    this.at += this.buf.write(text, this.at);
    return full;
  }

  /** The bytes written since the last chunk was handed out (the rest of the stream). */
  flush(): Buffer | undefined {
    if (!this.at) return undefined;
    const out = this.buf.subarray(0, this.at);
    this.buf = this.buf.subarray(this.at);
    this.at = 0;
    if (this.buf.length < 1024) this.buf = this.take(CHUNK_BYTES);
    return out;
  }

  /** Hands every pooled buffer back (once): call when the socket has taken all the bytes. */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const b of this.held) this.pool.release(b);
    this.held.length = 0;
  }
}

/**
 * UTF-8 bytes written into one growing Buffer from a pool: it grows by taking the next size class
 * (the old one goes back).
 */
export class ByteBuilder implements TextSink {
  private buf: Buffer;
  private at = 0;
  private released = false;

  constructor(
    private readonly pool: BufferPool,
    initialBytes = MIN_CLASS,
  ) {
    this.buf = pool.get(initialBytes);
  }

  write(text: string): void {
    const need = bytesBeyond(this.buf.length - this.at, text);
    if (need) this.reserve(need);
    this.at += this.buf.write(text, this.at);
  }

  private reserve(bytes: number): void {
    const need = this.at + bytes;
    if (need <= this.buf.length) return;
    const next = this.pool.get(Math.max(need, this.buf.length * 2));
    this.buf.copy(next, 0, 0, this.at);
    this.pool.release(this.buf);
    this.buf = next;
  }

  /** The bytes written so far (a view of the builder's buffer). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.at);
  }

  /** Hands the buffer back to the pool (once, however often called): call when nothing reads `bytes()` any more. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.pool.release(this.buf);
  }
}
