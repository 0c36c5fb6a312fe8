// The SQLite read path: reader processes off the event loop. A statement past its time limit is
// really stopped (its process ends, a fresh one serves the next statement) and answers the same
// 503 statement_timeout as PostgreSQL; a slow statement does not delay other requests; a stream
// the consumer leaves early gives its reader back.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDb, type Db } from '../../src/db/connection.js';
import { StatementTimeoutError } from '../../src/db/errors.js';
import { SqlitePool } from '../../src/db/sqlite-pool.js';
import { testDatabase } from '../helpers/databases.js';

const file = () => testDatabase('sqlite').url.slice('sqlite:'.length);
/** a statement that keeps SQLite busy inside a single step for a few seconds */
const busy = (n: number) => ({ sql: `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${n}) SELECT count(*) FROM c`, bindings: [] });

describe('SQLite reader processes', () => {
  let pool: SqlitePool;
  beforeAll(async () => {
    pool = new SqlitePool(file(), { size: 2 });
    await pool.start();
  });
  afterAll(async () => pool?.close());

  it('stops a statement at its time limit and serves the next one from a fresh process', async () => {
    const t0 = Date.now();
    await expect(pool.all(busy(1e9), { timeoutMs: 300 })).rejects.toBeInstanceOf(StatementTimeoutError);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect((await pool.all({ sql: 'select count(*) from v_runs', bindings: [] })).rows[0][0]).toBeGreaterThan(0);
    expect(pool.stats()).toMatchObject({ busy: 0, queued: 0 });
  });

  it('answers a short statement while a long one runs', async () => {
    const order: string[] = [];
    const long = pool.all(busy(1e7)).then(() => order.push('long'));
    await new Promise((r) => setTimeout(r, 50));
    await pool.all({ sql: 'select 1', bindings: [] }).then(() => order.push('short'));
    await long;
    expect(order).toEqual(['short', 'long']);
  });

  it('lowers the CPU priority of a long statement while it runs, and restores it after', async () => {
    const { execFileSync } = await import('node:child_process');
    const nices = () =>
      execFileSync('ps', ['-o', 'ni=', '--ppid', String(process.pid)], { encoding: 'utf8' })
        .split('\n')
        .map((x) => x.trim())
        .filter(Boolean)
        .map(Number);
    const long = pool.all(busy(3e7), { timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 600));
    expect(pool.stats().long).toBe(1);
    expect(nices()).toContain(10);
    await long;
    expect(pool.stats().long).toBe(0);
    expect(nices().every((n) => n === 0)).toBe(true);
    // a short statement never counts as long
    await pool.all({ sql: 'select 1', bindings: [] });
    expect(pool.stats().long).toBe(0);
  });

  it('gives the reader back when the consumer of a stream stops early', async () => {
    let batches = 0;
    for await (const b of pool.stream({ sql: 'select * from v_lumisections', bindings: [] }, { batchRows: 10 })) {
      expect(b.rows).toHaveLength(10);
      if (++batches === 3) break;
    }
    expect(pool.stats().busy).toBe(0);
    expect((await pool.all({ sql: 'select count(*) from v_lumisections', bindings: [] })).rows[0][0]).toBeGreaterThan(30);
  });

  it('a reader that could not open a file locked by a writer opens it as soon as the lock goes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-lock-'));
    const locked = path.join(dir, 'locked.sqlite');
    fs.copyFileSync(file(), locked);
    const writer = new Database(locked);
    const p = new SqlitePool(locked, { size: 1 });
    try {
      writer.pragma('journal_mode = DELETE');
      writer.exec('BEGIN EXCLUSIVE');
      writer.exec("INSERT INTO omsagg_meta (key, value) VALUES ('lock_probe', 'x')");
      // the reader's open waits out its busy timeout, then fails: a 503 for this request
      await expect(p.all({ sql: 'select count(*) from v_runs', bindings: [] })).rejects.toThrow(/cannot be opened/);
      writer.exec('ROLLBACK');
      // at once after the lock goes (no fail-fast window as for a broken file)
      expect((await p.all({ sql: 'select count(*) from v_runs', bindings: [] })).rows[0][0]).toBeGreaterThan(0);
    } finally {
      if (writer.inTransaction) writer.exec('ROLLBACK');
      writer.close();
      await p.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports SQL errors with their code and a file it cannot open at start', async () => {
    await expect(pool.all({ sql: 'select * from no_such_view', bindings: [] })).rejects.toMatchObject({ code: 'SQLITE_ERROR' });
    const missing = new SqlitePool('/nonexistent/omsagg.sqlite', { size: 1 });
    await expect(missing.start()).rejects.toMatchObject({ status: 503, code: 'database_unavailable' });
    await missing.close();
  });
});

