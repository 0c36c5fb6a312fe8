// The 2018 running plan: real run numbers and lumisection counts grouped into synthetic fills with
// timestamps, luminosity curves and the cumulative quantities a fill needs from the fills before it
// (integrated luminosity, pixel damage). Computed for the whole year from the seed alone, so any
// subset (scale) or resumed unit sees the same values.
import RUNS_2018_JSON from './data/runs2018.json' with { type: 'json' };
import { Rng } from '../shared/prng.js';
import { FULL_BUNCHES, LS_SECONDS, decayIntegralPb, pileup, PRIOR_DAMAGE_FB, SHORT_TERM_FRACTION, SHORT_TERM_TAU_H } from './physics.js';

const RUNS_2018 = RUNS_2018_JSON as Record<string, number>;

export type Scale = 'demo' | 'week' | 'month' | 'year';
export const SCALES: Scale[] = ['demo', 'week', 'month', 'year'];

export interface PlannedRun {
  runNumber: number;
  fillNumber: number;
  nls: number;
  /** ms since epoch */
  start: number;
  end: number;
  /** hours since the fill's start of stable beams at the run's first lumisection */
  offsetH: number;
  era: string;
}

export interface PlannedFill {
  index: number;
  fillNumber: number;
  start: number;
  startStable: number;
  endStable: number;
  end: number;
  /** peak luminosity at start of stable beams, 1e30 cm^-2 s^-1 */
  l0: number;
  tauH: number;
  bunches: number;
  betaStarCm: number;
  crossingAngleUrad: number;
  injectionScheme: string;
  runs: PlannedRun[];
  /** delivered luminosity in 2018 before this fill's stable beams, fb^-1 */
  intLumiStartFb: number;
  /** delivered during this fill's stable beams, pb^-1 */
  deliveredPb: number;
  /** effective pixel damage at start of stable beams, fb^-1 equivalent (includes pre-2018 damage) */
  damageStartFb: number;
}

export interface Plan {
  seed: number;
  fills: PlannedFill[];
}

const SEASON_START = Date.UTC(2018, 3, 17);
const SEASON_END = Date.UTC(2018, 9, 25);
const RAMP_UP_BUNCHES = [2, 12, 78, 300, 600, 900, 1200, 1550, 1866, 2460];
const H = 3600_000;
const MIN = 60_000;

export function eraOf(run: number): string {
  if (run < 317080) return '2018A';
  if (run < 319337) return '2018B';
  if (run < 320673) return '2018C';
  return '2018D';
}

