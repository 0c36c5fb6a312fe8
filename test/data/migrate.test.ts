// A database made by an older omsagg is brought up to the code instead of answering 500
// schema_mismatch until a re-seed: missing or changed views (tracked by hash), missing indexes,
// missing summary tables — and a second run does nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDb, type Db } from '../../src/db/connection.js';
import { setMeta } from '../../src/db/schema.js';
import { upgradeDatabase } from '../../src/jobs/upgrade.js';
import { summaryTableOf } from '../../src/jsonapi/plan.js';
import { loadResources } from '../../src/resources/loader.js';
import { summarizedResources } from '../../src/summaries/summarize.js';
import { writableSqliteCopy, type WritableDatabase } from '../helpers/databases.js';

describe('omsagg migrate on a database of an older omsagg (SQLite copy)', () => {
  let copy: WritableDatabase;
  let db: Db;
  const resources = loadResources();
  const summarized = summarizedResources(resources.all)[0];
  beforeAll(async () => {
    copy = await writableSqliteCopy();
    db = await openDb(copy.url);
    // an older file: a view missing, a view with another definition, an index and a summary table gone
    await db.knex.raw('DROP VIEW v_fills');
    await db.knex.raw('DROP VIEW v_runs');
    await db.knex.raw('CREATE VIEW v_runs AS SELECT run_number FROM runs');
    await setMeta(db, { 'view_hash:v_runs': 'older' });
    await db.knex.raw('DROP INDEX lumisections_fill_idx');
    await db.knex.schema.dropTable(summaryTableOf(summarized));
    // a base column added by a later omsagg
    await db.knex.schema.alterTable('fills', (t) => t.dropColumn('bunches_target'));
  });
  afterAll(async () => {
    await db?.close();
    await copy?.cleanup();
  });

  it('answers 500 schema_mismatch before, and the current resources after, with nothing left the second time', async () => {
    const ask = async (url: string) => {
      const ro = await openDb(copy.url, { readonly: true });
      const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), { db: ro, logger: false });
      try {
        return await app.inject(url);
      } finally {
        await app.close();
        await ro.close();
      }
    };
    expect((await ask('/api/v1/fills?page[limit]=1')).statusCode).toBe(500);
    const first = await upgradeDatabase(db, resources.all);
    expect(first.views).toEqual(expect.arrayContaining(['v_fills', 'v_runs']));
    expect(first.indexes).toContain('lumisections_fill_idx');
    expect(first.columns).toEqual(['fills.bunches_target']);
    expect(first.summarizedRuns).toBeGreaterThan(0);
    const fills = await ask('/api/v1/fills?page[limit]=1');
    expect(fills.statusCode).toBe(200);
    const runs = await ask('/api/v1/runs?page[limit]=1&fields=run_number,l1_rate');
    expect(runs.statusCode).toBe(200);
    expect(runs.json().data[0].attributes.l1_rate).toEqual(expect.any(Number));
    expect(await db.knex.schema.hasTable(summaryTableOf(summarized))).toBe(true);
    const second = await upgradeDatabase(db, resources.all);
    expect(second).toEqual({ tables: [], columns: [], indexes: [], views: [], summarizedRuns: 0 });
  });
});
