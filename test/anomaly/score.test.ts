// omsagg score on private writable copies of the demo database: writes only omsagg_anomaly_scores
// and omsagg_jobs, is idempotent, resumes cleanly, and the view/resource expose the result.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { createViews } from '../../src/db/schema.js';
import { TABLES } from '../../src/db/tables.js';
import { loadResourceFile } from '../../src/resources/loader.js';
import { scoreDatabase } from '../../src/anomaly/jobs/score.js';
import { writableDatabase, type WritableDatabase } from '../helpers/databases.js';

// the short runs at the end of the demo: their references come from the earlier runs
const RANGE: [number, number] = [323954, 323983];

async function monitoringFingerprint(db: Db): Promise<string> {
  const h = crypto.createHash('sha256');
  for (const t of TABLES.filter((x) => !x.own)) {
    const r = await db.knex(t.name).count({ n: '*' }).first();
    h.update(`${t.name}:${r?.n}`);
  }
  // and the content of the tables the scorer reads most
  for (const [t, col] of [
    ['hlt_path_counts', 'accepted'],
    ['lumisections', 'pileup'],
    ['pixel_readings', 'hv_leakage_current'],
  ] as const) {
    const r = await db.knex(t).sum({ s: col }).first();
    h.update(`${t}:${Number(r?.s).toFixed(3)}`);
  }
  return h.digest('hex');
}

async function scoreTable(db: Db): Promise<string> {
  const rows = await db
    .knex('omsagg_anomaly_scores')
    .select('run_number', 'lumisection_number', 'model', 'score', 'threshold', 'flag', 'contributors')
    .orderBy(['run_number', 'lumisection_number', 'model']);
  return crypto.createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

describe.each(['sqlite', 'postgres'] as const)('omsagg score on %s', (name) => {
  let w: WritableDatabase;
  let db: Db;
  beforeAll(async () => {
    w = await writableDatabase(name);
    db = await openDb(w.url);
    if (name === 'sqlite') await createViews(db); // the shared demo may predate views/anomalyscores.sql
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await w?.cleanup();
  });

  it('scores every lumisection with four models, never touching the monitoring tables', async () => {
    const before = await monitoringFingerprint(db);
    const s = await scoreDatabase(db, { range: RANGE, quiet: true, jobs: 2 });
    expect(s.runs).toBe(5);
    expect(s.threads).toBe(2);
    const nLs = await db.knex('lumisections').whereBetween('run_number', RANGE).count({ n: '*' }).first();
    const nScores = await db.knex('omsagg_anomaly_scores').count({ n: '*' }).first();
    expect(Number(nScores?.n)).toBe(4 * Number(nLs?.n));
    expect(await monitoringFingerprint(db)).toBe(before);
    const markers = await db.knex('omsagg_jobs').where({ job: 'score', state: 'done' }).select('unit', 'detail');
    expect(markers.map((m: { unit: string }) => m.unit).sort()).toEqual(['run:323954', 'run:323976', 'run:323978', 'run:323980', 'run:323983']);
    const bad = await db.knex('omsagg_anomaly_scores').where('score', '<', 0).orWhere('score', '>', 1).count({ n: '*' }).first();
    expect(Number(bad?.n)).toBe(0);
    // few flags on a data set with many injected anomalies: well under a third of the lumisections
    const flagged = await db.knex('omsagg_anomaly_scores').where({ model: 'combined', flag: 1 }).count({ n: '*' }).first();
    expect(Number(flagged?.n)).toBeGreaterThan(0);
    expect(Number(flagged?.n)).toBeLessThan(Number(nLs?.n) / 3);
  }, 240_000);

  it('is idempotent: a second run skips everything; --force rewrites the same scores', async () => {
    const first = await scoreTable(db);
    const again = await scoreDatabase(db, { range: RANGE, quiet: true });
    expect(again.runs).toBe(0);
    expect(again.skipped).toBe(5);
    expect(await scoreTable(db)).toBe(first);
    const forced = await scoreDatabase(db, { range: [323976, 323978], force: true, quiet: true });
    expect(forced.runs).toBe(2);
    expect(await scoreTable(db)).toBe(first);
  }, 240_000);

  it('scores on worker threads exactly as in one thread', async () => {
    const threaded = await scoreTable(db);
    const one = await scoreDatabase(db, { range: RANGE, force: true, jobs: 1, quiet: true });
    expect(one.threads).toBe(1);
    expect(await scoreTable(db)).toBe(threaded);
    const two = await scoreDatabase(db, { range: RANGE, force: true, jobs: 2, quiet: true });
    expect(two.threads).toBe(2);
    expect(two.runs).toBe(5);
    expect(await scoreTable(db)).toBe(threaded);
  }, 240_000);

  it('shards (--shard I/N, an indexed Job) split the runs without overlap and together write the single run’s table', async () => {
    const single = await scoreTable(db);
    await db.knex('omsagg_anomaly_scores').whereBetween('run_number', RANGE).delete();
    await db.knex('omsagg_jobs').where('job', 'score').delete();
    const count = 3;
    const shards = [];
    for (let index = 0; index < count; index++) shards.push(await scoreDatabase(db, { range: RANGE, shard: { index, count }, jobs: 1, quiet: true }));
    expect(shards.reduce((n, s) => n + s.runs, 0)).toBe(5);
    expect(shards.every((s) => s.skipped === 0)).toBe(true);
    expect(shards.filter((s) => s.runs > 0).length).toBeGreaterThan(1);
    expect(await scoreTable(db)).toBe(single);
  }, 240_000);

  it('resumes after an interruption to the same table as a clean run', async () => {
    const clean = await scoreTable(db);
    // interrupted: only part of the runs done, and one run half-written without its marker
    await db.knex('omsagg_anomaly_scores').whereIn('run_number', [323980, 323983]).delete();
    await db.knex('omsagg_jobs').whereIn('unit', ['run:323980', 'run:323983']).delete();
    await db.knex('omsagg_anomaly_scores').insert({ run_number: 323980, lumisection_number: 1, model: 'combined', score: 0.9, threshold: 0.4, flag: 1, contributors: '[]' });
    const resumed = await scoreDatabase(db, { range: RANGE, quiet: true });
    expect(resumed.runs).toBe(2);
    expect(resumed.skipped).toBe(3);
    expect(await scoreTable(db)).toBe(clean);
  }, 240_000);

  it('publishes the scores through v_anomalyscores with the resource file columns', async () => {
    const def = loadResourceFile('resources/anomalyscores.yaml');
    const columns = def.attributes.map((a) => (a.kind === 'column' ? a.column : a.name)).sort();
    const rows = await db.knex(def.view).where({ run_number: 323980, model: 'rate' }).orderBy('lumisection_number').limit(400);
    expect(rows.length).toBeGreaterThan(100);
    expect(Object.keys(rows[0]).sort()).toEqual(columns);
    expect(rows[0].fill_number).toBe(7007);
    const withRate = rows.find((r: { observed_rate: number | null }) => r.observed_rate != null);
    expect(withRate?.top_contributor).toMatch(/^HLT_|^AlCa_|^DST_/);
    expect(withRate?.predicted_rate).toBeGreaterThan(0);
  });
});
