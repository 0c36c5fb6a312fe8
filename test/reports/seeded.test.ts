// The shipped report definitions on the seeded demo, in SQLite and PostgreSQL: a period with injected
// anomalies raises an alarm on every injected bad anomaly each report covers (the kinds come from
// the definitions' `covers`, the anomalies from omsagg_injected_anomalies) and none explained by a
// not-bad anomaly alone; a clean period raises none.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { scoreDatabase } from '../../src/anomaly/jobs/score.js';
import { loadProbes } from '../../src/probes/registry.js';
import { openCatalog, type Catalog } from '../../src/reports/data.js';
import { defaultDefinitionsDir, loadDefinitions } from '../../src/reports/definitions.js';
import { injectedAnomalies, judged, touches, type Injected } from '../../src/reports/eval.js';
import { activeFindings, evaluate } from '../../src/reports/evaluate.js';
import { runReportJob } from '../../src/reports/job.js';
import { makePeriod } from '../../src/reports/period.js';
import type { ProbeRegistry } from '../../src/probes/registry.js';
import type { Evaluation, ReportDefinition } from '../../src/reports/types.js';
import { writableDatabase, type WritableDatabase } from '../helpers/databases.js';

/** 2018-09-29 15:00 – 09-30 02:00 UTC, run 323940: an injected anomaly of every kind, bad and not bad */
const BAD = makePeriod(new Date('2018-09-30T02:00:00Z'), 11 * 3600);
/** 2018-09-30 15:00–21:00 UTC: run 323954 with a prescale change (not bad) and nothing else */
const CLEAN = makePeriod(new Date('2018-09-30T21:00:00Z'), 6 * 3600);
const SCORED_RUN = 323940;

describe.each(['sqlite', 'postgres'] as const)('report definitions on the seeded demo (%s)', (name) => {
  let w: WritableDatabase;
  let db: Db;
  let catalog: Catalog;
  let defs: ReportDefinition[];
  let truth: Injected[];
  let evals: Evaluation[];
  let probes: ProbeRegistry;

  beforeAll(async () => {
    w = await writableDatabase(name);
    db = await openDb(w.url);
    // anomaly scores of the run of the bad day (the demo is seeded without them)
    await scoreDatabase(db, { range: [SCORED_RUN, SCORED_RUN], quiet: true, jobs: 1 });
    catalog = openCatalog(db);
    probes = await loadProbes();
    defs = loadDefinitions(defaultDefinitionsDir(), catalog, probes);
    truth = await injectedAnomalies(db, catalog);
    evals = [];
    for (const def of defs) evals.push(await evaluate(catalog, def, BAD));
  }, 180_000);

  afterAll(async () => {
    await db?.close();
    await w?.cleanup();
  });

  it('a period with injected anomalies: every covered bad anomaly raises an alarm of the report that covers it', () => {
    const missed: string[] = [];
    const kinds = new Set<string>();
    defs.forEach((def, i) => {
      const e = evals[i];
      expect(e.checks.filter((c) => c.state === 'failed').map((c) => `${def.id}/${c.id}: ${c.detail}`)).toEqual([]);
      const alarms = e.checks.flatMap(activeFindings);
      for (const a of truth.filter((x) => x.label === 'bad' && def.covers.includes(x.kind) && judged(e, x))) {
        kinds.add(a.kind);
        if (!alarms.some((f) => touches(f, a))) missed.push(`${def.id}: ${a.kind} run ${a.run} LS ${a.firstLs}–${a.lastLs}`);
      }
    });
    expect(missed).toEqual([]);
    // the period holds every bad kind some definition covers
    const covered = new Set(defs.flatMap((d) => d.covers));
    expect([...kinds].sort()).toEqual([...covered].sort());
  });

  it('the not-bad anomalies of the same period (luminosity drop, dead-time spike, prescale change) raise none', () => {
    const inPeriod = truth.filter((a) => a.label === 'not_bad' && a.start < BAD.end && a.end > BAD.start);
    expect(new Set(inPeriod.map((a) => a.kind))).toEqual(new Set(['lumi_drop', 'deadtime_spike', 'prescale_change']));
    const offenders: string[] = [];
    let alarms = 0;
    defs.forEach((def, i) => {
      for (const f of evals[i].checks.flatMap(activeFindings)) {
        alarms++;
        const hit = truth.filter((a) => touches(f, a));
        if (hit.length && !hit.some((a) => a.label === 'bad')) offenders.push(`${def.id}: ${f.sentence} (${hit.map((a) => a.kind).join(', ')})`);
      }
    });
    expect(alarms).toBeGreaterThan(15);
    expect(offenders).toEqual([]);
  });

  it('a clean period (a prescale change only) raises no alarm in any report', async () => {
    expect(truth.filter((a) => a.start < CLEAN.end && a.end > CLEAN.start).map((a) => a.kind)).toEqual(['prescale_change']);
    for (const def of defs) {
      const e = await evaluate(catalog, def, CLEAN);
      expect(
        e.checks.flatMap(activeFindings).map((f) => f.sentence),
        def.id,
      ).toEqual([]);
      expect(
        e.checks.filter((c) => c.state === 'failed'),
        def.id,
      ).toEqual([]);
    }
  });

  it('the job keeps alarm state in this database: raised in one period, resolved in the next; no data does not resolve', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `omsagg-${name}-`));
    try {
      const next = makePeriod(new Date(Date.parse(BAD.end) + BAD.seconds * 1000), BAD.seconds); // no run in it
      const res = await runReportJob({
        db,
        catalog,
        probes,
        definitions: defs.filter((d) => ['fed-errors', 'masked-rocs'].includes(d.id)),
        periods: [BAD, next],
        root,
        baseUrl: 'http://127.0.0.1/reports',
        notify: false,
      });
      expect(res.written.map((s) => `${s.report} ${s.status}`)).toEqual(['fed-errors alarm', 'masked-rocs alarm', 'fed-errors ok', 'masked-rocs no_data']);
      const rows = (await db
        .knex('omsagg_report_alarms')
        .select('report', 'check_id', 'group_key', 'state', 'transition', 'notified')
        .orderBy(['period_end', 'report', 'check_id', 'group_key'])) as Record<string, unknown>[];
      expect(rows.map((r) => `${r.report}/${r.check_id}/${r.group_key} ${r.state} ${r.transition} ${Number(r.notified)}`)).toEqual([
        'fed-errors/error-rate/1245 firing raised 1',
        'fed-errors/error-rate/1299 firing raised 1',
        'masked-rocs/jump/BPix_L4 firing raised 1',
        'masked-rocs/jump/FPix_Dp3 firing raised 1',
        'fed-errors/error-rate/1245 resolved resolved 1',
        'fed-errors/error-rate/1299 resolved resolved 1',
        'masked-rocs/fraction/* no_data raised 1',
        'masked-rocs/jump/* no_data raised 1',
        'masked-rocs/readings/* no_data raised 1',
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});
