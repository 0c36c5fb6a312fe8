// `seed`: creates the schema and fills it unit by unit (static tables, then fill by fill). Each unit
// is one transaction together with its marker in omsagg_jobs, so a killed seed resumes where it
// stopped and ends byte-identical to a clean run.
import type { Db } from '../db/connection.js';
import { createSchema, dropBulkIndexes, ensureIndexes, getMeta, setMeta } from '../db/schema.js';
import { TABLES } from '../db/tables.js';
import { DEFAULT_ANOMALY_RATE } from './anomalies.js';
import { GENERATOR_VERSION, buildContext, generateFill, generateStatic } from './generate.js';
import { buildPlan, selectFills, summarize, type Plan, type PlannedFill, type Scale } from './plan.js';
import { LS_SECONDS } from './physics.js';
import { openWriter } from './sink.js';
import { summarize as summarizeRuns } from '../summaries/summarize.js';
import { loadResources } from '../resources/loader.js';
import { makeProgress, type ProgressDisplay } from '../shared/progress.js';

export const SEED_JOB = 'seed';
export const DEFAULT_SEED = 2018;

export interface SeedOptions {
  scale: Scale;
  seed?: number;
  anomalyRate?: number;
  /** drop the existing seed data first (otherwise a different seed/scale in the database is an error) */
  fresh?: boolean;
  /** testing: only the first N fills of the scale (recorded in omsagg_meta as fills_limit) */
  maxFills?: number;
  /** testing: cap every run at this many lumisections (recorded in omsagg_meta as ls_limit) */
  maxLsPerRun?: number;
  /** testing: stop (as if killed) after this many units have been committed in this call */
  stopAfterUnits?: number;
  progress?: ProgressDisplay;
  log?: (line: string) => void;
}

export interface SeedResult {
  finished: boolean;
  unitsDone: number;
  unitsSkipped: number;
  lumisections: number;
  seconds: number;
}

export class SeedConflictError extends Error {}

/** Tables `seed` fills (everything but omsagg_anomaly_scores and the report job's omsagg_report_*). */
export const SEEDED_TABLES = TABLES.filter((t) => t.name !== 'omsagg_anomaly_scores' && t.name !== 'omsagg_meta' && !t.name.startsWith('omsagg_report_')).map((t) => t.name);

export function seedMeta(scale: Scale, seed: number, anomalyRate: number, maxFills?: number, maxLsPerRun?: number): Record<string, string> {
  return {
    generator_version: GENERATOR_VERSION,
    seed: String(seed),
    scale,
    anomaly_rate: String(anomalyRate),
    fills_limit: maxFills === undefined ? 'all' : String(maxFills),
    ls_limit: maxLsPerRun === undefined ? 'all' : String(maxLsPerRun),
  };
}

/** The fills a seed generates (scale, then the test limits). */
export function seedFills(plan: Plan, opts: Pick<SeedOptions, 'scale' | 'maxFills' | 'maxLsPerRun'>): PlannedFill[] {
  const fills = selectFills(plan, opts.scale).slice(0, opts.maxFills ?? Infinity);
  const cap = opts.maxLsPerRun;
  if (cap === undefined) return fills;
  return fills.map((f) => ({
    ...f,
    runs: f.runs.map((r) => (r.nls <= cap ? r : { ...r, nls: cap, end: r.start + Math.round(cap * LS_SECONDS * 1000) })),
  }));
}

/** True when the database holds a finished seed of exactly these parameters. */
export async function seedIsComplete(db: Db, scale: Scale, seed = DEFAULT_SEED, anomalyRate = DEFAULT_ANOMALY_RATE): Promise<boolean> {
  const meta = await getMeta(db);
  const want = seedMeta(scale, seed, anomalyRate);
  return meta.seed_state === 'finished' && Object.entries(want).every(([k, v]) => meta[k] === v);
}

