// omsagg eval: scores every run of a seeded database in memory (nothing is written) and compares
// the combined model and the two baselines against the injected ground truth.
import { openDb, redact, type Db } from '../../db/connection.js';
import { RATE_DROP_THRESHOLD, ZSCORE_THRESHOLD } from '../lumi/baselines.js';
import { evaluate, type LabelledSpan, type Metrics, type ScoredLs } from '../eval/metrics.js';
import { defaultJobs, parseJobs, scoreRunsOnWorkers } from '../jobs/run-pool.js';
import { computeRun, type RunResult } from '../jobs/score-run.js';
import { listRuns, loadStaticLayout, readRun } from '../jobs/source.js';

const HELP = `usage: omsagg eval [--db URL] [--scale S] [--max-fills N] [--anomaly-rate R] [--jobs N] [--json]

Evaluates the anomaly models against the anomalies the generator injected (omsagg_injected_anomalies):
per kind and overall ROC AUC, precision and recall at the operating point, false alarms on clean
lumisections, median detection delay, beside two baselines (a fixed ${RATE_DROP_THRESHOLD * 100} % drop of the total rate,
and a per-path z-score > ${ZSCORE_THRESHOLD}); and the scoring speed. Not-bad kinds count as negatives.

  --db URL          database to evaluate (default sqlite:data/eval.sqlite, seeded on first use)
  --scale S         scale seeded into the default database (default week)
  --max-fills N     fills seeded into the default database (default 10)
  --anomaly-rate R  anomalies per kind per 1000 LS seeded (default 2)
  --jobs N          runs scored at once on worker threads (default: the cores, at most 4)
  --json            print the metrics as JSON too`;

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

export async function run(args: string[]): Promise<number> {
  let url: string | undefined;
  let scale = 'week';
  let maxFills = 10;
  let rate = 2;
  let json = false;
  let jobs = defaultJobs();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--help' || a === '-h') {
      console.log(HELP);
      return 0;
    } else if (a === '--db') url = args[++i];
    else if (a === '--scale') scale = args[++i];
    else if (a === '--max-fills') maxFills = Number(args[++i]);
    else if (a === '--anomaly-rate') rate = Number(args[++i]);
    else if (a === '--json') json = true;
    else if (a === '--jobs') {
      try {
        jobs = parseJobs(args[++i]);
      } catch (err) {
        console.error(`omsagg eval: ${(err as Error).message}\n\n${HELP}`);
        return 2;
      }
    }
    else {
      console.error(`omsagg eval: unknown option '${a}'\n\n${HELP}`);
      return 2;
    }
  }
  const target = url ?? 'sqlite:data/eval.sqlite';
  const db = await openDb(target);
  try {
    if (!url) await ensureSeeded(db, scale, maxFills, rate);
    const res = await evaluateDatabase(db, { jobs });
    console.log(formatReport(res, redact(target)));
    if (json) console.log(JSON.stringify(res, null, 2));
    return 0;
  } catch (err) {
    console.error(`omsagg eval: ${(err as Error).message}`);
    return 1;
  } finally {
    await db.close();
  }
}

async function ensureSeeded(db: Db, scale: string, maxFills: number, anomalyRate: number): Promise<void> {
  const seed = await import('../../synth/seed.js');
  const { makeProgress } = await import('../../synth/progress.js');
  process.stderr.write(`eval: seeding scale ${scale} (${maxFills} fills, ${anomalyRate} anomalies/kind/1000 LS) unless already there\n`);
  const res = await seed.seedDatabase(db, {
    scale: scale as Parameters<typeof seed.seedDatabase>[1]['scale'],
    anomalyRate,
    maxFills,
    fresh: false,
    progress: makeProgress({}),
    log: (l) => process.stderr.write(`${l}\n`),
  });
  if (!res.finished) throw new Error('seeding the evaluation database did not finish');
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
  if (useWorkers) await scoreRunsOnWorkers(db.url, runs.map((r) => r.run), { jobs, baselines: true }, collect);
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
  lines.push(`  recall ≥ ${GOALS.recall} (events) at ≤ ${GOALS.falseAlarm * 100} % false alarms: ${f3(o.eventRecall)} at ${pct(o.falseAlarmRate)} — ${good(o.eventRecall >= GOALS.recall && o.falseAlarmRate <= GOALS.falseAlarm)}`);
  lines.push(`  median detection delay ≤ ${GOALS.stepDelayLs} LS for step changes (worst kind): ${d1(stepDelay)} — ${good(stepDelay <= GOALS.stepDelayLs)}`);
  const above = r.model.perKind.filter((k) => k.label === 'bad').every((k) => {
    const d = r.rateDrop.perKind.find((x) => x.kind === k.kind)!;
    const z = r.zScore.perKind.find((x) => x.kind === k.kind)!;
    return k.auc > d.auc && k.auc > z.auc;
  });
  lines.push(`  every bad kind above both baselines (AUC): ${good(above)}`);
  return lines.join('\n');
}
