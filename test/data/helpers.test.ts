// test/helpers/databases.ts: the shared demo databases are read-only; the writable copies are private.
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/connection.js';
import { testDatabases, writableDatabase } from '../helpers/databases.js';

describe('test databases', () => {
  it('provides a seeded SQLite and PostgreSQL demo', () => {
    expect(testDatabases().map((d) => d.name).sort()).toEqual(['postgres', 'sqlite']);
  });

  for (const name of ['sqlite', 'postgres'] as const) {
    it(`${name}: a writable private database scores without touching the shared one`, async () => {
      const w = await writableDatabase(name);
      const shared = await openDb(testDatabases().find((d) => d.name === name)!.url, { readonly: true });
      const db = await openDb(w.url);
      try {
        const [{ n: runs }] = await db.knex('v_runs').count({ n: '*' });
        const [{ n: sharedRuns }] = await shared.knex('v_runs').count({ n: '*' });
        expect(Number(runs)).toBe(Number(sharedRuns));
        const [{ n: anomalies }] = await db.knex('omsagg_injected_anomalies').count({ n: '*' });
        expect(Number(anomalies)).toBeGreaterThan(0);
        await db.knex('omsagg_anomaly_scores').insert({ run_number: 1, lumisection_number: 1, model: `helpers-test-${process.pid}`, score: 0.5, threshold: 0.9, flag: 0 });
        const [{ n: mine }] = await db.knex('omsagg_anomaly_scores').where('model', `helpers-test-${process.pid}`).count({ n: '*' });
        expect(Number(mine)).toBe(1);
        const [{ n: theirs }] = await shared.knex('omsagg_anomaly_scores').where('model', `helpers-test-${process.pid}`).count({ n: '*' });
        expect(Number(theirs)).toBe(0);
      } finally {
        await db.close();
        await shared.close();
        await w.cleanup();
      }
    });
  }
});
