// omsagg score: scores runs into omsagg_anomaly_scores (and nothing else), resumable and idempotent.
import cliProgress from 'cli-progress';
import { openDb, redact, type Db } from '../../db/connection.js';
import { defaultJobs, parseJobs, scoreRunsOnWorkers } from '../jobs/run-pool.js';
import { computeRun, doneMarkers, markerFor, newRunScoring, prepareRun, scoreMore, writeRun, type RunResult, type RunScoring } from '../jobs/score-run.js';
import { lastLumisection, listRuns, loadStaticLayout, type RunInfo, type StaticLayout } from '../jobs/source.js';

const HELP = `usage: omsagg score [--db URL] [--runs A-B] [--force] [--jobs N] [--follow [--poll S]] [--quiet]

Scores every lumisection of the selected runs with the anomaly models (rate, correlation, health,
combined) into omsagg_anomaly_scores. Each run is replaced in one transaction together with its
marker in omsagg_jobs (job 'score', unit 'run:N'); runs already marked done are skipped, so an
interrupted job resumes where it stopped and a second run changes nothing.

  --db URL      database (default $OMSAGG_DB or sqlite:data/omsagg.sqlite)
  --runs A-B    run range (or one run A)
  --force       rescore runs already marked done
  --jobs N      runs scored at once on worker threads (default: the cores, at most 4; 1 = no workers)
  --follow      after the selected runs, keep scoring new lumisections of the latest run as they
                appear (poll every --poll seconds, default 10); Ctrl-C stops
  --quiet       no progress output`;

export interface ScoreOptions {
  range?: [number, number];
  force?: boolean;
  /** runs scored at once on worker threads (1: in this thread) */
  jobs?: number;
  follow?: boolean;
  pollSeconds?: number;
  quiet?: boolean;
  /** stop following after this many polls without news (tests) */
  maxIdlePolls?: number;
  signal?: AbortSignal;
}

export interface ScoreSummary {
  runs: number;
  skipped: number;
  lumisections: number;
  flagged: number;
  alerts: number;
  seconds: number;
  /** threads the runs were scored on (1: this thread) */
  threads: number;
}

