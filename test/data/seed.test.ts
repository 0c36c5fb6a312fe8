// The generator as a job: deterministic (same seed → same content hash, on SQLite and PostgreSQL
// alike), different seeds differ, an interrupted seed resumes to exactly the clean result, a
// finished seed is not redone, conflicting parameters are refused; ensureDemoDatabase.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { dropSchema, getMeta } from '../../src/db/schema.js';
import { ensureDemoDatabase } from '../../src/jobs/ensure-demo.js';
import { datasetHashes } from '../../src/synth/hash.js';
import { SeedConflictError, seedDatabase, type SeedOptions } from '../../src/synth/seed.js';
import { run as seedCommand } from '../../src/synth/command.js';
import { PG_BASE_URL } from '../global-setup.js';
import { writableSqliteCopy } from '../helpers/databases.js';

// small but complete: the demo's fills with every run cut to 40 lumisections
const SMALL: SeedOptions = { scale: 'demo', maxLsPerRun: 40, anomalyRate: 20 };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-seedtest-'));
const pgSchema = `omsagg_data_seed_${process.pid}`;
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  const db = await openDb(`${PG_BASE_URL}?schema=${pgSchema}`);
  await dropSchema(db);
  await db.close();
});

async function withDb<T>(url: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(url);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function seedSqlite(name: string, opts: SeedOptions): Promise<{ url: string; hashes: Record<string, string> }> {
  const url = `sqlite:${path.join(dir, `${name}.sqlite`)}`;
  const res = await withDb(url, (db) => seedDatabase(db, opts));
  expect(res.finished).toBe(true);
  return { url, hashes: await withDb(url, (db) => datasetHashes(db)) };
}

describe('seed', () => {
  let clean: Record<string, string>;

  it('same seed → identical data; every seeded table has rows', async () => {
    const a = await seedSqlite('a', SMALL);
    const b = await seedSqlite('b', SMALL);
    clean = a.hashes;
    expect(b.hashes).toEqual(a.hashes);
    for (const [table, h] of Object.entries(a.hashes)) expect(Number(h.split(':')[0]), table).toBeGreaterThan(0);
  });

  it('a different seed gives different data', async () => {
    const c = await seedSqlite('c', { ...SMALL, seed: 7 });
    expect(c.hashes.hlt_path_counts).not.toBe(clean.hlt_path_counts);
    expect(c.hashes.pixel_readings).not.toBe(clean.pixel_readings);
    expect(c.hashes.omsagg_injected_anomalies).not.toBe(clean.omsagg_injected_anomalies);
  });

  it('SQLite: killed after 2 units and re-run ends identical to a clean run; a finished seed is skipped', async () => {
    const url = `sqlite:${path.join(dir, 'resumed.sqlite')}`;
    const first = await withDb(url, (db) => seedDatabase(db, { ...SMALL, stopAfterUnits: 2 }));
    expect(first).toMatchObject({ finished: false, unitsDone: 2 });
    expect((await withDb(url, getMeta)).seed_state).toBe('running');
    const second = await withDb(url, (db) => seedDatabase(db, SMALL));
    expect(second.finished).toBe(true);
    expect(second.unitsSkipped).toBe(2);
    expect(await withDb(url, (db) => datasetHashes(db))).toEqual(clean);
    const third = await withDb(url, (db) => seedDatabase(db, SMALL));
    expect(third).toMatchObject({ finished: true, unitsDone: 0 });
  });

  it('PostgreSQL: interrupted + resumed equals the clean SQLite run, value for value', async () => {
    const url = `${PG_BASE_URL}?schema=${pgSchema}`;
    await withDb(url, dropSchema);
    const first = await withDb(url, (db) => seedDatabase(db, { ...SMALL, stopAfterUnits: 3 }));
    expect(first.finished).toBe(false);
    const second = await withDb(url, (db) => seedDatabase(db, SMALL));
    expect(second).toMatchObject({ finished: true, unitsSkipped: 3 });
    expect(await withDb(url, (db) => datasetHashes(db))).toEqual(clean);
  });

  it('refuses to mix seeds in one database unless --fresh', async () => {
    const url = `sqlite:${path.join(dir, 'a.sqlite')}`;
    await expect(withDb(url, (db) => seedDatabase(db, { ...SMALL, seed: 9 }))).rejects.toThrow(SeedConflictError);
    const res = await withDb(url, (db) => seedDatabase(db, { ...SMALL, seed: 7, fresh: true }));
    expect(res.finished).toBe(true);
    const c = await withDb(`sqlite:${path.join(dir, 'c.sqlite')}`, (db) => datasetHashes(db));
    expect(await withDb(url, (db) => datasetHashes(db))).toEqual(c);
  });

  it('the CLI validates its options', async () => {
    const err = console.error;
    console.error = () => {};
    try {
      expect(await seedCommand(['--scale', 'galaxy'])).toBe(2);
      expect(await seedCommand(['--seed', 'x'])).toBe(2);
      expect(await seedCommand(['--bogus'])).toBe(2);
    } finally {
      console.error = err;
    }
  });
});

describe('ensureDemoDatabase', () => {
  it('keeps a finished database untouched', async () => {
    const copy = await writableSqliteCopy();
    try {
      const file = copy.url.slice('sqlite:'.length);
      const before = fs.statSync(file).mtimeMs;
      const res = await ensureDemoDatabase(file);
      expect(res.seeded).toBe(false);
      expect(fs.statSync(file).mtimeMs).toBe(before);
    } finally {
      await copy.cleanup();
    }
  });

  it('finishes an interrupted demo seed (last fill lost) to the same content', async () => {
    const copy = await writableSqliteCopy();
    try {
      const file = copy.url.slice('sqlite:'.length);
      const small = ['fills', 'runs', 'lumisections', 'omsagg_injected_anomalies', 'fed_channel_status', 'hlt_path_run_summary'];
      const original = await withDb(copy.url, (db) => datasetHashes(db, small));
      await withDb(copy.url, async (db) => {
        const [{ f }] = await db.knex('fills').max({ f: 'fill_number' });
        const runs = (await db.knex('runs').where('fill_number', f).pluck('run_number')) as number[];
        for (const t of ['lumisections', 'l1_algorithm_counts', 'l1_trigger_counts', 'hlt_path_counts', 'hlt_path_run_summary', 'deadtimes_ls', 'pixel_readings', 'masked_roc_counts', 'fed_error_counts', 'fed_channel_status', 'omsagg_injected_anomalies', 'runs']) {
          await db.knex(t).whereIn('run_number', runs).delete();
        }
        await db.knex('fills').where('fill_number', f).delete();
        await db.knex('omsagg_jobs').where('unit', `fill:${f}`).delete();
        await db.knex('omsagg_meta').where('key', 'seed_state').update({ value: 'running' });
      });
      const res = await ensureDemoDatabase(file);
      expect(res.seeded).toBe(true);
      expect(await withDb(copy.url, (db) => datasetHashes(db, small))).toEqual(original);
      expect((await withDb(copy.url, getMeta)).seed_state).toBe('finished');
    } finally {
      await copy.cleanup();
    }
  });

  it('creates and seeds a missing file', { timeout: 120_000 }, async () => {
    const file = path.join(dir, 'fresh', 'omsagg.sqlite');
    const res = await ensureDemoDatabase(file);
    expect(res).toMatchObject({ seeded: true, scale: 'demo' });
    const ro = await openDb(`sqlite:${file}`, { readonly: true });
    try {
      expect((await getMeta(ro)).seed_state).toBe('finished');
      const [{ n }] = await ro.knex('v_runs').count({ n: '*' });
      expect(Number(n)).toBeGreaterThanOrEqual(8);
    } finally {
      await ro.close();
    }
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });
});
