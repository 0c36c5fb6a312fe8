// omsagg score: the command line of the scoring job (jobs/score.ts).
import { openDb, redact, type Db } from '../../db/connection.js';
import { scoreDatabase, type ScoreOptions } from '../jobs/score.js';
import { databaseUrl, dbOptionHelp, nonNegative, numberRange, parse, UsageError, wholeNumber, withUsage } from '../../command-line/options.js';

export { scoreDatabase };

const HELP = `usage: omsagg score [--db URL] [--runs A-B] [--shard I/N] [--force] [--jobs N] [--follow [--poll S]] [--quiet]

Scores every lumisection of the selected runs with the anomaly models (rate, correlation, health,
combined) into omsagg_anomaly_scores. Each run is replaced in one transaction together with its
marker in omsagg_jobs (job 'score', unit 'run:N'); runs already marked done are skipped, so an
interrupted job resumes where it stopped and a second run changes nothing.

  ${dbOptionHelp(14)}
  --runs A-B    run range (or one run A)
  --shard I/N   only the runs with run_number mod N = I (0 ≤ I < N): N processes, e.g. the pods of an
                indexed Job (I = the completion index), score the runs between them without overlap
  --force       rescore runs already marked done
  --jobs N      runs scored at once on worker threads (default: the cores, at most 4; 1 = no workers)
  --follow      after the selected runs, keep scoring new lumisections of the latest run as they
                appear (poll every --poll seconds, default 10); Ctrl-C stops
  --quiet       no progress output`;

export async function run(args: string[]): Promise<number> {
  return withUsage('score', HELP, async () => {
    const { values: v } = parse(args, {
      db: { type: 'string' },
      runs: { type: 'string' },
      shard: { type: 'string' },
      force: { type: 'boolean' },
      jobs: { type: 'string' },
      follow: { type: 'boolean' },
      poll: { type: 'string' },
      quiet: { type: 'boolean' },
    });
    if (v.help) {
      console.log(HELP);
      return 0;
    }
    const url = databaseUrl(v.db);
    const o: ScoreOptions = {
      range: numberRange('runs', v.runs),
      shard: shardOf(v.shard),
      force: v.force === true,
      jobs: wholeNumber('jobs', v.jobs, 1),
      follow: v.follow === true,
      pollSeconds: nonNegative('poll', v.poll),
      quiet: v.quiet === true,
    };
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
      if (err instanceof UsageError) throw err;
      console.error(`omsagg score: ${(err as Error).message}`);
      return 1;
    } finally {
      process.off('SIGINT', onSigint);
      await db?.close();
    }
  });
}

/** --shard I/N: N ≥ 1 processes, this one number I (0-based); `$JOB_COMPLETION_INDEX/N` works in a Kubernetes indexed Job. */
export function shardOf(v: string | boolean | undefined): ScoreOptions['shard'] {
  if (v === undefined) return undefined;
  const m = typeof v === 'string' ? /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(v) : null;
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index >= count) throw new UsageError(`--shard must be I/N with 0 ≤ I < N (e.g. 0/4), got '${String(v)}'`);
  return { index, count };
}
