// SQLite reads for the server, off the event loop: a small pool of reader processes
// (src/db/sqlite-reader-child.ts), each with its own read-only connection. A statement that runs
// past its time limit is stopped by ending its process (SQLite cannot be interrupted from
// JavaScript while it works inside one step); the pool starts a fresh one. Streams (large exports)
// may hold all processes but one, so short requests always find a reader.
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Reader, ReaderStats, ReadOptions, RowSet, Statement, StreamOptions } from './reader.js';
import { DatabaseUnavailableError, ReaderBusyError, StatementTimeoutError } from './errors.js';

const fromSources = import.meta.url.endsWith('.ts');
const CHILD = fileURLToPath(new URL(fromSources ? './sqlite-reader-child.ts' : './sqlite-reader-child.js', import.meta.url));
/** rows per message of an `all` read */
const ALL_BATCH = 8192;
/** after a reader failed to open the file, requests fail at once for this long before trying again */
const REOPEN_AFTER_MS = 1000;
/** open failures that last only while another connection holds the file (not a reason to fail fast) */
const TRANSIENT_OPEN_ERRORS = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED']);
/**
 * A statement (or stream) still running after this long is a long one: its reader drops to a lower
 * CPU priority (nice LONG_NICE) until it is done, so short requests and the event loop go first
 * when the cores are busy — an export or a heavy fold shares them with pages instead of taking turns.
 */
const LONG_AFTER_MS = 200;
const LONG_NICE = 10;

export interface SqlitePoolOptions {
  /** reader processes (default 3) */
  size?: number;
  /** default per-statement (per-batch for streams) time limit, 0 = none */
  timeoutMs?: number;
  /** requests that may wait for a reader before new ones are refused (default 256) */
  maxQueue?: number;
}

interface Batch {
  t: 'batch';
  id: number;
  columns: string[];
  rows: unknown[][];
  done: boolean;
}
type ChildMessage = { t: 'ready' } | { t: 'fatal'; code: string; message: string } | Batch | { t: 'error'; id: number; code: string; message: string };

interface Waiter {
  stream: boolean;
  resolve(slot: Slot): void;
  reject(err: Error): void;
}

/** What the slot's current statement does with the child's messages. */
interface Listener {
  onBatch(b: Batch): void;
  onError(err: Error): void;
}

class Slot {
  proc: ChildProcess | null = null;
  ready: Promise<void> | null = null;
  busy = false;
  streaming = false;
  listener: Listener | null = null;
  timer: NodeJS.Timeout | null = null;
  /** lowers the process's priority once its statement has run LONG_AFTER_MS */
  longTimer: NodeJS.Timeout | null = null;
  niced = false;
  constructor(readonly index: number) {}
}

function childError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

export class SqlitePool implements Reader {
  private readonly slots: Slot[];
  private readonly queue: Waiter[] = [];
  private readonly timeoutMs: number;
  private readonly maxQueue: number;
  private nextId = 1;
  private statements = 0;
  private closed = false;
  private fatal: { at: number; err: Error } | null = null;

  constructor(
    private readonly file: string,
    opts: SqlitePoolOptions = {},
  ) {
    this.slots = Array.from({ length: Math.max(1, opts.size ?? 3) }, (_, i) => new Slot(i));
    this.timeoutMs = opts.timeoutMs ?? 0;
    this.maxQueue = opts.maxQueue ?? 256;
  }

  /** Starts every reader; rejects when the file cannot be opened (a clear error at start). */
  async start(): Promise<void> {
    await Promise.all(this.slots.map((s) => this.spawn(s)));
  }

