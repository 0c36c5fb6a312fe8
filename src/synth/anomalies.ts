// Placement of the labelled anomalies injected into a fill (ground truth for anomaly evaluation).
import { Rng } from '../shared/prng.js';
import type { PlannedFill, PlannedRun } from './plan.js';
import type { HltPath } from './menus.js';
import type { PixelGeometry } from './pixel.js';
import { PARTS } from './pixel.js';

export const ANOMALY_KINDS = [
  'path_drop',
  'correlation_loss',
  'noise_spike',
  'deadtime_spike',
  'lumi_drop',
  'prescale_change',
  'hv_trip',
  'cooling_excursion',
  'fed_burst',
  'masked_roc_jump',
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

export const ANOMALY_LABELS: Record<AnomalyKind, 'bad' | 'not_bad'> = {
  path_drop: 'bad',
  correlation_loss: 'bad',
  noise_spike: 'bad',
  deadtime_spike: 'not_bad',
  lumi_drop: 'not_bad',
  prescale_change: 'not_bad',
  hv_trip: 'bad',
  cooling_excursion: 'bad',
  fed_burst: 'bad',
  masked_roc_jump: 'bad',
};

const SPAN_LS: Record<AnomalyKind, [number, number]> = {
  path_drop: [5, 30],
  correlation_loss: [10, 40],
  noise_spike: [1, 4],
  deadtime_spike: [2, 8],
  lumi_drop: [5, 20],
  prescale_change: [10, 40],
  hv_trip: [5, 30],
  cooling_excursion: [15, 50],
  fed_burst: [20, 80],
  masked_roc_jump: [20, 80],
};

/** Default injection rate: anomalies of each kind per 1000 lumisections. */
export const DEFAULT_ANOMALY_RATE = 1;

export interface Anomaly {
  id: number;
  kind: AnomalyKind;
  label: 'bad' | 'not_bad';
  runNumber: number;
  firstLs: number;
  lastLs: number;
  channels: string[];
  magnitude: number;
  description: string;
  /** HLT path ids affected (path_drop, correlation_loss, noise_spike) */
  pathIds?: number[];
  /** per-path multiplier (noise_spike) */
  pathFactors?: number[];
  powerGroups?: number[];
  fedId?: number;
  fedChannels?: number[];
  part?: string;
  modules?: number[];
  columnShift?: number;
}

/** Pixel recovery points of a run (LS numbers at which SEU-masked channels are reconfigured). */
export function recoveryPoints(seed: number, runNumber: number, nls: number): number[] {
  const rng = Rng.derive(seed, 'recovery', runNumber);
  const pts: number[] = [];
  for (let ls = rng.int(60, 200); ls < nls; ls += rng.int(60, 200)) pts.push(ls);
  return pts;
}

export interface PlacementInput {
  seed: number;
  fill: PlannedFill;
  /** lumisections of the selected fills before this one (anomaly counts are stratified over it) */
  lsBefore: number;
  ratePer1000: number;
  hlt: HltPath[];
  geometry: PixelGeometry;
  /** modules masked all year: a masked_roc_jump picks others */
  deadModules: Set<number>;
}

export function placeAnomalies(inp: PlacementInput): Anomaly[] {
  const { fill, seed } = inp;
  const rng = Rng.derive(seed, 'anomalies', fill.fillNumber);
  const fillLs = fill.runs.reduce((s, r) => s + r.nls, 0);
  const occupied = new Map<number, [number, number][]>();
  const out: Anomaly[] = [];
  const groups = new Map<string, HltPath[]>();
  for (const p of inp.hlt) if (p.physics) groups.set(p.group, [...(groups.get(p.group) ?? []), p]);
  const bigGroups = [...groups.entries()]
    .filter(([, ps]) => ps.length >= 4)
    .map(([g]) => g)
    .sort();
  const jetMet = inp.hlt.filter((p) => p.group === 'jet' || p.group === 'met');

  ANOMALY_KINDS.forEach((kind, k) => {
    const phase = (k + 0.5) / ANOMALY_KINDS.length;
    const before = (inp.lsBefore * inp.ratePer1000) / 1000 + phase;
    const n = Math.floor(before + (fillLs * inp.ratePer1000) / 1000) - Math.floor(before);
    for (let i = 0; i < n; i++) {
      const [smin, smax] = SPAN_LS[kind];
      const span = rng.int(smin, smax);
      const where = findSlot(rng, fill.runs, span, occupied, kind === 'fed_burst' || kind === 'masked_roc_jump' ? seed : undefined);
      if (!where) continue;
      const a: Anomaly = {
        id: fill.fillNumber * 100 + out.length + 1,
        kind,
        label: ANOMALY_LABELS[kind],
        runNumber: where.run.runNumber,
        firstLs: where.first,
        lastLs: where.first + span - 1,
        channels: [],
        magnitude: 0,
        description: '',
      };
      describe(a, rng, bigGroups, groups, jetMet, inp.geometry, inp.deadModules);
      out.push(a);
    }
  });
  return out.sort((a, b) => a.id - b.id);
}

function findSlot(rng: Rng, runs: PlannedRun[], span: number, occupied: Map<number, [number, number][]>, recoverySeed?: number): { run: PlannedRun; first: number } | undefined {
  const eligible = runs.filter((r) => r.nls >= span + 30);
  if (eligible.length === 0) return undefined;
  const total = eligible.reduce((s, r) => s + r.nls, 0);
  for (let attempt = 0; attempt < 30; attempt++) {
    let x = rng.next() * total;
    const run = eligible.find((r) => (x -= r.nls) < 0) ?? eligible[eligible.length - 1];
    let first = rng.int(10, run.nls - span - 10);
    if (recoverySeed !== undefined) {
      // straddle a recovery point: the fault must survive the reconfiguration
      const rec = recoveryPoints(recoverySeed, run.runNumber, run.nls).filter((p) => p - 5 >= 10 && p + span - 5 <= run.nls - 10);
      if (rec.length === 0) continue;
      first = rng.pick(rec) - rng.int(3, Math.max(3, Math.floor(span / 2)));
      if (first < 10) continue;
    }
    const last = first + span - 1;
    const taken = occupied.get(run.runNumber) ?? [];
    if (taken.some(([a, b]) => first <= b + 10 && last >= a - 10)) continue;
    taken.push([first, last]);
    occupied.set(run.runNumber, taken);
    return { run, first };
  }
  return undefined;
}

function describe(a: Anomaly, rng: Rng, bigGroups: string[], groups: Map<string, HltPath[]>, jetMet: HltPath[], geo: PixelGeometry, dead: Set<number>): void {
  const pathSubset = (paths: HltPath[], min: number, max: number) =>
    rng
      .shuffle(paths)
      .slice(0, Math.min(paths.length, rng.int(min, max)))
      .sort((x, y) => x.pathId - y.pathId);
  switch (a.kind) {
    case 'path_drop': {
      const g = rng.pick(bigGroups);
      const ps = pathSubset(groups.get(g)!, 4, 12);
      a.pathIds = ps.map((p) => p.pathId);
      a.channels = ps.map((p) => p.name);
      a.magnitude = round(rng.uniform(0.05, 0.5), 3);
      a.description = `${ps.length} ${g} paths drop by ${(a.magnitude * 100).toFixed(1)} % (accepted rate × ${(1 - a.magnitude).toFixed(3)})`;
      break;
    }
    case 'correlation_loss': {
      const g = rng.pick(bigGroups);
      const ps = pathSubset(groups.get(g)!, 4, 10);
      a.pathIds = ps.map((p) => p.pathId);
      a.channels = ps.map((p) => p.name);
      a.magnitude = round(rng.uniform(0.15, 0.35), 3);
      a.description = `${ps.length} ${g} paths wander independently (log-random walk, step σ ${a.magnitude} per LS)`;
      break;
    }
    case 'noise_spike': {
      const ps = pathSubset(jetMet, 5, 15);
      a.pathIds = ps.map((p) => p.pathId);
      a.magnitude = round(rng.uniform(2, 10), 2);
      a.pathFactors = ps.map(() => a.magnitude * rng.uniform(0.8, 1.2));
      a.channels = ps.map((p) => p.name);
      a.description = `noise spike: ${ps.length} jet/MET paths × ~${a.magnitude}`;
      break;
    }
    case 'deadtime_spike':
      a.channels = ['*'];
      a.magnitude = round(rng.uniform(10, 40), 1);
      a.description = `dead time rises to ${a.magnitude} %: every path and L1 bit drops together`;
      break;
    case 'lumi_drop':
      a.channels = ['*'];
      a.magnitude = round(rng.uniform(0.2, 0.6), 3);
      a.description = `instantaneous luminosity drops by ${(a.magnitude * 100).toFixed(0)} % (beam effect): all rates follow their pileup response`;
      break;
    case 'prescale_change':
      a.channels = ['*'];
      a.columnShift = rng.chance(0.5) ? 1 : -1;
      a.magnitude = a.columnShift;
      a.description = `prescale column shifted by ${a.columnShift > 0 ? '+1 (smaller prescales, rates up)' : '-1 (larger prescales, rates down)'}: prescaled paths and L1 bits jump by the column ratio`;
      break;
    case 'hv_trip': {
      const pg = rng.pick(geo.powerGroups);
      a.powerGroups = [pg.powerGroup];
      a.channels = [pg.name];
      a.magnitude = 1;
      a.description = `HV trip of ${pg.name} (${pg.part.part}): bias 0 V, leakage current lost`;
      break;
    }
    case 'cooling_excursion': {
      const part = rng.pick(PARTS);
      const pgs = geo.powerGroups.filter((p) => p.part.part === part.part);
      const start = rng.int(0, pgs.length - 1);
      const chosen = Array.from({ length: Math.min(pgs.length, rng.int(2, 4)) }, (_, i) => pgs[(start + i) % pgs.length]);
      a.powerGroups = chosen.map((p) => p.powerGroup);
      a.channels = chosen.map((p) => p.name);
      a.magnitude = round(rng.uniform(3, 8), 2);
      a.description = `cooling excursion in ${part.part}: +${a.magnitude} °C, leakage current up by ×${(2 ** (a.magnitude / 5.9)).toFixed(2)}`;
      break;
    }
    case 'fed_burst': {
      const fed = rng.pick(geo.feds);
      const chans = geo.modules.filter((m) => m.fedId === fed.fedId).map((m) => m.channel);
      a.fedId = fed.fedId;
      a.fedChannels = rng
        .shuffle(chans)
        .slice(0, rng.int(3, Math.min(8, chans.length)))
        .sort((x, y) => x - y);
      a.channels = [String(fed.fedId)];
      a.magnitude = round(rng.logUniform(50, 500), 1);
      a.description = `FED ${fed.fedId} channels ${a.fedChannels.join(' ')}: timeout/ENE/TBM-trailer bursts (~${a.magnitude} errors per channel per LS) surviving recovery`;
      break;
    }
    case 'masked_roc_jump': {
      const part = rng.pick(PARTS);
      const mods = geo.modules.filter((m) => m.part === part.part && !dead.has(m.moduleId));
      const chosen = rng
        .shuffle(mods)
        .slice(0, rng.int(2, 5))
        .map((m) => m.moduleId)
        .sort((x, y) => x - y);
      a.part = part.part;
      a.modules = chosen;
      a.channels = [part.part];
      a.magnitude = chosen.length * 16;
      a.description = `${chosen.length} modules (${a.magnitude} ROCs) of ${part.part} masked, not cleared by recovery: modules ${chosen.join(' ')}`;
      break;
    }
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