describe('the server on SQLite', () => {
  let db: Db;
  let app: FastifyInstance;
  beforeAll(async () => {
    db = await openDb(testDatabase('sqlite').url, { readonly: true, statementTimeoutMs: 30_000 });
    app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), { db, logger: false });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  // the slow request sorts and counts every HLT rate of the demo (~2 s on a quiet machine, an unindexed order)
  it('answers /health and a page while a slow request runs', async () => {
    const order: string[] = [];
    const slow = app.inject('/api/v1/hltpathrates?count=exact&filter[rate][GT]=-1&sort=-counter,path_name&page[limit]=1').then((r) => order.push(`slow ${r.statusCode}`));
    await new Promise((r) => setTimeout(r, 20));
    const [health, page] = await Promise.all([app.inject('/health'), app.inject('/api/v1/runs?page[limit]=5')]);
    order.push(`others ${health.statusCode} ${page.statusCode}`);
    await slow;
    expect(order).toEqual(['others 200 200', 'slow 200']);
  });

  it('a query past the statement time limit is a clean 503 statement_timeout', async () => {
    const slowDb = await openDb(testDatabase('sqlite').url, { readonly: true, statementTimeoutMs: 5 });
    const app2 = await buildApp(loadConfig({ LOG_LEVEL: 'silent', OMSAGG_STATEMENT_TIMEOUT_MS: '5' }), { db: slowDb, logger: false });
    const res = await app2.inject('/api/v1/hltpathrates?group[granularity]=lumisection&filter[path_group][EQ]=jet&count=exact');
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.json().errors[0]).toMatchObject({ status: '503', code: 'statement_timeout' });
    expect(res.body).not.toMatch(/select|v_hltpathrates/i);
    await app2.close();
    await slowDb.close();
  });

  it('releases the readers of streamed answers whose clients left, even before the first byte', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as net.AddressInfo).port;
    const paths = ['/api/v1/lumisections?page%5Blimit%5D=5000', '/api/v1/lumisections/csv', '/api/v1/hltpathrates?page%5Blimit%5D=20000'];
    // clients that ask for large answers, never read, and hang up at once or a little later
    await Promise.all(
      Array.from(
        { length: 8 },
        (_, i) =>
          new Promise<void>((resolve) => {
            const s = net.connect(port, '127.0.0.1', () => s.write(`GET ${paths[i % paths.length]} HTTP/1.1\r\nHost: x\r\n\r\n`));
            s.pause();
            s.on('close', () => resolve());
            setTimeout(() => s.destroy(), (i % 4) * 60);
          }),
      ),
    );
    let stats = db.reader.stats();
    for (let i = 0; i < 100 && (stats.busy > 0 || stats.queued > 0); i++) {
      await new Promise((r) => setTimeout(r, 100));
      stats = db.reader.stats();
    }
    expect(stats).toMatchObject({ busy: 0, queued: 0 });
    expect((await app.inject('/api/v1/lumisections?page[limit]=5000')).statusCode).toBe(200);
  });

  it('exports every matching row as CSV, and says so when page[limit] cuts the export', async () => {
    const count = (await app.inject('/api/v1/lumisections?count=exact&page[limit]=1')).json().meta.totalResourceCount;
    const all = await app.inject('/api/v1/lumisections/csv?fields=run_number,lumisection_number');
    expect(all.statusCode).toBe(200);
    expect(all.body.trim().split('\n')).toHaveLength(count + 1);
    expect(all.headers['omsagg-truncated']).toBeUndefined();
    const cut = await app.inject('/api/v1/lumisections/csv?fields=run_number,lumisection_number&page[limit]=10');
    expect(cut.body.trim().split('\n')).toHaveLength(11);
    expect(cut.headers['omsagg-truncated']).toContain('page[limit]=10');
    expect(String(cut.headers.link)).toMatch(/page%5Boffset%5D=10.*rel="next"/);
  });

  it('says an export is cut exactly when a row lies beyond page[limit] (a view with joins, from an offset)', async () => {
    const q = 'filter[path_name][LIKE]=HLT_PFJet%25&sort=-run_number,path_name';
    const n = (await app.inject(`/api/v1/hltpathrates?${q}&count=exact&page[limit]=1`)).json().meta.totalResourceCount as number;
    expect(n).toBeGreaterThan(20);
    for (const [offset, limit, cut] of [
      [0, n, false],
      [0, n - 1, true],
      [7, n - 7, false],
      [7, n - 8, true],
    ] as const) {
      const res = await app.inject(`/api/v1/hltpathrates/csv?${q}&fields=run_number,path_name&page[offset]=${offset}&page[limit]=${limit}`);
      expect(res.statusCode).toBe(200);
      expect(res.body.trim().split('\n'), `offset ${offset}, limit ${limit}`).toHaveLength(limit + 1);
      expect(res.headers['omsagg-truncated'] !== undefined, `offset ${offset}, limit ${limit}`).toBe(cut);
    }
  });
});