  private spawn(slot: Slot): Promise<void> {
    if (slot.ready) return slot.ready;
    const proc = fork(CHILD, [this.file], {
      execArgv: fromSources ? ['--import', 'tsx'] : [],
      serialization: 'json',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    slot.proc = proc;
    const ready = new Promise<void>((resolve, reject) => {
      let started = false;
      proc.on('message', (m: ChildMessage) => {
        if (slot.proc !== proc) return; // a replaced process (ended at a time limit)
        if (m.t === 'ready') {
          started = true;
          this.fatal = null;
          resolve();
        } else if (m.t === 'fatal') {
          const err = new DatabaseUnavailableError(`the SQLite database cannot be opened: ${m.message}`);
          // a file locked by a writer opens again as soon as the lock goes: only a broken or
          // missing file makes the next requests fail at once
          if (!TRANSIENT_OPEN_ERRORS.has(m.code)) this.fatal = { at: Date.now(), err };
          reject(err);
        } else if (m.t === 'batch') {
          slot.listener?.onBatch(m);
        } else if (m.t === 'error') {
          this.clearTimer(slot);
          slot.listener?.onError(childError(m.code, m.message));
        }
      });
      proc.on('error', (err) => {
        if (!started) reject(new DatabaseUnavailableError(`a SQLite reader could not start: ${err.message}`));
      });
      proc.on('exit', (code, signal) => {
        if (!started) reject(this.fatal?.err ?? new DatabaseUnavailableError(`a SQLite reader exited at start (${signal ?? `code ${code}`})`));
        if (slot.proc !== proc) return;
        this.detach(slot);
        const l = slot.listener;
        slot.listener = null;
        // a reader that dies under a statement (crash, out of memory, killed) fails that statement only
        l?.onError(new DatabaseUnavailableError(`the SQLite reader stopped (${signal ?? `code ${code}`})`));
      });
    });
    slot.ready = ready;
    ready.catch(() => {
      if (slot.proc === proc) this.detach(slot);
    });
    return ready;
  }

  /** Forgets the slot's process (the next statement on this slot starts a new one). */
  private detach(slot: Slot): ChildProcess | null {
    const p = slot.proc;
    this.clearTimer(slot);
    if (slot.longTimer) clearTimeout(slot.longTimer);
    slot.longTimer = null;
    slot.niced = false;
    slot.proc = null;
    slot.ready = null;
    return p;
  }

  private clearTimer(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
  }

  /** Sends a message that expects a batch back within the time limit; ends the process otherwise. */
  private request(slot: Slot, msg: object, timeoutMs: number): void {
    this.clearTimer(slot);
    if (timeoutMs > 0) {
      slot.timer = setTimeout(() => {
        slot.timer = null;
        const l = slot.listener;
        slot.listener = null;
        this.detach(slot)?.kill('SIGKILL');
        l?.onError(new StatementTimeoutError(timeoutMs));
      }, timeoutMs);
    }
    slot.proc!.send(msg as import('node:child_process').Serializable);
  }

  private async acquire(stream: boolean): Promise<Slot> {
    if (this.closed) throw new DatabaseUnavailableError('the database connection is closed');
    if (this.fatal && Date.now() - this.fatal.at < REOPEN_AFTER_MS) throw this.fatal.err;
    const slot = this.freeSlot(stream);
    if (slot) return this.ready(slot);
    if (this.queue.length >= this.maxQueue) throw new ReaderBusyError();
    const got = await new Promise<Slot>((resolve, reject) => this.queue.push({ stream, resolve, reject }));
    return this.ready(got);
  }

  private freeSlot(stream: boolean): Slot | undefined {
    if (stream && this.slots.filter((s) => s.streaming).length >= Math.max(1, this.slots.length - 1)) return undefined;
    const slot = this.slots.find((s) => !s.busy && s.proc) ?? this.slots.find((s) => !s.busy);
    if (!slot) return undefined;
    slot.busy = true;
    slot.streaming = stream;
    return slot;
  }

  private async ready(slot: Slot): Promise<Slot> {
    try {
      await this.spawn(slot);
      return slot;
    } catch (err) {
      this.release(slot);
      throw err;
    }
  }

  /** Counts the statement as long after LONG_AFTER_MS: its reader yields the CPU to the others. */
  private watchLong(slot: Slot): void {
    if (slot.longTimer) return;
    slot.longTimer = setTimeout(() => {
      slot.longTimer = null;
      const pid = slot.proc?.pid;
      if (pid === undefined || !slot.busy) return;
      try {
        os.setPriority(pid, LONG_NICE);
        slot.niced = true;
      } catch {
        // not allowed here: the statement keeps its priority
      }
    }, LONG_AFTER_MS);
    slot.longTimer.unref();
  }

  /** Back to the normal priority; where raising it again is not allowed, a fresh reader instead. */
  private restorePriority(slot: Slot): void {
    if (slot.longTimer) clearTimeout(slot.longTimer);
    slot.longTimer = null;
    if (!slot.niced) return;
    slot.niced = false;
    const proc = slot.proc;
    if (!proc?.pid) return;
    try {
      os.setPriority(proc.pid, 0);
    } catch {
      this.detach(slot);
      proc.kill('SIGTERM');
      void this.spawn(slot).catch(() => undefined);
    }
  }

  private release(slot: Slot): void {
    this.restorePriority(slot);
    slot.busy = false;
    slot.streaming = false;
    slot.listener = null;
    this.clearTimer(slot);
    for (let i = 0; i < this.queue.length; i++) {
      const w = this.queue[i];
      const free = this.freeSlot(w.stream);
      if (!free) continue;
      this.queue.splice(i, 1);
      w.resolve(free);
      return;
    }
  }

  async all(stmt: Statement, opts: ReadOptions = {}): Promise<RowSet> {
    if (!opts.internal) this.statements++;
    const slot = await this.acquire(false);
    const id = this.nextId++;
    try {
      return await new Promise<RowSet>((resolve, reject) => {
        let columns: string[] = [];
        const rows: unknown[][] = [];
        const timeout = opts.timeoutMs ?? this.timeoutMs;
        slot.listener = {
          onBatch: (b) => {
            if (b.id !== id) return;
            columns = b.columns;
            for (const r of b.rows) rows.push(r);
            // the time limit covers the whole statement: the timer runs until the last batch
            if (b.done) {
              this.clearTimer(slot);
              resolve({ columns, rows });
            }
          },
          onError: reject,
        };
        this.request(slot, { t: 'open', id, sql: stmt.sql, bindings: stmt.bindings, batch: ALL_BATCH, all: true }, timeout);
        this.watchLong(slot);
      });
    } finally {
      this.release(slot);
    }
  }

  async *stream(stmt: Statement, opts: StreamOptions): AsyncIterable<RowSet> {
    this.statements++;
    const slot = await this.acquire(true);
    const id = this.nextId++;
    const timeout = opts.timeoutMs ?? this.timeoutMs;
    let done = false;
    try {
      let next: Promise<Batch> = this.nextBatch(slot, id, { t: 'open', id, sql: stmt.sql, bindings: stmt.bindings, batch: Math.max(1, opts.batchRows), all: false }, timeout);
      this.watchLong(slot);
      while (!done) {
        const b = await next;
        done = b.done;
        // ask for the next batch while the consumer handles this one
        if (!done) next = this.nextBatch(slot, id, { t: 'more', id }, timeout);
        yield { columns: b.columns, rows: b.rows };
      }
    } finally {
      if (!done && slot.proc) {
        // the consumer stopped early: let the batch in flight arrive, then release the statement
        if (slot.listener) {
          await new Promise<void>((resolve) => {
            slot.listener = {
              onBatch: () => {
                this.clearTimer(slot);
                resolve();
              },
              onError: () => resolve(),
            };
          });
        }
        slot.proc?.send({ t: 'close', id });
      }
      this.release(slot);
    }
  }

  private nextBatch(slot: Slot, id: number, msg: object, timeout: number): Promise<Batch> {
    const p = new Promise<Batch>((resolve, reject) => {
      slot.listener = {
        onBatch: (b) => {
          if (b.id !== id) return;
          this.clearTimer(slot);
          slot.listener = null;
          resolve(b);
        },
        onError: (err) => {
          slot.listener = null;
          reject(err);
        },
      };
    });
    this.request(slot, msg, timeout);
    // a batch nobody awaits (the consumer stopped) must not become an unhandled rejection
    p.catch(() => {});
    return p;
  }

  async ping(opts: ReadOptions = {}): Promise<void> {
    await this.all({ sql: 'select 1', bindings: [] }, { timeoutMs: opts.timeoutMs ?? 2000, internal: true });
  }

  stats(): ReaderStats {
    return {
      dialect: 'sqlite',
      size: this.slots.length,
      busy: this.slots.filter((s) => s.busy).length,
      queued: this.queue.length,
      statements: this.statements,
      long: this.slots.filter((s) => s.niced).length,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.queue.splice(0)) w.reject(new DatabaseUnavailableError('the database connection is closed'));
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            const p = s.proc;
            if (!p || p.exitCode !== null) return resolve();
            p.once('exit', () => resolve());
            p.kill('SIGTERM');
          }),
      ),
    );
  }
}
