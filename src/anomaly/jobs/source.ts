// Reads the monitoring tables into the numeric LumiInput arrays the models see. Read-only.
import type { Db } from '../../db/connection.js';
import type { LumiInput, RunLayout } from '../lumi/types.js';

export interface RunInfo {
  run: number;
  fill: number | null;
  hltKey: string | null;
  lastLs: number;
}

/** paths with at least this many accepted counts per lumisection (run mean) are scored */
export const MIN_PATH_COUNTS = 20;
/** at most this many paths are scored (the highest-rate ones): beyond that the cost grows faster
 *  than what another path can add */
export const MAX_PATHS = 500;
/** lumisections sampled from earlier runs to learn a run's reference */
export const REFERENCE_LS = 400;
export const REFERENCE_RUNS = 5;

export async function listRuns(db: Db, range?: [number, number]): Promise<RunInfo[]> {
  let q = db.knex('runs').select('run_number', 'fill_number', 'hlt_key', 'last_lumisection_number').orderBy('run_number');
  if (range) q = q.whereBetween('run_number', range);
  const rows = await q;
  return rows.map((r: Record<string, unknown>) => ({
    run: Number(r.run_number),
    fill: r.fill_number == null ? null : Number(r.fill_number),
    hltKey: r.hlt_key == null ? null : String(r.hlt_key),
    lastLs: Number(r.last_lumisection_number ?? 0),
  }));
}

/** Highest lumisection number with rows in `lumisections` for a run (0 when none). */
export async function lastLumisection(db: Db, run: number): Promise<number> {
  const r = await db.knex('lumisections').where('run_number', run).max({ m: 'lumisection_number' }).first();
  return Number(r?.m ?? 0);
}

export interface StaticLayout {
  pathIds: number[];
  pathNames: string[];
  pathGroups: string[];
  powerGroups: number[];
  powerGroupNames: string[];
  feds: number[];
  parts: string[];
}

export async function loadStaticLayout(db: Db): Promise<StaticLayout> {
  const k = db.knex;
  const [paths, pgs, feds, parts] = await Promise.all([
    k('hlt_paths').select('path_id', 'path_name', 'path_group').orderBy('path_id'),
    k('pixel_power_groups').select('power_group', 'power_group_name').orderBy('power_group'),
    k('pixel_feds').select('fed_id').orderBy('fed_id'),
    k('pixel_power_groups').distinct('part').orderBy('part'),
  ]);
  return {
    pathIds: paths.map((r: Record<string, unknown>) => Number(r.path_id)),
    pathNames: paths.map((r: Record<string, unknown>) => String(r.path_name)),
    pathGroups: paths.map((r: Record<string, unknown>) => String(r.path_group ?? 'other')),
    powerGroups: pgs.map((r: Record<string, unknown>) => Number(r.power_group)),
    powerGroupNames: pgs.map((r: Record<string, unknown>) => String(r.power_group_name ?? r.power_group)),
    feds: feds.map((r: Record<string, unknown>) => Number(r.fed_id)),
    parts: parts.map((r: Record<string, unknown>) => String(r.part)),
  };
}

/** The significant paths of some runs: mean accepted counts per lumisection ≥ MIN_PATH_COUNTS. */
export async function significantPaths(db: Db, runs: RunInfo[]): Promise<Set<number>> {
  if (runs.length === 0) return new Set();
  const rows = await db
    .knex('hlt_path_run_summary')
    .whereIn(
      'run_number',
      runs.map((r) => r.run),
    )
    .select('path_id', 'accepted', 'first_lumisection_number', 'last_lumisection_number');
  const sum = new Map<number, number>();
  let nls = 0;
  for (const r of runs) nls += Math.max(1, r.lastLs);
  for (const r of rows as Record<string, unknown>[]) sum.set(Number(r.path_id), (sum.get(Number(r.path_id)) ?? 0) + Number(r.accepted ?? 0));
  const ranked = [...sum.entries()].filter(([, s]) => s / nls >= MIN_PATH_COUNTS).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return new Set(ranked.slice(0, MAX_PATHS).map(([p]) => p));
}

export function runLayout(s: StaticLayout, pathIds: number[]): RunLayout {
  const idx = new Map(s.pathIds.map((id, i) => [id, i]));
  return {
    paths: pathIds.map((id) => s.pathNames[idx.get(id)!]),
    groups: pathIds.map((id) => s.pathGroups[idx.get(id)!]),
    powerGroups: s.powerGroupNames,
    feds: s.feds.map(String),
    parts: s.parts,
  };
}

export interface ReadOptions {
  /** only lumisections with number > afterLs */
  afterLs?: number;
  /** only every n-th lumisection (reference sampling) */
  every?: number;
  /** skip the pixel tables (the reference of the rate models does not need them) */
  pixel?: boolean;
}

/**
 * Reads one run's lumisections (stable beams with pileup > 0 only) as LumiInputs for the given
 * paths, in lumisection order.
 */
