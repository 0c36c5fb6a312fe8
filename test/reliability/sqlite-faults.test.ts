// SQLite faults: the file missing, corrupt, locked by a writer, truncated, removed or replaced
// under a running server. A clear error at start, or per request a 200 or a 503 JSON:API error with
// Retry-After — never a 500, a hang or a crash — and the server reads again once the file is good.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DbConfigError, openDb, type Db } from '../../src/db/connection.js';
import { testApp } from '../helpers/app.js';
import { writableSqliteCopy, type WritableDatabase } from '../helpers/databases.js';
import { expectValidJsonApi } from '../helpers/jsonapi.js';

const RUNS = '/api/v1/runs?page[limit]=3';
const LUMIS = '/api/v1/lumisections?page[limit]=200&sort=-lumisection_number';
const faults: Record<string, string[]> = {};

let copy: WritableDatabase;
let file: string;
let db: Db | undefined;
let app: FastifyInstance | undefined;

beforeEach(async () => {
  copy = await writableSqliteCopy();
  file = copy.url.slice('sqlite:'.length);
});
afterEach(async () => {
  await app?.close();
  await db?.close();
  app = db = undefined;
  await copy.cleanup();
});

async function serve(): Promise<FastifyInstance> {
  db = await openDb(copy.url, { readonly: true, statementTimeoutMs: 3000 });
  app = await testApp(db, { env: { OMSAGG_VERSION_REFRESH_MS: '200' } });
  return app;
}

/** Requests every route family once; returns their statuses after checking each is 200 or a proper 503. */
async function probe(a: FastifyInstance, fault: string): Promise<number[]> {
  const statuses: number[] = [];
  for (const url of ['/health', RUNS, LUMIS, '/api/v1/runs/323841', '/api/v1/probes/hlt-rates/plot']) {
    const res = await a.inject({ url });
    statuses.push(res.statusCode);
    if (res.statusCode === 200 || (url.includes('/probes/') && res.statusCode === 404)) continue;
    expect(res.statusCode, `${fault}: ${url} ${res.body.slice(0, 300)}`).toBe(503);
    if (url !== '/health') {
      expectValidJsonApi(res.json());
      expect(res.headers['retry-after']).toBeTruthy();
      expect(res.body).not.toContain(file);
    }
  }
  (faults[fault] ??= []).push(statuses.join(' '));
  return statuses;
}

describe('SQLite faults', () => {
  it('a missing file is a clear error at start', async () => {
    fs.rmSync(file);
    await expect(openDb(copy.url, { readonly: true })).rejects.toThrow(DbConfigError);
    await expect(openDb(copy.url, { readonly: true })).rejects.toThrow(/does not exist/);
  });

  it('a corrupt file: every request a 503, /health 503, no crash', async () => {
    fs.writeFileSync(file, Buffer.alloc(64 * 1024, 0x5a));
    const a = await serve();
    const statuses = await probe(a, 'corrupt at start');
    expect(statuses[0]).toBe(503);
    expect(statuses.slice(1).every((s) => s === 503)).toBe(true);
  });

  it('truncated under a running server: 503s, then reads again once the file is restored', async () => {
    const good = fs.readFileSync(file);
    const a = await serve();
    expect((await probe(a, 'before truncation')).every((s) => s === 200)).toBe(true);
    fs.truncateSync(file, 8192);
    const during = await probe(a, 'truncated');
    expect(during.some((s) => s === 503)).toBe(true);
    fs.writeFileSync(file, good);
    const t0 = Date.now();
    while ((await a.inject({ url: RUNS })).statusCode !== 200) {
      expect(Date.now() - t0).toBeLessThan(10_000);
      await new Promise((r) => setTimeout(r, 200));
    }
    await probe(a, 'restored');
  });

  it('removed or replaced under a running server: keeps answering', async () => {
    const a = await serve();
    await probe(a, 'before removal');
    const moved = path.join(path.dirname(file), 'moved.sqlite');
    fs.renameSync(file, moved);
    await probe(a, 'removed');
    // an atomic replacement (how a new database is published): a rename over the old name
    fs.copyFileSync(moved, `${file}.new`);
    fs.renameSync(`${file}.new`, file);
    await probe(a, 'replaced');
    // the readers reopen the new file: answers recover by themselves (503s until then, checked by probe)
    let status = 0;
    for (let i = 0; i < 40 && status !== 200; i++) {
      status = (await a.inject({ url: RUNS })).statusCode;
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
  });

  it('locked by a writer: 200s or 503s within the busy timeout, never a hang', async () => {
    const a = await serve();
    await probe(a, 'before lock');
    const writer = new Database(file);
    try {
      writer.pragma('journal_mode = DELETE');
      writer.exec('BEGIN EXCLUSIVE');
      writer.exec("INSERT INTO omsagg_meta (key, value) VALUES ('lock_probe', 'x')");
      const t0 = Date.now();
      await probe(a, 'exclusive lock held by a writer');
      expect(Date.now() - t0).toBeLessThan(30_000);
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
    const after = await probe(a, 'lock released');
    expect(after[1]).toBe(200);
    process.stderr.write(`[sqlite faults] statuses (/health runs lumisections runs/323841 probe): ${JSON.stringify(faults)}\n`);
  });
});
