// omsagg score as a job: scores runs into omsagg_anomaly_scores (and nothing else), resumable and
// idempotent; --follow keeps scoring the latest run as lumisections arrive.
import type { Db } from '../../db/connection.js';
import { makeProgress } from '../../shared/progress.js';
import { defaultJobs, scoreRunsOnWorkers } from './run-pool.js';
import { computeRun, doneMarkers, markerFor, newRunScoring, prepareRun, scoreMore, writeRun, type RunResult, type RunScoring } from './score-run.js';
import { lastLumisection, listRuns, loadStaticLayout, type RunInfo, type StaticLayout } from './source.js';

export interface ScoreOptions {
  range?: [number, number];
  /** this process scores shard `index` of `count`: the runs with run_number mod count = index (an indexed Job's pods split the runs without talking to each other) */
  shard?: { index: number; count: number };
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

export async function scoreDatabase(db: Db, o: ScoreOptions = {}): Promise<ScoreSummary> {
  const t0 = performance.now();
  const s = await loadStaticLayout(db);
  const allRuns = await listRuns(db);
  const selected = allRuns.filter((r) => inRange(r.run, o.range) && inShard(r.run, o.shard));
  const done = await doneMarkers(db);
  const summary: ScoreSummary = { runs: 0, skipped: 0, lumisections: 0, flagged: 0, alerts: 0, seconds: 0, threads: 1 };
  const bar = makeProgress({ unit: 'runs', quiet: o.quiet ?? false });
  bar.start(selected.length, o.shard ? `score shard ${o.shard.index}/${o.shard.count}` : 'score');
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
      await scoreRunsOnWorkers(
        db.url,
        todo.map((r) => r.run),
        { jobs, signal: o.signal },
        record,
      );
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

const inRange = (run: number, range: ScoreOptions['range']) => !range || (run >= range[0] && run <= range[1]);
const inShard = (run: number, shard: ScoreOptions['shard']) => !shard || run % shard.count === shard.index;

/** Keeps scoring the latest run as lumisections arrive; a new run restarts from its first LS. */
async function follow(db: Db, s: StaticLayout, o: ScoreOptions, _summary: ScoreSummary): Promise<void> {
  const pollMs = Math.max(0.05, o.pollSeconds ?? 10) * 1000;
  let state: RunScoring | null = null;
  let idle = 0;
  while (!o.signal?.aborted) {
    const runs = await listRuns(db);
    const latest = runs.at(-1);
    let news = false;
    if (latest && inRange(latest.run, o.range) && inShard(latest.run, o.shard)) {
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