export async function run(args: string[]): Promise<number> {
  let url = process.env.OMSAGG_DB ?? 'sqlite:data/omsagg.sqlite';
  const o: ScoreOptions = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = () => {
      const x = args[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    try {
      if (a === '--help' || a === '-h') {
        console.log(HELP);
        return 0;
      } else if (a === '--db') url = v();
      else if (a === '--runs') o.range = parseRange(v());
      else if (a === '--force') o.force = true;
      else if (a === '--jobs') o.jobs = parseJobs(v());
      else if (a === '--follow') o.follow = true;
      else if (a === '--poll') o.pollSeconds = Number(v());
      else if (a === '--quiet') o.quiet = true;
      else throw new Error(`unknown option '${a}'`);
    } catch (err) {
      console.error(`omsagg score: ${(err as Error).message}\n\n${HELP}`);
      return 2;
    }
  }
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  let db: Db | null = null;
  try {
    db = await openDb(url);
    const s = await scoreDatabase(db, { ...o, signal: ac.signal });
    if (!o.quiet) {
      console.error(
        `omsagg score: ${s.runs} runs scored, ${s.skipped} already done; ${s.lumisections} lumisections in ${s.seconds.toFixed(1)} s ` +
          `(${Math.round(s.lumisections / Math.max(s.seconds, 1e-9))} LS/s on ${s.threads} thread${s.threads > 1 ? 's' : ''}), ${s.flagged} flagged in ${s.alerts} alerts (${redact(url)})`,
      );
    }
    return 0;
  } catch (err) {
    console.error(`omsagg score: ${(err as Error).message}`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    await db?.close();
  }
}

export function parseRange(v: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(v.trim());
  if (!m) throw new Error(`--runs must be A-B or A, got '${v}'`);
  const a = Number(m[1]);
  const b = m[2] ? Number(m[2]) : a;
  if (b < a) throw new Error(`--runs ${v}: the range is empty`);
  return [a, b];
}

interface Progress {
  start(total: number): void;
  tick(label: string): void;
  stop(): void;
}

function progress(quiet: boolean): Progress {
  if (quiet) return { start() {}, tick() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: 'score [{bar}] {value}/{total} runs | {label} | {duration_formatted}', stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    return { start: (t) => bar.start(t, 0, { label: '' }), tick: (label) => bar.increment({ label }), stop: () => bar.stop() };
  }
  let n = 0;
  let total = 0;
  return {
    start: (t) => (total = t),
    tick: (label) => process.stderr.write(`score: ${++n}/${total} ${label}\n`),
    stop() {},
  };
}

export async function scoreDatabase(db: Db, o: ScoreOptions = {}): Promise<ScoreSummary> {
  const t0 = performance.now();
  const s = await loadStaticLayout(db);
  const allRuns = await listRuns(db);
  const selected = o.range ? allRuns.filter((r) => r.run >= o.range![0] && r.run <= o.range![1]) : allRuns;
  const done = await doneMarkers(db);
  const summary: ScoreSummary = { runs: 0, skipped: 0, lumisections: 0, flagged: 0, alerts: 0, seconds: 0, threads: 1 };
  const bar = progress(o.quiet ?? false);
  bar.start(selected.length);
  const todo: RunInfo[] = [];
  for (const info of selected) {
    const marker = done.get(info.run);
    if (!o.force && marker && marker.lastLs >= (await lastLumisection(db, info.run))) {
      summary.skipped++;
      bar.tick(`run ${info.run} done before`);
    } else todo.push(info);
  }
  const record = async (r: RunResult) => {
    await writeRun(db, r.run, r.scores, r.marker);
    summary.runs++;
    summary.lumisections += r.scores.length;
    summary.flagged += r.marker.flagged;
    summary.alerts += r.marker.alerts;
    bar.tick(`run ${r.run}: ${r.scores.length} LS, ${r.marker.alerts} alerts`);
  };
  try {
    const jobs = o.jobs ?? defaultJobs();
    if (jobs > 1 && todo.length > 1) {
      summary.threads = Math.min(jobs, todo.length);
      await scoreRunsOnWorkers(db.url, todo.map((r) => r.run), { jobs, signal: o.signal }, record);
    } else {
      for (const info of todo) {
        if (o.signal?.aborted) break;
        await record(await computeRun(db, s, allRuns, info));
      }
    }
  } finally {
    bar.stop();
  }
  if (o.follow) await follow(db, s, o, summary);
  summary.seconds = (performance.now() - t0) / 1000;
  return summary;
}

/** Keeps scoring the latest run as lumisections arrive; a new run restarts from its first LS. */
async function follow(db: Db, s: StaticLayout, o: ScoreOptions, summary: ScoreSummary): Promise<void> {
  const pollMs = Math.max(0.05, o.pollSeconds ?? 10) * 1000;
  let state: RunScoring | null = null;
  let idle = 0;
  while (!o.signal?.aborted) {
    const runs = await listRuns(db);
    const latest = runs.at(-1);
    let news = false;
    if (latest && (!o.range || (latest.run >= o.range[0] && latest.run <= o.range[1]))) {
      if (!state || state.prepared.info.run !== latest.run) {
        state = newRunScoring(await prepareRun(db, s, runs, latest));
        const fresh = await scoreMore(db, s, state);
        await writeRun(db, latest.run, state.scores, markerFor(state));
        news = fresh.length > 0;
      } else {
        const fresh = await scoreMore(db, s, state);
        if (fresh.length) {
          await writeRun(db, latest.run, fresh, markerFor(state), true);
          news = true;
        }
      }
      if (news && !o.quiet) {
        const flagged = state.scores.filter((x) => x.models.combined.flag).length;
        process.stderr.write(`score --follow: run ${latest.run} up to LS ${state.lastLs}, ${flagged} flagged\n`);
      }
    }
    if (news) {
      idle = 0;
    } else if (o.maxIdlePolls !== undefined && ++idle >= o.maxIdlePolls) break;
    await sleep(pollMs, o.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });
}
