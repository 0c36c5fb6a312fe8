// omsagg seed [--scale demo|week|month|year] [--seed N] [--anomaly-rate R] [--db URL] [--fresh]
import { openDb, redact } from '../db/connection.js';
import { DEFAULT_ANOMALY_RATE } from './anomalies.js';
import { SCALES, type Scale } from './plan.js';
import { makeProgress } from '../shared/progress.js';
import { command, databaseUrl, dbOptionHelp, nonNegative, UsageError, wholeNumber } from '../command-line/options.js';
import { DEFAULT_SEED, SeedConflictError, seedDatabase } from './seed.js';

const USAGE = `usage: omsagg seed [options]
  --scale demo|week|month|year   data set size (default demo: 4 fills; week/month/year use the real 2018 run list)
  --seed N                       random seed (default ${DEFAULT_SEED}); same seed → identical data
  --anomaly-rate R               injected anomalies of each kind per 1000 lumisections (default ${DEFAULT_ANOMALY_RATE})
  ${dbOptionHelp(31)}
  --fresh                        replace an existing seed of other parameters
  --quiet                        no progress output
Re-running resumes an interrupted seed: finished fills are skipped.`;

const OPTIONS = {
  scale: { type: 'string', default: 'demo' },
  seed: { type: 'string', default: String(DEFAULT_SEED) },
  'anomaly-rate': { type: 'string', default: String(DEFAULT_ANOMALY_RATE) },
  db: { type: 'string' },
  fresh: { type: 'boolean', default: false },
  quiet: { type: 'boolean', default: false },
  'stop-after': { type: 'string' },
} as const;

export const run = command('seed', USAGE, OPTIONS, async ({ values }) => {
  const scale = values.scale as string;
  if (!SCALES.includes(scale as Scale)) throw new UsageError(`--scale must be one of ${SCALES.join(', ')} (got '${scale}')`);
  const seed = wholeNumber('seed', values.seed, 0, 0xffffffff)!;
  const rate = nonNegative('anomaly-rate', values['anomaly-rate'])!;
  const stopAfter = wholeNumber('stop-after', values['stop-after'], 1);
  const url = databaseUrl(values.db);
  const log = (line: string) => {
    if (!values.quiet) process.stderr.write(`${line}\n`);
  };
  const db = await openDb(url);
  try {
    log(`seeding ${redact(url)}`);
    const res = await seedDatabase(db, {
      scale: scale as Scale,
      seed,
      anomalyRate: rate,
      fresh: values.fresh as boolean,
      stopAfterUnits: stopAfter,
      progress: makeProgress({ unit: 'lumisections', quiet: values.quiet as boolean }),
      log,
    });
    log(
      res.finished
        ? `seed finished: ${res.lumisections} lumisections, ${res.unitsDone} units written, ${res.unitsSkipped} already done, ${res.seconds.toFixed(1)} s`
        : `seed stopped after ${res.unitsDone} units (run again to resume)`,
    );
    return res.finished ? 0 : 3;
  } catch (err) {
    if (err instanceof SeedConflictError) {
      console.error(`omsagg seed: ${err.message}`);
      return 2;
    }
    throw err;
  } finally {
    await db.close();
  }
});
