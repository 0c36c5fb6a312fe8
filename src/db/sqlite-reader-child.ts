// One SQLite reader process of the pool (src/db/sqlite-pool.ts). It opens the file read-only and
// answers one statement at a time over the IPC channel:
//   → {t:'open', id, sql, bindings, batch, all}   prepare and start iterating
//   → {t:'more', id}                               the next batch of an open stream
//   → {t:'close', id}                              abandon an open stream
//   ← {t:'ready'} | {t:'fatal', code, message}     after opening the file
//   ← {t:'batch', id, columns, rows, done}         rows as arrays; `all` sends every batch unasked
//   ← {t:'error', id, code, message}
// The pool ends this process to stop a statement that ran past its time limit: SQLite cannot be
// interrupted from JavaScript while it works inside a single step.
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as typeof BetterSqlite3;

interface Open {
  t: 'open';
  id: number;
  sql: string;
  bindings: unknown[];
  batch: number;
  all: boolean;
}
type Message = Open | { t: 'more'; id: number } | { t: 'close'; id: number };

const send = (m: unknown) => process.send!(m);
const file = process.argv[2];

let db: BetterSqlite3.Database;
try {
  db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 2000');
  // a damaged or foreign file fails here rather than on the first request
  db.prepare('select count(*) from sqlite_schema').get();
} catch (err) {
  const e = err as { code?: string; message?: string };
  send({ t: 'fatal', code: e.code ?? 'SQLITE_CANTOPEN', message: e.message ?? String(err) });
  process.exit(3);
}

const statements = new Map<string, BetterSqlite3.Statement>();
function prepare(sql: string): BetterSqlite3.Statement {
  let s = statements.get(sql);
  if (!s) {
    s = db.prepare(sql);
    if (!s.reader) throw Object.assign(new Error('only statements that return rows are allowed'), { code: 'OMSAGG_NOT_A_QUERY' });
    s.raw(true);
    if (statements.size >= 256) statements.delete(statements.keys().next().value as string);
    statements.set(sql, s);
  }
  return s;
}

interface Cursor {
  it: IterableIterator<unknown[]>;
  columns: string[];
  batch: number;
}
const cursors = new Map<number, Cursor>();

/** Sends the next batch; returns false when the statement is finished. */
function sendBatch(id: number, c: Cursor): boolean {
  const rows: unknown[][] = [];
  for (;;) {
    const r = c.it.next();
    if (r.done) {
      cursors.delete(id);
      send({ t: 'batch', id, columns: c.columns, rows, done: true });
      return false;
    }
    rows.push(r.value);
    if (rows.length >= c.batch) {
      send({ t: 'batch', id, columns: c.columns, rows, done: false });
      return true;
    }
  }
}

function fail(id: number, err: unknown): void {
  const c = cursors.get(id);
  cursors.delete(id);
  try {
    c?.it.return?.();
  } catch {
    // already finished
  }
  const e = err as { code?: string; message?: string };
  send({ t: 'error', id, code: e.code ?? 'SQLITE_ERROR', message: e.message ?? String(err) });
}

process.on('message', (m: Message) => {
  try {
    if (m.t === 'open') {
      const stmt = prepare(m.sql);
      const c: Cursor = { it: stmt.iterate(...m.bindings) as IterableIterator<unknown[]>, columns: stmt.columns().map((col) => col.name), batch: m.batch };
      cursors.set(m.id, c);
      if (m.all) while (sendBatch(m.id, c));
      else sendBatch(m.id, c);
    } else if (m.t === 'more') {
      const c = cursors.get(m.id);
      if (c) sendBatch(m.id, c);
    } else if (m.t === 'close') {
      const c = cursors.get(m.id);
      cursors.delete(m.id);
      c?.it.return?.();
    }
  } catch (err) {
    fail(m.id, err);
  }
});
process.on('disconnect', () => process.exit(0));
send({ t: 'ready' });
