// The lumisection evaluation (omsagg eval): scores every run of a seeded database in memory (nothing
// is written) and compares the combined model and the two baselines with the injected ground truth.
import type { Db } from '../../db/connection.js';
import { RATE_DROP_THRESHOLD, ZSCORE_THRESHOLD } from '../lumi/baselines.js';
import { evaluate, type LabelledSpan, type Metrics, type ScoredLs } from './metrics.js';
import { scoreRunsOnWorkers } from '../jobs/run-pool.js';
import { computeRun, type RunResult } from '../jobs/score-run.js';
import { listRuns, loadStaticLayout, readRun } from '../jobs/source.js';

export { RATE_DROP_THRESHOLD, ZSCORE_THRESHOLD };

export const GOALS = { auc: 0.98, recall: 0.9, falseAlarm: 0.005, stepDelayLs: 2 };

export interface EvalResult {
  model: Metrics;
  rateDrop: Metrics;
  zScore: Metrics;
  lumisections: number;
  /** wall clock of scoring every run (reference learning + read + models) on `jobs` threads */
  scoreSeconds: number;
  /** one thread reading the same rows, nothing else */
  readSeconds: number;
  jobs: number;
}

export async function evaluateDatabase(db: Db, opts: { runs?: [number, number]; jobs?: number } = {}): Promise<EvalResult> {
  const s = await loadStaticLayout(db);
  const allRuns = await listRuns(db);
  const runs = opts.runs ? allRuns.filter((r) => r.run >= opts.runs![0] && r.run <= opts.runs![1]) : allRuns;
  const spans: LabelledSpan[] = ((await db.knex('omsagg_injected_anomalies').select()) as Record<string, unknown>[]).map((r) => ({
    kind: String(r.kind),
    label: r.label === 'not_bad' ? 'not_bad' : 'bad',
    run: Number(r.run_number),
    first: Number(r.first_lumisection_number),
    last: Number(r.last_lumisection_number),
  }));
  const model: ScoredLs[] = [];
  const drop: ScoredLs[] = [];
  const zs: ScoredLs[] = [];
  const results: RunResult[] = [];
  const collect = async (r: RunResult) => void results.push(r);
  const jobs = opts.jobs ?? 1;
  const useWorkers = jobs > 1 && runs.length > 1;
  const t0 = performance.now();
  if (useWorkers)
    await scoreRunsOnWorkers(
      db.url,
      runs.map((r) => r.run),
      { jobs, baselines: true },
      collect,
    );
  else for (const info of runs) await collect(await computeRun(db, s, allRuns, info, true));
  const scoreMs = performance.now() - t0;
  // the same rows, plainly read in one thread, for the speed ratio
  const t1 = performance.now();
  const infoOf = new Map(runs.map((r) => [r.run, r]));
  for (const r of results) await readRun(db, s, r.pathIds, infoOf.get(r.run)!);
  const readMs = performance.now() - t1;
  results.sort((a, b) => a.run - b.run);
  for (const r of results) {
    for (const sc of r.scores) model.push({ run: sc.run, ls: sc.ls, score: sc.models.combined.score, flag: sc.models.combined.flag });
    const b = r.baselines!;
    b.drop.forEach((x, i) => drop.push({ run: r.run, ls: b.ls[i], score: x.score, flag: x.flag }));
    b.zscore.forEach((x, i) => zs.push({ run: r.run, ls: b.ls[i], score: x.score, flag: x.flag }));
  }
  return {
    model: evaluate(spans, model),
    rateDrop: evaluate(spans, drop),
    zScore: evaluate(spans, zs),
    lumisections: model.length,
    scoreSeconds: scoreMs / 1000,
    readSeconds: readMs / 1000,
    jobs: useWorkers ? Math.min(jobs, runs.length) : 1,
  };
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '  —  ');
const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(2)} %` : '—');
const d1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');

export function formatReport(r: EvalResult, where: string): string {
  const lines: string[] = [];
  lines.push(`omsagg eval on ${where}: ${r.lumisections} lumisections`);
  lines.push('');
  lines.push('kind               label    n  LS  | model: AUC  LS-flag evRecall delay | rate-drop: AUC  LS-flag | z-score: AUC  LS-flag');
  for (const k of r.model.perKind) {
    const d = r.rateDrop.perKind.find((x) => x.kind === k.kind)!;
    const z = r.zScore.perKind.find((x) => x.kind === k.kind)!;
    lines.push(
      `${k.kind.padEnd(18)} ${k.label.padEnd(7)} ${String(k.anomalies).padStart(3)} ${String(k.lumisections).padStart(4)} |` +
        `  ${f3(k.auc)}  ${f3(k.lsFlagRate)}  ${f3(k.eventRecall)}  ${d1(k.medianDelayLs).padStart(4)} |` +
        `  ${f3(d.auc)}  ${f3(d.lsFlagRate)} |  ${f3(z.auc)}  ${f3(z.lsFlagRate)}`,
    );
  }
  lines.push('(for not_bad kinds LS-flag is the share wrongly flagged: 0 is right)');
  lines.push('');
  const row = (name: string, m: Metrics) =>
    `${name.padEnd(10)} AUC ${f3(m.overall.auc)}  precision ${f3(m.overall.precision)}  LS recall ${f3(m.overall.lsRecall)}  ` +
    `event recall ${f3(m.overall.eventRecall)}  false alarms ${pct(m.overall.falseAlarmRate)} of ${m.overall.cleanLs} clean LS  ` +
    `not-bad flagged ${pct(m.overall.notBadFlagRate)}  median delay ${d1(m.overall.medianDelayLs)} LS`;
  lines.push(row('model', r.model));
  lines.push(row('rate-drop', r.rateDrop));
  lines.push(row('z-score', r.zScore));
  lines.push('');
  const lsPerS = r.lumisections / Math.max(r.scoreSeconds, 1e-9);
  lines.push(
    `speed: ${Math.round(lsPerS)} LS/s scored on ${r.jobs} thread${r.jobs > 1 ? 's' : ''} (wall clock: reference learning + read + models), ` +
      `${Math.round(r.lumisections / Math.max(r.readSeconds, 1e-9))} LS/s plain read of the same rows in one thread; ratio ${(r.scoreSeconds / Math.max(r.readSeconds, 1e-9)).toFixed(2)}×`,
  );
  const o = r.model.overall;
  const step = r.model.perKind.filter((k) => ['path_drop', 'hv_trip', 'fed_burst', 'masked_roc_jump'].includes(k.kind)).map((k) => k.medianDelayLs);
  const stepDelay = step.length ? Math.max(...step.filter(Number.isFinite)) : NaN;
  const good = (b: boolean) => (b ? 'met' : 'NOT met');
  lines.push('goals:');
  lines.push(`  overall ROC AUC ≥ ${GOALS.auc}: ${o.auc.toFixed(4)} — ${good(o.auc >= GOALS.auc)}`);
  lines.push(
    `  recall ≥ ${GOALS.recall} (events) at ≤ ${GOALS.falseAlarm * 100} % false alarms: ${f3(o.eventRecall)} at ${pct(o.falseAlarmRate)} — ${good(o.eventRecall >= GOALS.recall && o.falseAlarmRate <= GOALS.falseAlarm)}`,
  );
  lines.push(`  median detection delay ≤ ${GOALS.stepDelayLs} LS for step changes (worst kind): ${d1(stepDelay)} — ${good(stepDelay <= GOALS.stepDelayLs)}`);
  const above = r.model.perKind
    .filter((k) => k.label === 'bad')
    .every((k) => {
      const d = r.rateDrop.perKind.find((x) => x.kind === k.kind)!;
      const z = r.zScore.perKind.find((x) => x.kind === k.kind)!;
      return k.auc > d.auc && k.auc > z.auc;
    });
  lines.push(`  every bad kind above both baselines (AUC): ${good(above)}`);
  return lines.join('\n');
}
