// The summary tables answer group[granularity] exactly as the live SQL fold does: for every resource
// and granularity that keeps summaries (derived from the registry), unfiltered and filtered, on
// SQLite and PostgreSQL — also when some runs are not summarized (then their folds are computed
// live and united with the rest).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { executePage } from '../../src/jsonapi/execute.js';
import { planRead, summaryTableOf } from '../../src/jsonapi/plan.js';
import { parseQuery } from '../../src/jsonapi/query.js';
import type { ResourceDef } from '../../src/jsonapi/resource.js';
import { SUMMARY_LOG } from '../../src/jsonapi/sql.js';
import { loadResources } from '../../src/resources/loader.js';
import { summarizedResources } from '../../src/summaries/summarize.js';
import { testDatabases, writableSqliteCopy, type WritableDatabase } from '../helpers/databases.js';

const resources = summarizedResources(loadResources().all);
const OPTS = { defaultLimit: 100, maxLimit: 1_000_000 };

async function fold(db: Db, r: ResourceDef, query: string, summaries: boolean): Promise<Record<string, unknown>[]> {
  // count=none: the rows are compared here, not the totals (a count would fold everything again)
  const plan = planRead(r, parseQuery(`${query}&page[limit]=1000000&count=none`, r, OPTS), { summaries: summaries ? new Set([r.type]) : new Set() });
  expect(!!plan.source.summary, `${r.type}?${query} uses the summary`).toBe(summaries);
  const res = await executePage(db, plan);
  return res.rows.rows.map((row) => Object.fromEntries(res.rows.columns.map((c, i) => [c, row[i] instanceof Date ? (row[i] as Date).toISOString() : row[i]])));
}

function expectSameRows(a: Record<string, unknown>[], b: Record<string, unknown>[], what: string): void {
  expect(a.length, what).toBe(b.length);
  a.forEach((row, i) => {
    for (const [k, v] of Object.entries(row)) {
      const w = b[i][k];
      if (typeof v === 'number' && typeof w === 'number') expect(w, `${what} row ${i} ${k}`).toBeCloseTo(v, Math.abs(v) > 1e6 ? 0 : 6);
      else expect(w === null ? null : String(w), `${what} row ${i} ${k}`).toBe(v === null ? null : String(v));
    }
  });
}

/** Queries per granularity: by a key value, by a constant attribute (e.g. the fill), and unfiltered
 *  where the live fold of the whole demo is small enough for the suite. */
async function queriesFor(db: Db, r: ResourceDef, g: string): Promise<string[]> {
  const live = await fold(db, r, `group[granularity]=${g}`, true);
  expect(live.length, `${r.type} ${g} fold has rows`).toBeGreaterThan(0);
  const gr = r.granularity[g];
  const out = live.length <= 2000 ? [`group[granularity]=${g}`] : [];
  const pick = live[Math.floor(live.length / 2)];
  const key = gr.keys.find((k) => !k.endsWith('_number')) ?? gr.keys[0];
  out.push(`group[granularity]=${g}&filter[${key}][EQ]=${encodeURIComponent(String(pick[r.scalars.get(key)!.column]))}`);
  // a fill holds many rows of the big resources: prefer another constant for the live fold's sake
  const constant = gr.constant.find((c) => c !== 'fill_number') ?? gr.constant[0];
  if (constant) out.push(`group[granularity]=${g}&filter[${constant}][EQ]=${encodeURIComponent(String(pick[r.scalars.get(constant)!.column]))}`);
  return out;
}

describe.each(testDatabases().map((d) => [d.name, d] as const))('summary tables on %s', (_name, tdb) => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(tdb.url, { readonly: true });
  });
  afterAll(async () => db?.close());

  it('the shipped resources keep summaries', () => expect(resources.length).toBeGreaterThan(0));

  it.each(resources.map((r) => [r.type, r] as const))('%s: summary folds equal the live folds', async (_type, r) => {
    for (const g of Object.keys(r.granularity).filter((x) => r.granularity[x].summary)) {
      for (const q of await queriesFor(db, r, g)) expectSameRows(await fold(db, r, q, false), await fold(db, r, q, true), `${r.type}?${q}`);
    }
  });
});

describe('summary tables with runs not summarized yet (SQLite copy)', () => {
  let copy: WritableDatabase;
  let db: Db;
  beforeAll(async () => {
    copy = await writableSqliteCopy();
    db = await openDb(copy.url);
    // forget the summaries of the two latest runs: their folds must be computed live
    const runs = ((await db.knex('v_runs').select('run_number').orderBy('run_number', 'desc').limit(2)) as { run_number: number }[]).map((x) => x.run_number);
    for (const r of resources) {
      await db.knex(SUMMARY_LOG).where('resource', r.type).whereIn('run_number', runs).delete();
      await db.knex(summaryTableOf(r)).whereIn('run_number', runs).delete();
    }
  });
  afterAll(async () => {
    await db?.close();
    await copy?.cleanup();
  });

  it.each(resources.map((r) => [r.type, r] as const))('%s: folds paged by offset and by cursor, in both orders, equal the whole fold', async (_type, r) => {
    for (const g of Object.keys(r.granularity).filter((x) => r.granularity[x].summary)) {
      const key = r.granularity[g].keys[0];
      for (const order of ['', `&sort=-${key}`]) {
        const q = `group[granularity]=${g}${order}&count=none`;
        const plan = (extra: string) => planRead(r, parseQuery(`${q}&${extra}`, r, OPTS), { summaries: new Set([r.type]) });
        const whole = await executePage(db, plan('page[limit]=1000000'));
        const ids = (rows: unknown[][], columns: string[]) => rows.map((row) => r.granularity[g].keys.map((k) => String(row[columns.indexOf(r.scalars.get(k)!.column)])).join('_'));
        const expected = ids(whole.rows.rows, whole.rows.columns).slice(0, 60);
        const byOffset: string[] = [];
        const byCursor: string[] = [];
        let cursor = '';
        for (let offset = 0; offset < expected.length; offset += 7) {
          const a = await executePage(db, plan(`page[limit]=7&page[offset]=${offset}`));
          byOffset.push(...ids(a.rows.rows, a.rows.columns));
          const b = await executePage(db, plan(`page[limit]=7&page[cursor]=${cursor}`));
          byCursor.push(...ids(b.rows.rows, b.rows.columns));
          cursor = b.nextCursor ?? '';
        }
        expect(byOffset.slice(0, expected.length), `${r.type}?${q} by offset`).toEqual(expected);
        expect(byCursor.slice(0, expected.length), `${r.type}?${q} by cursor`).toEqual(expected);
      }
    }
  });

  it.each(resources.map((r) => [r.type, r] as const))('%s: summary + live folds equal the live folds', async (_type, r) => {
    for (const g of Object.keys(r.granularity).filter((x) => r.granularity[x].summary)) {
      for (const q of await queriesFor(db, r, g)) expectSameRows(await fold(db, r, q, false), await fold(db, r, q, true), `${r.type}?${q}`);
    }
  });
});