export async function readRun(db: Db, s: StaticLayout, pathIds: number[], info: RunInfo, o: ReadOptions = {}): Promise<LumiInput[]> {
  const k = db.knex;
  const after = o.afterLs ?? 0;
  const every = Math.max(1, o.every ?? 1);
  // pairs of consecutive lumisections every `every` (the health reference needs LS-to-LS changes),
  // listed explicitly so that every table is read through its primary key
  const sampled: number[] = [];
  if (every > 1) for (let ls = every; ls <= info.lastLs + 1; ls += every) sampled.push(ls, ls + 1);
  const lsFilter = (q: ReturnType<typeof k>, col = 'lumisection_number') => {
    q.where('run_number', info.run).where(col, '>', after);
    if (every > 1) q.whereIn(col, sampled.length ? sampled : [-1]);
    return q;
  };
  const lsRows = (await lsFilter(k('lumisections').select('lumisection_number', 'pileup', 'init_lumi', 'end_lumi', 'prescale_index')).orderBy('lumisection_number')) as Record<string, unknown>[];
  if (lsRows.length === 0) return [];
  const [fillRow, dtRows, countRows, psRows] = await Promise.all([
    info.fill == null ? null : k('fills').where('fill_number', info.fill).first('bunches_colliding'),
    lsFilter(k('deadtimes_ls').select('lumisection_number', 'overall_total_deadtime')),
    pathIds.length ? lsFilter(k('hlt_path_counts').select('lumisection_number', 'path_id', 'accepted')).whereIn('path_id', pathIds) : [],
    info.hltKey == null || pathIds.length === 0 ? [] : k('hlt_prescales').where('hlt_key', info.hltKey).whereIn('path_id', pathIds).select('path_id', 'prescale_index', 'prescale'),
  ]);
  const bunches = Number((fillRow as Record<string, unknown> | null)?.bunches_colliding ?? 0);
  const byLs = new Map<number, number>();
  lsRows.forEach((r, i) => byLs.set(Number(r.lumisection_number), i));
  const nP = pathIds.length;
  const pathIdx = new Map(pathIds.map((id, i) => [id, i]));
  const out: LumiInput[] = lsRows.map((r) => ({
    run: info.run,
    ls: Number(r.lumisection_number),
    pileup: Number(r.pileup ?? 0),
    lumi: (Number(r.init_lumi ?? 0) + Number(r.end_lumi ?? r.init_lumi ?? 0)) / 2,
    bunches,
    live: 1,
    counts: new Float64Array(nP).fill(NaN),
    prescales: new Float64Array(nP).fill(1),
    leakage: new Float64Array(s.powerGroups.length).fill(NaN),
    temperature: new Float64Array(s.powerGroups.length).fill(NaN),
    fedErrors: new Float64Array(s.feds.length).fill(0),
    maskedRocs: new Float64Array(s.parts.length).fill(NaN),
  }));
  for (const d of dtRows as Record<string, unknown>[]) {
    const i = byLs.get(Number(d.lumisection_number));
    if (i !== undefined) out[i].live = 1 - Number(d.overall_total_deadtime ?? 0) / 100;
  }
  for (const c of countRows as Record<string, unknown>[]) {
    const i = byLs.get(Number(c.lumisection_number));
    const p = pathIdx.get(Number(c.path_id));
    if (i !== undefined && p !== undefined) out[i].counts[p] = Number(c.accepted ?? 0);
  }
  // prescale per (path, column); the column of each lumisection comes from `lumisections`
  const ps = new Map<string, number>();
  for (const r of psRows as Record<string, unknown>[]) ps.set(`${r.path_id}:${r.prescale_index}`, Number(r.prescale ?? 0));
  if (ps.size) {
    lsRows.forEach((r, i) => {
      pathIds.forEach((id, p) => {
        const v = ps.get(`${id}:${r.prescale_index}`);
        if (v !== undefined) out[i].prescales[p] = v;
      });
    });
  }
  if (o.pixel !== false) await readPixel(db, s, out, byLs, lsFilter);
  return out;
}

async function readPixel(db: Db, s: StaticLayout, out: LumiInput[], byLs: Map<number, number>, lsFilter: (q: ReturnType<Db['knex']>, col?: string) => ReturnType<Db['knex']>): Promise<void> {
  const k = db.knex;
  const pgIdx = new Map(s.powerGroups.map((g, i) => [g, i]));
  const fedIdx = new Map(s.feds.map((f, i) => [f, i]));
  const partIdx = new Map(s.parts.map((p, i) => [p, i]));
  const [readings, feds, masks] = await Promise.all([
    lsFilter(k('pixel_readings').select('lumisection_number', 'power_group', 'hv_leakage_current', 'temperature')),
    lsFilter(k('fed_error_counts').select('lumisection_number', 'fed_id').sum({ n: 'error_count' }).groupBy('lumisection_number', 'fed_id')),
    lsFilter(k('masked_roc_counts').select('lumisection_number', 'part', 'masked_rocs')),
  ]);
  for (const r of readings as Record<string, unknown>[]) {
    const i = byLs.get(Number(r.lumisection_number));
    const g = pgIdx.get(Number(r.power_group));
    if (i === undefined || g === undefined) continue;
    out[i].leakage[g] = r.hv_leakage_current == null ? NaN : Number(r.hv_leakage_current);
    out[i].temperature[g] = r.temperature == null ? NaN : Number(r.temperature);
  }
  for (const r of feds as Record<string, unknown>[]) {
    const i = byLs.get(Number(r.lumisection_number));
    const f = fedIdx.get(Number(r.fed_id));
    if (i !== undefined && f !== undefined) out[i].fedErrors[f] = Number(r.n ?? 0);
  }
  for (const r of masks as Record<string, unknown>[]) {
    const i = byLs.get(Number(r.lumisection_number));
    const p = partIdx.get(String(r.part));
    if (i !== undefined && p !== undefined) out[i].maskedRocs[p] = Number(r.masked_rocs ?? 0);
  }
}
