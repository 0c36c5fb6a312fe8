// SQLite's plan choice, kept honest: for every resource (from the registry) and every common query
// shape (src/jsonapi/shapes.ts), the first page is read along an index in the requested order —
// no sort of everything the filter matched — and folds come from the summary tables. Checked with
// EXPLAIN QUERY PLAN on a copy of the demo carrying the statistics of a month database
// (fixtures/month-stats.json, from `omsagg seed --scale month`): the planner then chooses as it
// does at scale, where a wrong choice costs seconds, not as on the small demo.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileOnlyKnex } from '../../src/db/connection.js';
import { planRead } from '../../src/jsonapi/plan.js';
import { parseQuery } from '../../src/jsonapi/query.js';
import { commonShapes, type ShapeSample } from '../../src/jsonapi/shapes.js';
import { compileCount, compileRows } from '../../src/jsonapi/sql.js';
import { loadResources } from '../../src/resources/loader.js';
import { summarizedResources } from '../../src/summaries/summarize.js';
import { testDatabase } from '../helpers/databases.js';

const resources = loadResources();
const summaries = new Set(summarizedResources(resources.all).map((r) => r.type));
const db = { knex: compileOnlyKnex('sqlite'), dialect: 'sqlite' as const };
const MONTH_STATS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/month-stats.json');

describe('query plans of the common shapes (SQLite, demo)', () => {
  let sqlite: Database.Database;
  let sample: ShapeSample;
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-plans-'));
    const file = path.join(dir, 'demo.sqlite');
    fs.copyFileSync(testDatabase('sqlite').url.slice('sqlite:'.length), file);
    const w = new Database(file);
    w.exec('DELETE FROM sqlite_stat1');
    const put = w.prepare('INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)');
    for (const s of JSON.parse(fs.readFileSync(MONTH_STATS, 'utf8')) as { tbl: string; idx: string | null; stat: string }[]) put.run(s.tbl, s.idx, s.stat);
    w.close();
    sqlite = new Database(file, { readonly: true });
    const run = sqlite.prepare('select run_number, fill_number, start_time from v_runs order by last_lumisection_number desc limit 1').get() as Record<string, unknown>;
    sample = { run: Number(run.run_number), fill: Number(run.fill_number), time: new Date(Date.parse(String(run.start_time)) + 1800e3).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  });
  afterAll(() => {
    sqlite?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const explain = (sql: string, bindings: readonly unknown[]) => (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...bindings) as { detail: string }[]).map((x) => x.detail);
  /** the alias under which a plan scans the runs table (runs are few: reading them all is cheap) */
  let runsAlias = '';
  beforeAll(() => {
    runsAlias = /^SCAN (\S+)/.exec(explain('SELECT * FROM v_runs NOT INDEXED', []).find((d) => /^SCAN /.test(d)) ?? '')?.[1] ?? '';
  });

  it.each(resources.all.map((r) => [r.type, r] as const))('%s', (_type, r) => {
    const where = r.scalars.has('run_number') ? `where run_number = ${sample.run}` : '';
    const row = sqlite.prepare(`select * from ${r.view} ${where} limit 1`).get() as Record<string, unknown> | undefined;
    const shapes = commonShapes(r, { ...sample, row: row ? Object.fromEntries(r.columns.map((c) => [c.name, row[c.column]])) : undefined });
    expect(shapes.length).toBeGreaterThan(0);
    for (const s of shapes) {
      const plan = planRead(r, parseQuery(`${s.query}${s.query ? '&' : ''}page[limit]=100`, r, { defaultLimit: 100, maxLimit: 100_000 }), { summaries });
      const detail = explain(compileRows(db, plan).sql, compileRows(db, plan).bindings);
      // both statements are valid SQL for SQLite (EXPLAIN compiles them)
      explain(compileCount(db, plan, 1000).sql, compileCount(db, plan, 1000).bindings);
      const what = `${r.type}?${s.query}: ${detail.join(' | ')}`;
      if (plan.source.groupKeys) {
        // folds of resources that keep summaries come from them
        if (r.granularity[plan.source.granularity!].summary) expect(plan.source.summary, what).toBeDefined();
        continue;
      }
      if (/latest/.test(s.name)) {
        // the latest lumisection (of each run, or of one) is probed per run: the only table read
        // whole is the small runs table, never the resource's own rows
        const scanned = detail.filter((d) => /^SCAN /.test(d)).map((d) => /^SCAN (\S+)/.exec(d)![1]);
        expect(
          scanned.filter((alias) => alias !== runsAlias),
          what,
        ).toEqual([]);
      }
      // a time window is bounded by time, not by the order: sorting it is expected
      if (s.name === 'time window') continue;
      expect(
        detail.filter((d) => /TEMP B-TREE FOR (ORDER BY|GROUP BY)$/.test(d)),
        what,
      ).toEqual([]);
    }
  });

  // an export over a range of runs (as analysts ask it) streams from its first row: nothing is
  // sorted, not even within a run, so the first batch never waits for the whole range
  it.each(resources.all.filter((r) => r.scalars.has('run_number')).map((r) => [r.type, r] as const))('%s: an export over a range of runs walks the order unsorted', (_type, r) => {
    const run = Number(sample.run);
    const q = `filter[run_number][GE]=${run - 500}&filter[run_number][LE]=${run}&page[limit]=1000000`;
    const plan = planRead(r, parseQuery(q, r, { defaultLimit: 100, maxLimit: 1_000_000 }), { summaries, representation: 'csv' });
    const rows = compileRows(db, plan);
    const detail = explain(rows.sql, rows.bindings);
    expect(
      detail.filter((d) => /TEMP B-TREE/.test(d)),
      `${r.type}?${q}: ${detail.join(' | ')}`,
    ).toEqual([]);
  });

  it("prescalechanges' unfiltered count reads the narrow covering index, not the wide lumisection rows", () => {
    const r = resources.get('prescalechanges')!;
    const plan = planRead(r, parseQuery('page[limit]=100', r, { defaultLimit: 100, maxLimit: 100_000 }), { summaries });
    const count = compileCount(db, plan, 100_000);
    const detail = explain(count.sql, count.bindings);
    // every read of a table (the count's wrapper `c` scans the view's rows as they come)
    const reads = detail.filter((d) => /^(SCAN|SEARCH) /.test(d) && d !== 'SCAN c');
    expect(reads.length, detail.join(' | ')).toBeGreaterThan(0);
    for (const d of reads) expect(d).toMatch(/USING COVERING INDEX lumisections_prescale_idx/);
  });
});
