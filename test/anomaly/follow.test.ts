// omsagg score --follow on a run that is still being written: lumisections appear while it polls, and
// the scores it writes are those a batch scoring of the finished run gives (scoring is online).
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { scoreDatabase } from '../../src/anomaly/jobs/score.js';
import { writableSqliteCopy, type WritableDatabase } from '../helpers/databases.js';

const RUN = 323997; // the last run of the demo
const RANGE: [number, number] = [RUN, RUN];

async function scores(db: Db): Promise<string> {
  const rows = await db.knex('omsagg_anomaly_scores').where('run_number', RUN).select('lumisection_number', 'model', 'score', 'flag', 'contributors').orderBy(['lumisection_number', 'model']);
  return crypto.createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

describe('omsagg score --follow', () => {
  let w: WritableDatabase;
  let db: Db;
  beforeAll(async () => {
    w = await writableSqliteCopy();
    db = await openDb(w.url);
  });
  afterAll(async () => {
    await db?.close();
    await w?.cleanup();
  });

  it('scores new lumisections as they appear, to the same scores as a batch run', async () => {
    await scoreDatabase(db, { range: RANGE, quiet: true });
    const batch = await scores(db);
    const total = Number((await db.knex('lumisections').where('run_number', RUN).count({ n: '*' }).first())?.n);
    await db.knex('omsagg_anomaly_scores').where('run_number', RUN).delete();
    await db.knex('omsagg_jobs').where('unit', `run:${RUN}`).delete();

    // the run is "ongoing": only its first 200 lumisections are there
    const later = await db.knex('lumisections').where('run_number', RUN).where('lumisection_number', '>', 200).orderBy('lumisection_number');
    await db.knex('lumisections').where('run_number', RUN).where('lumisection_number', '>', 200).delete();

    const ac = new AbortController();
    const following = scoreDatabase(db, { range: RANGE, follow: true, pollSeconds: 0.2, quiet: true, signal: ac.signal });
    const scoredUpTo = async () => Number((await db.knex('omsagg_anomaly_scores').where('run_number', RUN).max({ m: 'lumisection_number' }).first())?.m ?? 0);
    const waitFor = async (ls: number) => {
      for (let i = 0; i < 600 && (await scoredUpTo()) < ls; i++) await new Promise((r) => setTimeout(r, 100));
      return scoredUpTo();
    };
    expect(await waitFor(200)).toBe(200);
    // two more batches arrive while it follows
    const half = Math.floor(later.length / 2);
    for (let i = 0; i < half; i += 100) await db.knex('lumisections').insert(later.slice(i, Math.min(i + 100, half)));
    expect(await waitFor(200 + half)).toBe(200 + half);
    for (let i = half; i < later.length; i += 100) await db.knex('lumisections').insert(later.slice(i, i + 100));
    expect(await waitFor(total)).toBe(total);
    ac.abort();
    await following;

    expect(await scores(db)).toBe(batch);
    const marker = await db
      .knex('omsagg_jobs')
      .where({ job: 'score', unit: `run:${RUN}` })
      .first();
    expect(JSON.parse(marker.detail).lastLs).toBe(total);
  }, 300_000);
});
