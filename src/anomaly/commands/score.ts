// omsagg score: the command line of the scoring job (jobs/score.ts).
import { openDb, redact, type Db } from '../../db/connection.js';
import { scoreDatabase, type ScoreOptions } from '../jobs/score.js';
import { parseJobs } from '../jobs/run-pool.js';
import { nonNegative, parse, text, UsageError, withUsage } from './args.js';

export { scoreDatabase };

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

export async function run(args: string[]): Promise<number> {
  return withUsage('score', HELP, async () => {
    const { values: v } = parse(args, {
      db: { type: 'string' },
      runs: { type: 'string' },
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
    const url = text(v.db) ?? process.env.OMSAGG_DB ?? 'sqlite:data/omsagg.sqlite';
    const o: ScoreOptions = {
      range: v.runs === undefined ? undefined : parseRange(String(v.runs)),
      force: v.force === true,
      jobs: v.jobs === undefined ? undefined : jobsOf(v.jobs),
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

/** --jobs: a whole number ≥ 1 (the same check as eval's). */
export function jobsOf(v: string | boolean | undefined): number | undefined {
  try {
    return v === undefined ? undefined : parseJobs(String(v));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function parseRange(v: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(v.trim());
  if (!m) throw new UsageError(`--runs must be A-B or A, got '${v}'`);
  const a = Number(m[1]);
  const b = m[2] ? Number(m[2]) : a;
  if (b < a) throw new UsageError(`--runs ${v}: the range is empty`);
  return [a, b];
}

