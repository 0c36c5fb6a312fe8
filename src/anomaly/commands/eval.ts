// omsagg eval: the evaluations, printed. `omsagg eval [lumi]` scores a seeded database against the
// anomalies the generator injected (eval/lumi.ts); `omsagg eval detect` measures the series detector
// on data nobody here generated and on hard generated shapes (eval/detect.ts).
import fs from 'node:fs';
import path from 'node:path';
import { openDb, redact } from '../../db/connection.js';
import { getMeta } from '../../db/schema.js';
import { defaultJobs } from '../jobs/run-pool.js';
import { evaluateDatabase, formatReport } from '../eval/lumi.js';
import { evaluateDetect, formatDetectReport } from '../eval/detect.js';
import { parse, text, UsageError, wholeNumber, withUsage } from '../../command-line/options.js';

const DEFAULT_DB = 'sqlite:data/eval-week.sqlite';
const DEFAULT_SKAB = '../shared/skab';

const HELP = `usage: omsagg eval [lumi] [--db URL] [--jobs N] [--json]
       omsagg eval detect [--skab DIR] [--short] [--seed N] [--json]

lumi (the default): evaluates the lumisection models against the anomalies the generator injected
into a seeded database (omsagg_injected_anomalies): per kind and overall ROC AUC, precision and
recall at the operating point, false alarms on clean lumisections, median detection delay, beside
two baselines; and the scoring speed. Not-bad kinds count as negatives. Seed the database first:
  omsagg seed --scale week --anomaly-rate 2 --db ${DEFAULT_DB}      (npm run eval:anomaly does both)

detect: evaluates omsagg detect on SKAB (read from --skab, skipped when absent) under its
leaderboard's protocol beside the leaderboard, the flag rate on SKAB's anomaly-free run, generated
series with hard shapes (anomaly-free and with injected anomalies), a trigger-rate benchmark, and
the speed through the CSV path.

  --db URL       database to evaluate (default ${DEFAULT_DB})
  --jobs N       runs scored at once on worker threads (default: the cores, at most 4)
  --skab DIR     the SKAB folder (default ${DEFAULT_SKAB}; GPL-3.0, read in place, never copied)
  --short        the short detect evaluation of CI (fewer files, shorter series)
  --seed N       seed of the generated series (default 1)
  --json         print the figures as JSON too`;

export async function run(args: string[]): Promise<number> {
  return withUsage('eval', HELP, async () => {
    const { values: v, positionals } = parse(
      args,
      { db: { type: 'string' }, jobs: { type: 'string' }, skab: { type: 'string' }, short: { type: 'boolean' }, seed: { type: 'string' }, json: { type: 'boolean' } },
      true,
    );
    if (v.help) {
      console.log(HELP);
      return 0;
    }
    const subject = positionals[0] ?? 'lumi';
    if (positionals.length > 1 || !['lumi', 'detect'].includes(subject)) throw new UsageError(`what to evaluate: 'lumi' or 'detect', got '${positionals.join(' ')}'`);
    if (subject === 'detect') {
      if (v.db !== undefined || v.jobs !== undefined) throw new UsageError('--db and --jobs are options of the lumi evaluation');
      const res = await evaluateDetect({ skabDir: path.resolve(text(v.skab) ?? DEFAULT_SKAB), short: v.short === true, seed: wholeNumber('seed', v.seed, 0) });
      console.log(formatDetectReport(res));
      if (v.json) console.log(JSON.stringify(res, null, 2));
      return 0;
    }
    if (v.skab !== undefined || v.short !== undefined || v.seed !== undefined) throw new UsageError('--skab, --short and --seed are options of the detect evaluation');
    const jobs = wholeNumber('jobs', v.jobs, 1) ?? defaultJobs();
    const url = text(v.db) ?? DEFAULT_DB;
    const file = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : null;
    if (file && !fs.existsSync(file)) {
      console.error(`omsagg eval: ${file} does not exist; seed it first: omsagg seed --scale week --anomaly-rate 2 --db ${url}`);
      return 1;
    }
    const db = await openDb(url, { readonly: true });
    try {
      const meta = await getMeta(db).catch(() => ({}) as Record<string, string>);
      if (meta.seed_state !== 'finished') {
        console.error(`omsagg eval: ${redact(url)} holds no finished seed; seed it first: omsagg seed --scale week --anomaly-rate 2 --db ${redact(url)}`);
        return 1;
      }
      const res = await evaluateDatabase(db, { jobs });
      console.log(formatReport(res, redact(url)));
      if (v.json) console.log(JSON.stringify(res, null, 2));
      return 0;
    } finally {
      await db.close();
    }
  });
}
