// Round trip: the seeded demo omsagg (SQLite, and PostgreSQL) serves as the source over a real
// socket; `omsagg import` fills an empty database of the same dialect; a second omsagg over it answers
// every imported resource — per lumisection and folded per run — with the source's documents,
// units included. Then the demo-only ground truth is absent, `omsagg score` scores the imported
// run and the probes draw the same figures as on the source.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/connection.js';
import { scoreDatabase } from '../../src/anomaly/jobs/score.js';
import { run as importCommand } from '../../src/import/command.js';
import { testDatabase } from '../helpers/databases.js';
import { comparisonQueries, emptyTarget, expectSameDocuments, injectOnly, serve, type Served, type Target } from './harness.js';

// the shortest demo run, alone in its fill: the fill's run-derived attributes are complete too
const RUN = 323954;
const FILL = 7006;

describe.each(['sqlite', 'postgres'] as const)('import round trip into %s', (dialect) => {
  let source: Served;
  let target: Target;

  beforeAll(async () => {
    source = await serve(testDatabase(dialect).url);
    target = await emptyTarget(dialect);
  });
  afterAll(async () => {
    await source?.close();
    await target?.cleanup();
  });

  // a run of 33 000 rows imported and compared on a loaded 2-core machine: minutes, not the default minute
  it('imports a run into an empty database and answers every resource as the source does', { timeout: 300_000 }, async () => {
    const code = await importCommand(['--from', source.base, '--runs', String(RUN), '--db', target.url, '--page-size', '5000', '--rate', '0', '--quiet']);
    expect(code).toBe(0);
    const dst = await injectOnly(target.url);
    try {
      const rows = await expectSameDocuments(source.app, dst.app, comparisonQueries([RUN], [FILL]));
      expect(rows).toBeGreaterThan(30_000);
      // the probes read the same data through the engine: the same figures
      for (const url of [`trigger-rates/plot?run_number=${RUN}`, `hlt-rates/plot?run_number=${RUN}`, `fed-errors/plot?run_number=${RUN}`, `masked-rocs/plot?fill_number=${FILL}`].map(
        (p) => `/api/v1/probes/${p}`,
      )) {
        const [a, b] = await Promise.all([source.app.inject({ url }), dst.app.inject({ url })]);
        expect(a.statusCode, url).toBe(200);
        expect(b.json(), url).toEqual(a.json());
      }
    } finally {
      await dst.close();
    }
  });

  it('leaves out the demo-only ground truth, and the scorer and probes work on the imported data', { timeout: 180_000 }, async () => {
    const db = await openDb(target.url);
    try {
      const [{ n }] = (await db.knex('omsagg_injected_anomalies').count({ n: '*' })) as { n: unknown }[];
      expect(Number(n)).toBe(0);
      const meta = Object.fromEntries(((await db.knex('omsagg_meta').select('key', 'value')) as { key: string; value: string }[]).map((r) => [r.key, r.value]));
      expect(meta.seed).toBeUndefined();
      expect(meta.data_origin).toBe('import');
      const s = await scoreDatabase(db, { quiet: true, jobs: 1 });
      expect(s.runs).toBe(1);
      const [{ scored }] = (await db.knex('omsagg_anomaly_scores').where('run_number', RUN).countDistinct({ scored: 'lumisection_number' })) as { scored: unknown }[];
      expect(Number(scored)).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
    const dst = await injectOnly(target.url);
    try {
      const res = await dst.app.inject({ url: `/api/v1/probes/anomaly-scores/plot?run_number=${RUN}` });
      expect(res.statusCode).toBe(200);
      const plot = res.json().data.attributes;
      expect(plot.series.length).toBeGreaterThan(0);
    } finally {
      await dst.close();
    }
  });
});