export function buildPlan(seed: number): Plan {
  const rng = Rng.derive(seed, 'plan');
  const runs = Object.entries(RUNS_2018)
    .map(([r, n]) => ({ run: Number(r), nls: n }))
    .sort((a, b) => a.run - b.run);

  // group consecutive runs into fills of 8–20 h of running
  const groups: { run: number; nls: number }[][] = [];
  let current: { run: number; nls: number }[] = [];
  let fillLs = 0;
  let target = 0;
  let prevRun = -1;
  for (const r of runs) {
    if (current.length === 0 || r.run - prevRun > 20 || fillLs + r.nls > target) {
      if (current.length) groups.push(current);
      current = [];
      fillLs = 0;
      target = (rng.uniform(8, 20) * 3600) / LS_SECONDS;
    }
    current.push(r);
    fillLs += r.nls;
    prevRun = r.run;
  }
  if (current.length) groups.push(current);

  // durations first, then spread the fills over the season with random turnaround gaps
  interface Draft {
    runs: { run: number; nls: number; gapBefore: number }[];
    preStable: number;
    postStable: number;
    post: number;
    length: number;
  }
  const drafts: Draft[] = groups.map((g) => {
    const preStable = rng.uniform(40, 90) * MIN;
    const postStable = rng.uniform(2, 15) * MIN;
    const post = rng.uniform(10, 30) * MIN;
    const rs = g.map((r, i) => ({ ...r, gapBefore: i === 0 ? 5 * MIN : rng.uniform(1, 4) * MIN }));
    const running = rs.reduce((s, r) => s + r.gapBefore + r.nls * LS_SECONDS * 1000, 0);
    return { runs: rs, preStable, postStable, post, length: preStable + running + postStable + post };
  });
  const busy = drafts.reduce((s, d) => s + d.length, 0);
  const weights = drafts.map(() => rng.uniform(0.3, 1.7));
  const wsum = weights.reduce((s, w) => s + w, 0);
  const idle = Math.max(0, SEASON_END - SEASON_START - busy);

  const fills: PlannedFill[] = [];
  let t = SEASON_START;
  let fillNumber = 6570;
  let intLumiFb = 0;
  let stable = PRIOR_DAMAGE_FB;
  let shortTerm = 0;
  let prevEnd = SEASON_START;
  drafts.forEach((d, index) => {
    t += (idle * weights[index]) / wsum;
    const start = Math.round(t);
    const startStable = start + Math.round(d.preStable);
    const bunches = index < RAMP_UP_BUNCHES.length ? RAMP_UP_BUNCHES[index] : rng.chance(0.1) ? rng.pick([1866, 2460, 2556]) : FULL_BUNCHES;
    const l0 = rng.uniform(12000, 21000) * (bunches / FULL_BUNCHES);
    const tauH = rng.uniform(10, 20);
    let rt = startStable;
    const planned: PlannedRun[] = d.runs.map((r) => {
      rt += Math.round(r.gapBefore);
      const runStart = rt;
      rt += Math.round(r.nls * LS_SECONDS * 1000);
      return { runNumber: r.run, fillNumber, nls: r.nls, start: runStart, end: rt, offsetH: (runStart - startStable) / H, era: eraOf(r.run) };
    });
    const endStable = rt + Math.round(d.postStable);
    const end = endStable + Math.round(d.post);
    const deliveredPb = decayIntegralPb(l0, tauH, 0, (endStable - startStable) / H);
    shortTerm *= Math.exp(-(startStable - prevEnd) / H / SHORT_TERM_TAU_H);
    fills.push({
      index,
      fillNumber,
      start,
      startStable,
      endStable,
      end,
      l0,
      tauH,
      bunches,
      betaStarCm: index < 120 ? 30 : 27,
      crossingAngleUrad: rng.pick([130, 140, 150, 160]),
      injectionScheme: `25ns_${bunches}b_${bunches - 8}_${Math.round(bunches * 0.8)}_${Math.round(bunches * 0.85)}_144bpi_20inj`,
      runs: planned,
      intLumiStartFb: intLumiFb,
      deliveredPb,
      damageStartFb: stable + shortTerm,
    });
    intLumiFb += deliveredPb / 1000;
    stable += (1 - SHORT_TERM_FRACTION) * (deliveredPb / 1000);
    shortTerm += SHORT_TERM_FRACTION * (deliveredPb / 1000);
    prevEnd = endStable;
    t = end;
    fillNumber += 1 + rng.int(0, 3);
  });
  return { seed, fills };
}

/** The fills of a scale: demo = 3–4 consecutive full fills with 8–12 runs and a few thousand LS
 *  from mid-season; week/month = fills starting in a week/month from 2018-06-15; year = all. */
export function selectFills(plan: Plan, scale: Scale): PlannedFill[] {
  const fills = plan.fills;
  if (scale === 'year') return fills;
  if (scale === 'week' || scale === 'month') {
    const from = Date.UTC(2018, 5, 15);
    const to = from + (scale === 'week' ? 7 : 30) * 24 * H;
    return fills.filter((f) => f.startStable >= from && f.startStable < to);
  }
  const ls = (fs: PlannedFill[]) => fs.reduce((s, f) => s + f.runs.reduce((a, r) => a + r.nls, 0), 0);
  const nruns = (fs: PlannedFill[]) => fs.reduce((s, f) => s + f.runs.length, 0);
  const mid = Math.floor(fills.length / 2);
  for (const n of [4, 3]) {
    for (let i = mid; i + n <= fills.length; i++) {
      const w = fills.slice(i, i + n);
      if (w.some((f) => f.bunches < 2400)) continue;
      const r = nruns(w);
      const l = ls(w);
      if (r >= 8 && r <= 12 && l >= 2000 && l <= 3600) return w;
    }
  }
  return fills.slice(mid, mid + 3);
}

export function summarize(fills: PlannedFill[]): { fills: number; runs: number; lumisections: number } {
  return {
    fills: fills.length,
    runs: fills.reduce((s, f) => s + f.runs.length, 0),
    lumisections: fills.reduce((s, f) => s + f.runs.reduce((a, r) => a + r.nls, 0), 0),
  };
}

export { pileup };
