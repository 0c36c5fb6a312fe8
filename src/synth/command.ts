// omsagg seed [--scale demo|week|month|year] [--seed N] [--anomaly-rate R] [--db URL] [--fresh]
import { parseArgs } from 'node:util';
import { openDb, redact } from '../db/connection.js';
import { DEFAULT_ANOMALY_RATE } from './anomalies.js';
import { SCALES, type Scale } from './plan.js';
import { makeProgress } from './progress.js';
import { DEFAULT_SEED, SeedConflictError, seedDatabase } from './seed.js';

const USAGE = `usage: omsagg seed [options]
  --scale demo|week|month|year   data set size (default demo: 4 fills; week/month/year use the real 2018 run list)
  --seed N                       random seed (default ${DEFAULT_SEED}); same seed → identical data
  --anomaly-rate R               injected anomalies of each kind per 1000 lumisections (default ${DEFAULT_ANOMALY_RATE})
  --db URL                       target database (default $OMSAGG_DB, else sqlite:data/omsagg.sqlite)
  --fresh                        replace an existing seed of other parameters
  --quiet                        no progress output
Re-running resumes an interrupted seed: finished fills are skipped.`;

export async function run(args: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        scale: { type: 'string', default: 'demo' },
        seed: { type: 'string', default: String(DEFAULT_SEED) },
        'anomaly-rate': { type: 'string', default: String(DEFAULT_ANOMALY_RATE) },
        db: { type: 'string' },
        fresh: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        'stop-after': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`omsagg seed: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const scale = values.scale as string;
  if (!SCALES.includes(scale as Scale)) {
    console.error(`omsagg seed: --scale must be one of ${SCALES.join(', ')} (got '${scale}')`);
    return 2;
  }
  const seed = Number(values.seed);
  const rate = Number(values['anomaly-rate']);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    console.error(`omsagg seed: --seed must be an integer 0..4294967295 (got '${values.seed}')`);
    return 2;
  }
  if (!Number.isFinite(rate) || rate < 0) {
    console.error(`omsagg seed: --anomaly-rate must be a number ≥ 0 (anomalies per kind per 1000 lumisections)`);
    return 2;
  }
  const stopAfter = values['stop-after'] === undefined ? undefined : Number(values['stop-after']);
  const url = (values.db as string | undefined) ?? process.env.OMSAGG_DB ?? 'sqlite:data/omsagg.sqlite';
  const log = (line: string) => {
    if (!values.quiet) process.stderr.write(`${line}\n`);
  };
  const db = await openDb(url);
  try {
    log(`seeding ${redact(url)}`);
    const res = await seedDatabase(db, {
      scale: scale as Scale, seed, anomalyRate: rate, fresh: values.fresh as boolean, stopAfterUnits: stopAfter,
      progress: makeProgress({ quiet: values.quiet as boolean }), log,
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
}
