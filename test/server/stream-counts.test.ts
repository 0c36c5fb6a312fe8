// Streamed pages count only when they must: a page that ends before its limit tells its total
// itself (offset + rows), so no count statement runs; a full page, or an empty page past the first,
// still asks the database. Checked at the engine (stages 2–4, no HTTP) on the SQLite and
// PostgreSQL demos, counting the statements the reader runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { ReadEngine } from '../../src/jsonapi/engine.js';
import { loadResources } from '../../src/resources/loader.js';
import { counting, testDatabases } from '../helpers/databases.js';

for (const target of testDatabases()) {
  describe(`streamed page counts on the ${target.name} demo`, () => {
    let raw: Db;
    let engine: ReadEngine;
    let statementsRun: () => number;
    let run = 0;
    let runLs = 0;

    beforeAll(async () => {
      raw = await openDb(target.url, { readonly: true, statementTimeoutMs: 60_000 });
      const { db, count } = counting(raw);
      statementsRun = count;
      // every page above 10 rows streams, so the demo's runs exercise the streamed path
      engine = new ReadEngine(db, loadResources(), { defaultPageLimit: 100, maxPageLimit: 100_000, streamAbove: 10, batchRows: 7 });
      const [r] = (await raw.knex('v_lumisections').select('run_number').count({ n: '*' }).groupBy('run_number').orderBy('run_number').limit(1)) as {
        run_number: number;
        n: number | string;
      }[];
      run = Number(r.run_number);
      runLs = Number(r.n);
      expect(runLs).toBeGreaterThan(30);
    });
    afterAll(async () => {
      await raw?.close();
    });

    /** Streams a page of the run's lumisections; the statements it ran and its count. */
    async function streamed(query: string) {
      const resource = engine.resource('lumisections');
      const plan = engine.plan(resource, engine.query(resource, `filter[run_number][EQ]=${run}&${query}`));
      expect(engine.streams(plan)).toBe(true);
      const before = statementsRun();
      const result = await engine.stream(plan);
      let rows = 0;
      for await (const set of result.batches) rows += set.rows.length;
      const count = await result.count();
      return { rows, count, statements: statementsRun() - before, tail: result.tail() };
    }

    it('a page that ends before its limit runs no count statement: its total is offset + rows, exact', async () => {
      const first = await streamed(`page[limit]=${runLs + 50}`);
      expect(first.rows).toBe(runLs);
      expect(first.count).toEqual({ value: runLs, exact: true, method: 'exact' });
      expect(first.statements).toBe(1);
      const last = await streamed(`page[limit]=20&page[offset]=${runLs - 5}`);
      expect(last.rows).toBe(5);
      expect(last.count).toEqual({ value: runLs, exact: true, method: 'exact' });
      expect(last.statements).toBe(1);
      // exactly as many rows as the limit: the one row read past the limit is missing, so the page
      // is the last and needs no count
      const exact = await streamed(`page[limit]=${runLs}`);
      expect(exact.tail.more).toBe(false);
      expect(exact.count).toEqual({ value: runLs, exact: true, method: 'exact' });
      expect(exact.statements).toBe(1);
    });

    it('a full page counts: the total is the filter’s, not the page’s', async () => {
      const full = await streamed('page[limit]=20');
      expect(full.rows).toBe(20);
      expect(full.tail.more).toBe(true);
      expect(full.count).toEqual({ value: runLs, exact: true, method: 'exact' });
      expect(full.statements).toBe(2);
    });

    it('an empty page past the end counts (the total may be short of the offset)', async () => {
      const empty = await streamed(`page[limit]=20&page[offset]=${runLs + 100}`);
      expect(empty.rows).toBe(0);
      expect(empty.count).toEqual({ value: runLs, exact: true, method: 'exact' });
      expect(empty.statements).toBe(2);
    });

    it('count=none asks nothing and says so', async () => {
      const none = await streamed('page[limit]=20&count=none');
      expect(none.count).toBeNull();
      expect(none.statements).toBe(1);
    });
  });
}
