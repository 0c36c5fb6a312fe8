// Scoring one run from the database, and writing its scores: delete-then-insert in one transaction,
// with the run's progress marker in omsagg_jobs in the same transaction.
import type { Db } from '../../db/connection.js';
import { rateDropBaseline, zScoreBaseline, type BaselineScore } from '../lumi/baselines.js';
import { buildReference, RunScorer, SELF_REFERENCE_AT, type LumiScore, type Reference } from '../lumi/scorer.js';
import { readRun, REFERENCE_LS, REFERENCE_RUNS, runLayout, significantPaths, type RunInfo, type StaticLayout } from './source.js';
import type { Contributor, LumiInput, ModelName, RunLayout } from '../lumi/types.js';
import { MODEL_NAMES } from '../lumi/types.js';

export const SCORE_JOB = 'score';
/** lumisections of a run's own start the health reference is learned from when no earlier run exists */
export const SELF_REFERENCE_LS = 60;
const MIN_REFERENCE_RUN_LS = 30;

export interface PreparedRun {
  info: RunInfo;
  layout: RunLayout;
  pathIds: number[];
  reference: Reference;
  /** where the reference came from, for the job marker */
  referenceNote: string;
  /** false for a run with no earlier run: the path models learn from the run's own past (lumi-scorer) */
  pathModels: boolean;
}

/** Learns the reference of `info` from up to REFERENCE_RUNS earlier runs (sampled), or its own start (health model; the path models then learn from the run's own past as it is scored). */
export async function prepareRun(db: Db, s: StaticLayout, allRuns: RunInfo[], info: RunInfo): Promise<PreparedRun> {
  const before = allRuns.filter((r) => r.run < info.run && r.lastLs >= MIN_REFERENCE_RUN_LS).slice(-REFERENCE_RUNS);
  const refRuns = before.length ? before : [info];
  const sig = await significantPaths(db, refRuns);
  const pathIds = s.pathIds.filter((id) => sig.has(id));
  const layout = runLayout(s, pathIds);
  let ref: LumiInput[][];
  let note: string;
  if (before.length) {
    ref = [];
    for (const r of before) ref.push(await readReferenceRun(db, s, r, pathIds, before.length));
    note = `reference: runs ${before.map((r) => r.run).join(',')} (${ref.reduce((a, x) => a + x.length, 0)} LS sampled in pairs)`;
  } else {
    const own = await readRun(db, s, pathIds, info);
    ref = [own.slice(0, SELF_REFERENCE_LS)];
    note = `reference: no earlier run: health from the first ${SELF_REFERENCE_LS} LS, path models from this run's own past (from LS ${SELF_REFERENCE_AT[0]}, relearned as it goes)`;
  }
  return { info, layout, pathIds, reference: buildReference(layout, ref), referenceNote: note, pathModels: before.length > 0 };
}

// Consecutive runs share most of their reference runs (and mostly the same significant paths):
// keep the last few reads.
const refCache = new Map<string, LumiInput[]>();
const REF_CACHE_SIZE = 2 * REFERENCE_RUNS;

async function readReferenceRun(db: Db, s: StaticLayout, info: RunInfo, pathIds: number[], nRuns: number): Promise<LumiInput[]> {
  // the REFERENCE_LS budget is shared by the reference runs there are: with fewer earlier runs
  // (the start of a period) each is sampled more densely, rather than the reference shrinking
  const every = Math.max(2, Math.floor((2 * info.lastLs * Math.max(1, nRuns)) / REFERENCE_LS));
  const key = `${db.spec.dialect}:${db.spec.target}:${db.schema ?? ''}:${info.run}:${every}:${pathIds.join(',')}`;
  let rows = refCache.get(key);
  if (!rows) {
    rows = await readRun(db, s, pathIds, info, { every });
    refCache.set(key, rows);
    while (refCache.size > REF_CACHE_SIZE) refCache.delete(refCache.keys().next().value!);
  }
  return rows;
}

export interface RunScoring {
  prepared: PreparedRun;
  scorer: RunScorer;
  scores: LumiScore[];
  lastLs: number;
}

/** Scores the lumisections of a prepared run after `state.lastLs` (all of them for a new state). */
export async function scoreMore(db: Db, s: StaticLayout, state: RunScoring): Promise<LumiScore[]> {
  return (await readAndScore(db, s, state)).scores;
}

/** Reads the run's lumisections after state.lastLs and scores them in order; returns both. */
async function readAndScore(db: Db, s: StaticLayout, state: RunScoring): Promise<{ rows: LumiInput[]; scores: LumiScore[] }> {
  const rows = await readRun(db, s, state.prepared.pathIds, state.prepared.info, { afterLs: state.lastLs });
  const scores = rows.map((x) => state.scorer.score(x));
  if (rows.length) state.lastLs = rows[rows.length - 1].ls;
  state.scores.push(...scores);
  return { rows, scores };
}