export async function seedDatabase(db: Db, opts: SeedOptions): Promise<SeedResult> {
  const t0 = Date.now();
  const seed = opts.seed ?? DEFAULT_SEED;
  const anomalyRate = opts.anomalyRate ?? DEFAULT_ANOMALY_RATE;
  const log = opts.log ?? (() => {});
  const want = seedMeta(opts.scale, seed, anomalyRate, opts.maxFills, opts.maxLsPerRun);

  await createSchema(db);
  const meta = await getMeta(db);
  const hasSeed = meta.seed !== undefined;
  const same = hasSeed && Object.entries(want).every(([k, v]) => meta[k] === v);
  if (hasSeed && !same && !opts.fresh) {
    throw new SeedConflictError(
      `the database already holds seed ${meta.seed} scale ${meta.scale} (generator ${meta.generator_version}, anomaly rate ${meta.anomaly_rate}); ` + `use --fresh to replace it, or another database`,
    );
  }
  if (opts.fresh && hasSeed) {
    log('removing the previous seed data');
    for (const t of [...SEEDED_TABLES, 'omsagg_anomaly_scores']) await db.knex(t).delete();
    await db.knex('omsagg_meta').whereNot('key', 'schema_version').delete();
  }
  await setMeta(db, { ...want, seed_state: 'running' });
  const done = new Set(((await db.knex('omsagg_jobs').where({ job: SEED_JOB, state: 'done' }).select('unit')) as { unit: string }[]).map((r) => r.unit));

  const plan = buildPlan(seed);
  const fills = seedFills(plan, opts);
  const ctx = buildContext(seed, opts.scale, anomalyRate);
  const summary = summarize(fills);
  log(`seed ${seed}, scale ${opts.scale}: ${summary.fills} fills, ${summary.runs} runs, ${summary.lumisections} lumisections, ${ctx.hlt.length} HLT paths, ${ctx.l1.length} L1 bits`);
  const progress = opts.progress ?? makeProgress({ unit: 'lumisections', quiet: true });
  const units = fills.length + 1;
  let committed = 0;
  let skipped = 0;
  const marker = (unit: string, detail: string) => [SEED_JOB, unit, 'done', detail, new Date().toISOString().slice(0, 19) + 'Z'];
  const stopNow = () => opts.stopAfterUnits !== undefined && committed >= opts.stopAfterUnits;

  const bulk = db.dialect !== 'oracle' && fills.some((f) => !done.has(`fill:${f.fillNumber}`));
  if (bulk) await dropBulkIndexes(db);
  // the writer holds the (single SQLite) connection: no knex queries until it is closed
  const writer = await openWriter(db);
  try {
    progress.start(summary.lumisections, `seed ${opts.scale}`);
    if (done.has('static')) skipped++;
    else {
      await writer.transaction(async (sink) => {
        await generateStatic(ctx, sink);
        await sink.write('omsagg_jobs', [marker('static', 'menus, prescales, pixel geometry, FED error types')]);
      });
      committed++;
    }
    let lsBefore = 0;
    for (const fill of fills) {
      const unit = `fill:${fill.fillNumber}`;
      const fillLs = fill.runs.reduce((s, r) => s + r.nls, 0);
      if (done.has(unit)) skipped++;
      else {
        if (stopNow()) break;
        await writer.transaction(async (sink) => {
          await generateFill(ctx, fill, lsBefore, sink);
          await sink.write('omsagg_jobs', [marker(unit, `${fill.runs.length} runs, ${fillLs} lumisections`)]);
        });
        committed++;
      }
      lsBefore += fillLs;
      progress.update(lsBefore, `fill ${fill.fillNumber}`);
    }
    progress.stop();
  } finally {
    await writer.close();
  }
  const finished = committed + skipped === units;
  if (bulk) await ensureIndexes(db);
  if (finished) {
    // the folded rows per run the engine answers group[granularity] from (resumable, before 'finished')
    const t1 = Date.now();
    const folded = await summarizeRuns(db, loadResources().all);
    if (folded.runs) opts.log?.(`summarized ${folded.runs} run folds (${folded.rows} rows) in ${((Date.now() - t1) / 1000).toFixed(0)} s`);
    await setMeta(db, { seed_state: 'finished', seed_lumisections: String(summary.lumisections) });
    if (db.dialect === 'sqlite') {
      // a self-contained file (no -wal/-shm) that read-only connections can open anywhere
      await db.knex.raw('PRAGMA wal_checkpoint(TRUNCATE)');
      await db.knex.raw('PRAGMA journal_mode = DELETE');
    }
    // full statistics: with sampled ones SQLite misjudges how many rows a run or a path holds and
    // picks the wrong index for the engine's common shapes (run + path walked the whole run)
    if (db.dialect === 'sqlite') await db.knex.raw('PRAGMA analysis_limit = 0');
    await db.knex.raw('ANALYZE');
  }
  return { finished, unitsDone: committed, unitsSkipped: skipped, lumisections: summary.lumisections, seconds: (Date.now() - t0) / 1000 };
}