export function newRunScoring(prepared: PreparedRun): RunScoring {
  return { prepared, scorer: new RunScorer(prepared.layout, prepared.reference, undefined, prepared.pathModels), scores: [], lastLs: 0 };
}

/** One whole run scored in memory (nothing written): what a worker thread sends back. */
export interface RunResult {
  run: number;
  /** the paths scored (their ids) */
  pathIds: number[];
  scores: LumiScore[];
  marker: MarkerDetail;
  /** the two baselines of the evaluation on the same lumisections, when asked for */
  baselines?: { ls: number[]; drop: BaselineScore[]; zscore: BaselineScore[] };
}

/** Learns the reference of a run and scores all its lumisections (and the baselines). */
export async function computeRun(db: Db, s: StaticLayout, allRuns: RunInfo[], info: RunInfo, withBaselines = false): Promise<RunResult> {
  const state = newRunScoring(await prepareRun(db, s, allRuns, info));
  const { rows } = await readAndScore(db, s, state);
  const out: RunResult = { run: info.run, pathIds: state.prepared.pathIds, scores: state.scores, marker: markerFor(state) };
  if (withBaselines) out.baselines = { ls: rows.map((x) => x.ls), drop: rateDropBaseline(rows), zscore: zScoreBaseline(rows) };
  return out;
}

const CONTRIB_MAX = 4000;

function contributorsJson(c: Contributor[]): string {
  let list = c;
  let json = JSON.stringify(list);
  while (json.length > CONTRIB_MAX && list.length) {
    list = list.slice(0, -1);
    json = JSON.stringify(list);
  }
  return json;
}

function timestamp(db: Db): string | Date {
  const now = new Date();
  return db.dialect === 'sqlite' ? now.toISOString().replace(/\.\d{3}Z$/, 'Z') : now;
}

export function scoreRows(db: Db, scores: LumiScore[]): Record<string, unknown>[] {
  const at = timestamp(db);
  const rows: Record<string, unknown>[] = [];
  for (const sc of scores) {
    for (const m of MODEL_NAMES as readonly ModelName[]) {
      const v = sc.models[m];
      rows.push({
        run_number: sc.run,
        lumisection_number: sc.ls,
        model: m,
        score: Math.round(v.score * 1e6) / 1e6,
        threshold: Math.round(v.threshold * 1e6) / 1e6,
        flag: v.flag ? 1 : 0,
        contributors: contributorsJson(v.contributors),
        top_contributor: v.contributors[0]?.name.slice(0, 256) ?? null,
        top_detail: v.contributors[0]?.detail?.slice(0, 1000) ?? null,
        observed_rate: v.contributors[0]?.observed_rate_hz ?? null,
        predicted_rate: v.contributors[0]?.predicted_rate_hz ?? null,
        scored_at: at,
      });
    }
  }
  return rows;
}

export interface MarkerDetail {
  lastLs: number;
  lumisections: number;
  flagged: number;
  alerts: number;
  reference: string;
}

/** Replaces a run's scores and marks it done, atomically. `append` adds rows without deleting (--follow). */
export async function writeRun(db: Db, run: number, scores: LumiScore[], detail: MarkerDetail, append = false): Promise<void> {
  const rows = scoreRows(db, scores);
  await db.knex.transaction(async (trx) => {
    if (!append) await trx('omsagg_anomaly_scores').where('run_number', run).delete();
    for (let i = 0; i < rows.length; i += 400) await trx('omsagg_anomaly_scores').insert(rows.slice(i, i + 400));
    const unit = `run:${run}`;
    await trx('omsagg_jobs').where({ job: SCORE_JOB, unit }).delete();
    await trx('omsagg_jobs').insert({ job: SCORE_JOB, unit, state: 'done', detail: JSON.stringify(detail).slice(0, 1000), updated_at: timestamp(db) });
  });
}

export async function doneMarkers(db: Db): Promise<Map<number, MarkerDetail>> {
  const rows = (await db.knex('omsagg_jobs').where({ job: SCORE_JOB, state: 'done' }).select('unit', 'detail')) as Record<string, unknown>[];
  const out = new Map<number, MarkerDetail>();
  for (const r of rows) {
    const m = /^run:(\d+)$/.exec(String(r.unit));
    if (!m) continue;
    try {
      out.set(Number(m[1]), JSON.parse(String(r.detail)) as MarkerDetail);
    } catch {
      // an unreadable marker means "not done"
    }
  }
  return out;
}

export function markerFor(state: RunScoring): MarkerDetail {
  return {
    lastLs: state.lastLs,
    lumisections: state.scores.length,
    flagged: state.scores.filter((s) => s.models.combined.flag).length,
    alerts: state.scorer.raisedAlerts.length,
    reference: state.prepared.referenceNote,
  };
}
