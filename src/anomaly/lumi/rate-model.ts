// Rate prediction per HLT path, lumisection by lumisection.
//
// Expected counts come from the path's reference response to pileup (response.ts), corrected for
// prescale, live time and colliding bunches, times a per-run gain tracked from the previous
// lumisections. The log ratio observed/expected is scored with Poisson + systematic error, after
// removing the common mode (commonMode: a shift and a smooth function of the paths' pileup
// exponents): a drop of every path together (less luminosity, more dead time) is explained and
// never scored; one path or one group moving is.
import { expectedCounts, extrapolationError, localExponent, logMu, outsideRange, type Response } from './response.js';
import { groupScan, groupScanApart } from './group-scan.js';
import { clamp, median, normalUpperQuantile, sidak, solve, twoSidedP } from '../core/stats.js';
import type { Contributor, LumiInput, RunLayout } from './types.js';
import { DelayedLessons } from '../core/learning.js';
import type { Decision, Model, Verdict } from '../core/model.js';

export interface RateModelOptions {
  /** paths with fewer mean accepted counts per lumisection in the reference are not scored (counts) */
  minCounts?: number;
  /** gain tracking rate per lumisection (dimensionless) */
  gainRate?: number;
  /** per scored path: spread of its standardised residual seen on the reference (≥ 1, dimensionless);
   *  paths that do not follow pileup well (calibration streams, noisy jets) are judged by their own noise */
  zScale?: Float64Array;
  /** only the standardised residuals are wanted (the reference's first pass): no group statistics,
   *  and p is 1, so every lumisection teaches the gains */
  zOnly?: boolean;
  /** the responses were just fitted on this run's own recent past: the gains start settled (no fast
   *  start-of-run learning, which would absorb a deviation present at that moment) */
  settled?: boolean;
}

export interface RateEvaluation extends Verdict {
  /** standardised, common-mode-free residual per scored path (aligned with RateModel.scored) */
  z: Float64Array;
  /** common log ratio observed/expected of all paths (dimensionless); −0.1 ≈ all rates 10 % low */
  common: number;
  /** per scored path: the common mode at its pileup exponent (common + pileup-scale term) */
  commonAt: Float64Array;
  /** log ratio per scored path before removing the common mode */
  d: Float64Array;
  sigma: Float64Array;
  /** per scored path: signed distance in ln μ outside the reference pileup range (response.ts) */
  outside: Float64Array;
  /** ln(μ/μ0) of the lumisection */
  l: number;
  /** per scored path: the accepted counts the model expects in this lumisection (reference response ×
   *  prescale⁻¹ × live time × bunches × per-run gain × common mode), what z is scored against */
  expected: Float64Array;
  /** per scored path: the log gain d was computed with */
  gain: Float64Array;
  /** evaluation number within the run (the model's clock) */
  t: number;
  /** the persistence memories including this lumisection, for learn(); null when it is extreme
   *  on its own (a spike is judged by the instant statistics and never remembered) */
  memories?: Memories | null;
}

interface Memories {
  group: Float64Array;
  path: Float64Array;
  slow: Float64Array;
}

/** default learning delay (LS, about 6 minutes): a deviation too weak to flag at once is not taught
 *  as normal before it has had time to build up in the memories; a flag discards what waits (the
 *  lumisections before an alert are suspect too). The gains follow slow drifts of the response (the
 *  pileup falls over hours), so a late lesson costs little */
export const LEARN_DELAY_LS = 15;
/** lumisections at the start of a run that teach the gains at once (the per-run gains are unknown) */
const IMMEDIATE_LS = 50;

/** EWMA weight of the group persistence statistic (dimensionless) */
const GROUP_EWMA = 0.3;
/** EWMA weight of the slow per-path memory (dimensionless): a shift of a few paths too small to
 *  see in a few lumisections adds up over about ten */
const SLOW_EWMA = 0.08;
// The slow memory is not gated on this lumisection's residuals: it is there for shifts too weak to
// see in one lumisection, whose single lumisection is mostly noise, so a gate on it dropped the
// memory's evidence on a share of the shifted lumisections (the score flickered to nothing inside the
// span). It decays in about twelve lumisections after a shift ends, and a closing episode clears it.
/** the fast memories speak only while this lumisection's own scan of the group is at least this
 *  unusual (p), in the same direction */
const FAST_NOW_P = 0.7;
/** lumisections after which the gains only follow (the start-of-run running mean is over) */
const SETTLED_LS = 50;
/** instant p below which a lumisection does not enter the persistence memories (dimensionless) */
const EXTREME_P = 1e-6;
export class RateModel implements Model<LumiInput, void, RateEvaluation> {
  /** indices (into the layout's paths) of the paths this model scores */
  readonly scored: number[];
  private readonly logGain: Float64Array;
  /** per scored path: where (outside the reference pileup range, in ln μ) the gain was learned */
  private readonly gainOutside: Float64Array;
  /** per scored path: ln(μ/μ0) where the gain was learned (NaN before any) */
  private readonly gainL: Float64Array;
  private readonly groupIndex: number[][];
  private readonly groupNames: string[];
  private readonly groupVar: Float64Array;
  private readonly gainRate: number;
  private learned = 0;
  private groupEwma: Float64Array;
  /** per scored path: EWMA of its residual, for the persistent subset scan */
  private pathEwma: Float64Array;
  private slowEwma: Float64Array;
  readonly zScale: Float64Array;
  private readonly zOnly: boolean;
  /** evaluations so far (the model's clock) */
  private clock = 0;
  /** lumisections judged normal, waiting for the learning delay (core/learning.ts) */
  private readonly lessons = new DelayedLessons<RateEvaluation>(LEARN_DELAY_LS, IMMEDIATE_LS);
  private readonly lesson = (ev: RateEvaluation) => this.teach(ev);

  constructor(
    private readonly layout: RunLayout,
    private readonly responses: (Response | null)[],
    opts: RateModelOptions = {},
  ) {
    const minCounts = opts.minCounts ?? 20;
    this.gainRate = opts.gainRate ?? 0.02;
    this.zOnly = opts.zOnly ?? false;
    if (opts.settled) {
      this.learned = SETTLED_LS;
      this.lessons.settle(SETTLED_LS);
    }
    this.scored = responses.map((r, i) => (r && r.meanCounts >= minCounts ? i : -1)).filter((i) => i >= 0);
    this.logGain = new Float64Array(this.scored.length);
    this.gainOutside = new Float64Array(this.scored.length);
    this.gainL = new Float64Array(this.scored.length).fill(NaN);
    this.zScale = opts.zScale && opts.zScale.length === this.scored.length ? opts.zScale : new Float64Array(this.scored.length).fill(1);
    const groups = new Map<string, number[]>();
    this.scored.forEach((p, k) => {
      const g = layout.groups[p] ?? 'other';
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g)!.push(k);
    });
    this.groupNames = [...groups.keys()].filter((g) => groups.get(g)!.length >= 2);
    this.groupIndex = this.groupNames.map((g) => groups.get(g)!);
    this.groupVar = new Float64Array(this.groupNames.length).fill(1);
    this.groupEwma = new Float64Array(this.groupNames.length);
    this.pathEwma = new Float64Array(this.scored.length);
    this.slowEwma = new Float64Array(this.scored.length);
  }

  evaluate(input: LumiInput): RateEvaluation {
    const t = this.clock++;
    this.lessons.tick(this.lesson);
    const n = this.scored.length;
    const gain = Float64Array.from(this.logGain);
    const d = new Float64Array(n).fill(NaN);
    const sigma = new Float64Array(n).fill(NaN);
    const expected = new Float64Array(n);
    const sys = new Float64Array(n);
    const outside = new Float64Array(n);
    const slope = new Float64Array(n).fill(NaN);
    for (let k = 0; k < n; k++) {
      const p = this.scored[k];
      const r = this.responses[p]!;
      const obs = input.counts[p];
      const ps = input.prescales[p];
      // no collisions (pileup < 1): nothing to predict from
      if (!Number.isFinite(obs) || !(ps > 0) || !(input.live > 0) || !(input.bunches > 0) || !(input.pileup >= 1)) continue;
      const e = expectedCounts(r, input.pileup, ps, input.live, input.bunches) * Math.exp(this.logGain[k]);
      expected[k] = e;
      d[k] = Math.log((obs + 0.5) / (e + 0.5));
      slope[k] = localExponent(r, input.pileup);
      outside[k] = outsideRange(r, input.pileup);
      // the per-run gain absorbs the extrapolation where it was learned: only the pileup travelled
      // since then (outside the reference range) is uncertain
      const ex = extrapolationError(r, input.pileup, this.gainOutside[k], this.gainL[k]);
      sys[k] = Math.sqrt(r.sigmaSys * r.sigmaSys + ex * ex);
      sigma[k] = Math.sqrt(1 / (e + 1) + sys[k] * sys[k] + 1e-4);
    }
    // pileup travelled since the gains were learned (ln μ), mean over the paths
    const l = logMu(input.pileup);
    let moved = 0;
    let nMoved = 0;
    for (let k = 0; k < n; k++) {
      if (!Number.isFinite(d[k])) continue;
      moved += Number.isFinite(this.gainL[k]) ? Math.abs(l - this.gainL[k]) : Math.abs(outside[k]);
      nMoved++;
    }
    const { common, commonAt } = commonMode(d, sigma, slope, nMoved ? moved / nMoved : 0);
    const expectedNow = Float64Array.from(expected, (e, k) => (Number.isFinite(d[k]) ? e * Math.exp(commonAt[k]) : NaN));
    const z = new Float64Array(n).fill(NaN);
    let zMax = 0;
    let nValid = 0;
    for (let k = 0; k < n; k++) {
      if (!Number.isFinite(d[k])) continue;
      z[k] = poissonSysResidual(input.counts[this.scored[k]], expectedNow[k], sys[k]) / this.zScale[k];
      nValid++;
      if (Math.abs(z[k]) > Math.abs(zMax)) zMax = z[k];
    }
    if (this.zOnly) return { p: 1, contributors: [], z, common, commonAt, d, sigma, outside, l, expected: expectedNow, gain, t };
    let gMax = 0;
    let wMax = 0;
    const nextEwma = new Float64Array(this.groupNames.length);
    const gz = this.groupIndex.map((idx, g) => {
      let s = 0;
      let m = 0;
      for (const k of idx) if (Number.isFinite(z[k])) [s, m] = [s + z[k], m + 1];
      const v = m ? s / Math.sqrt(m * this.groupVar[g]) : 0;
      if (Math.abs(v) > Math.abs(gMax)) gMax = v;
      // persistence: a small shift of a group adds up over lumisections
      nextEwma[g] = (1 - GROUP_EWMA) * this.groupEwma[g] + GROUP_EWMA * clamp(v, -10, 10);
      const w = nextEwma[g] / Math.sqrt(GROUP_EWMA / (2 - GROUP_EWMA));
      // it speaks only while the deviation is still there: after the group is back, the memory
      // of the past deviation must not keep the alert open
      if (Math.sign(v) === Math.sign(w) && Math.abs(v) >= 1.5 && Math.abs(w) > Math.abs(wMax)) wMax = w;
      return v;
    });
    // subset scan of each group, on this lumisection's residuals and on their per-path EWMA
    const nextPathEwma = new Float64Array(n);
    const wNorm = Math.sqrt(GROUP_EWMA / (2 - GROUP_EWMA));
    const nextSlow = new Float64Array(n);
    const sNorm = Math.sqrt(SLOW_EWMA / (2 - SLOW_EWMA));
    for (let k = 0; k < n; k++) {
      const ok = Number.isFinite(z[k]);
      nextPathEwma[k] = ok ? (1 - GROUP_EWMA) * this.pathEwma[k] + GROUP_EWMA * clamp(z[k], -10, 10) : this.pathEwma[k];
      nextSlow[k] = ok ? (1 - SLOW_EWMA) * this.slowEwma[k] + SLOW_EWMA * clamp(z[k], -10, 10) : this.slowEwma[k];
    }
    let pScanMin = 1;
    let pScanPersistMin = 1;
    let pSlowMin = 1;
    let pApartMin = 1;
    let pApartPersistMin = 1;
    const scanned: { p: number; dir: number; k: number }[] = [];
    this.groupIndex.forEach((idx) => {
      const zs: number[] = [];
      const ws: number[] = [];
      const ss: number[] = [];
      for (const k of idx) {
        if (!Number.isFinite(z[k])) continue;
        zs.push(z[k]);
        ws.push(nextPathEwma[k] / wNorm);
        ss.push(nextSlow[k] / sNorm);
      }
      const v = groupScan(zs);
      const w = groupScan(ws);
      const sl = groupScan(ss);
      pScanMin = Math.min(pScanMin, v.p);
      // as for the group persistence: it speaks only while the subset still deviates (this
      // lumisection's scan in the same direction at least mildly unusual)
      const persists = w.dir === v.dir && v.p < FAST_NOW_P;
      if (persists) pScanPersistMin = Math.min(pScanPersistMin, w.p);
      // the slow memory: not gated (see SLOW_EWMA)
      pSlowMin = Math.min(pSlowMin, sl.p);
      // paths of the group wandering apart, each its own way: now, and remembered while it goes on
      const ap = groupScanApart(centred(zs));
      const apw = groupScanApart(centred(ws));
      pApartMin = Math.min(pApartMin, ap.p);
      const apartPersists = ap.p < FAST_NOW_P;
      if (apartPersists) pApartPersistMin = Math.min(pApartPersistMin, apw.p);
      const best = [v, persists ? w : v, sl].reduce((a, b) => (b.p < a.p ? b : a));
      const apart = apartPersists && apw.p < ap.p ? apw : ap;
      scanned.push(apart.p < best.p ? { p: apart.p, dir: 0, k: apart.k } : best);
    });
    const nGroups = Math.max(this.groupNames.length, 1);
    const pPath = sidak(twoSidedP(zMax), Math.max(nValid, 1));
    const pGroup = sidak(twoSidedP(gMax), nGroups);
    const pPersist = sidak(twoSidedP(wMax), nGroups);
    const pScan = sidak(pScanMin, nGroups);
    const pScanPersist = sidak(pScanPersistMin, nGroups);
    const pSlow = sidak(pSlowMin, nGroups);
    const pApart = sidak(pApartMin, nGroups);
    const pApartPersist = sidak(pApartPersistMin, nGroups);
    const p = nValid === 0 ? 1 : sidak(Math.min(pPath, pGroup, pPersist, pScan, pScanPersist, pSlow, pApart, pApartPersist), 8);
    // the persistence memories accumulate small shifts; a lumisection that is extreme on its own
    // (a spike) is judged by the instant statistics and not remembered, or its memory would keep
    // flagging the normal lumisections after it
    const memories = Math.min(pPath, pGroup, pScan) >= EXTREME_P ? { group: nextEwma, path: nextPathEwma, slow: nextSlow } : null;

    const contributors: Contributor[] = [];
    for (let k = 0; k < n; k++) {
      if (Number.isFinite(z[k]) && Math.abs(z[k]) >= 3) {
        const change = Math.round((Math.exp(d[k] - commonAt[k]) - 1) * 100);
        contributors.push({ name: this.layout.paths[this.scored[k]], score: round2(Math.abs(z[k])), detail: `rate ${signed(change)} % vs predicted` });
      }
    }
    gz.forEach((v, g) => {
      const sc = scanned[g];
      const sv = sc.p < 1 ? normalUpperQuantile(sc.p / 2) : 0;
      // a subset of one path is that path, named on its own above
      if (sv > Math.abs(v) && sv >= 3 && sc.k > 1)
        contributors.push({
          name: `group:${this.groupNames[g]}`,
          score: round2(sv),
          detail: sc.dir === 0 ? 'some paths of the group wander apart, each its own way' : `some paths of the group ${sc.dir < 0 ? 'low' : 'high'} together`,
        });
      else if (Math.abs(v) >= 3) contributors.push({ name: `group:${this.groupNames[g]}`, score: round2(Math.abs(v)), detail: `group ${v < 0 ? 'low' : 'high'} vs the other paths` });
    });
    contributors.sort((a, b) => b.score - a.score);
    return { p, contributors: contributors.slice(0, 8), z, common, commonAt, d, sigma, outside, l, expected: expectedNow, gain, t, memories };
  }

  /**
   * Learns from the decision on a lumisection (core/learning.ts). The persistence memories keep the
   * lumisections not flagged: they are for shifts too small to flag at once; once an episode is open
   * its lumisections are judged as they come, and remembering them would keep flagging after its
   * end. A lumisection judged normal teaches the gains at once at the start of the run, else after
   * the learning delay unless a flag drops it first (the deviation may have started there). When an
   * episode closes, what the memories hold belongs to it.
   */
  learn(d: Decision<RateEvaluation>): void {
    const ev = d.verdict;
    if (d.teach) {
      if (this.lessons.add(ev) !== null) this.teach(ev);
    } else if (d.flagged) this.lessons.drop();
    // after teaching: the first lessons of a run reset the memories (the gains are not settled
    // yet), and what this lumisection adds to them is kept all the same
    if (!d.flagged && ev.memories) {
      this.groupEwma = ev.memories.group;
      this.pathEwma = ev.memories.path;
      this.slowEwma = ev.memories.slow;
    }
    if (d.closed) {
      this.groupEwma.fill(0);
      this.pathEwma.fill(0);
      this.slowEwma.fill(0);
    }
  }

  /** Learns from a lumisection judged normal: per-path gains and the group noise scale. */
  private teach(ev: RateEvaluation): void {
    // the first lumisections of a run set the gains quickly (a running mean), then they only follow
    const rate = Math.max(this.gainRate, 1 / (this.learned + 2));
    this.learned++;
    // while the gains settle, group deviations are the model's own, not the data's
    if (this.learned <= 5) {
      this.groupEwma.fill(0);
      this.pathEwma.fill(0);
      this.slowEwma.fill(0);
    }
    for (let k = 0; k < this.scored.length; k++) {
      if (!Number.isFinite(ev.d[k])) continue;
      const s = ev.sigma[k];
      // a path that deviates now is not taught, even when the lumisection as a whole looks fine
      if (this.learned > 10 && Math.abs(ev.z[k]) > 3) continue;
      const lim = this.learned <= 10 ? 6 * s : 2 * s;
      // d was computed with the gain of its time: what is left of it against the gain now
      const left = ev.d[k] + ev.gain[k] - this.logGain[k];
      this.logGain[k] += rate * clamp(left - ev.commonAt[k], -lim, lim);
      this.gainOutside[k] += rate * (ev.outside[k] - this.gainOutside[k]);
      this.gainL[k] = Number.isFinite(this.gainL[k]) ? this.gainL[k] + rate * (ev.l - this.gainL[k]) : ev.l;
    }
    this.groupIndex.forEach((idx, g) => {
      let s = 0;
      let m = 0;
      for (const k of idx) if (Number.isFinite(ev.z[k])) [s, m] = [s + ev.z[k], m + 1];
      if (m === 0) return;
      const v = (s * s) / m;
      this.groupVar[g] = clamp(0.98 * this.groupVar[g] + 0.02 * Math.min(v, 9 * this.groupVar[g]), 0.5, 25);
    });
  }

  /** Scored path names (aligned with RateEvaluation.z). */
  get scoredNames(): string[] {
    return this.scored.map((p) => this.layout.paths[p]);
  }
}

/**
 * Standardised residual of a count against its expectation with Poisson and relative systematic
 * error: the Poisson deviance residual (close to normal even for a few tens of counts, where the
 * log ratio or the Pearson residual are skewed), shrunk by the systematic part.
 */
export function poissonSysResidual(obs: number, expected: number, sigmaSys: number): number {
  const e = Math.max(expected, 1e-9);
  const dev = obs > 0 ? 2 * (obs * Math.log(obs / e) - (obs - e)) : 2 * e;
  const r = Math.sign(obs - e) * Math.sqrt(Math.max(dev, 0));
  return r / Math.sqrt(1 + sigmaSys * sigmaSys * e);
}

/** Values less their median: what each path does apart from its group. */
function centred(values: number[]): number[] {
  const m = median(values);
  return values.map((v) => v - m);
}

/** Huber constant of the common-mode fit (in sigma) */
const COMMON_HUBER = 2;
/** prior spread of the common mode's pileup-shape terms per unit of ln μ travelled since the gains
 *  were learned, and its floor (dimensionless) */
const SHAPE_PER_TRAVEL = 0.5;
const SHAPE_FLOOR = 0.003;

/**
 * The common mode of the paths' log ratios observed/expected: a shift of every path (luminosity,
 * dead time) plus a smooth function (linear and quadratic) of each path's pileup exponent: a global
 * change of pileup moves a path with its exponent d ln(rate)/d ln μ, and responses predicted away from
 * where the gains were learned miss it that way, steep and flat paths most. All of it is explained,
 * never scored. The shape terms are restrained by a prior that widens with the pileup travelled
 * (`travel`, in ln μ); the fit is robust (weighted median start, Huber reweighting), so a group of
 * paths moving on its own does not move it.
 */
export function commonMode(d: ArrayLike<number>, sigma: ArrayLike<number>, slope: ArrayLike<number>, travel = 0): { common: number; commonAt: Float64Array } {
  const n = d.length;
  const c0 = weightedMedian(d, sigma);
  const idx: number[] = [];
  let sw = 0;
  let sx = 0;
  for (let k = 0; k < n; k++) {
    if (!Number.isFinite(d[k]) || !Number.isFinite(slope[k]) || !(sigma[k] > 0)) continue;
    idx.push(k);
    const w = 1 / (sigma[k] * sigma[k]);
    sw += w;
    sx += w * slope[k];
  }
  const xBar = sw > 0 ? sx / sw : 0;
  let sxx = 0;
  for (const k of idx) sxx += (slope[k] - xBar) ** 2 / (sigma[k] * sigma[k]);
  const x2Bar = sw > 0 ? sxx / sw : 0;
  const priorW = 1 / (SHAPE_FLOOR + SHAPE_PER_TRAVEL * travel) ** 2;
  let coef = [c0, 0, 0];
  for (let it = 0; it < 4 && idx.length >= 3; it++) {
    // normal equations of the Huber-weighted fit with the prior rows on the two shape terms
    const A = [
      [0, 0, 0, 0],
      [0, priorW, 0, 0],
      [0, 0, priorW, 0],
    ];
    for (const k of idx) {
      const x1 = slope[k] - xBar;
      const x2 = x1 * x1 - x2Bar;
      const r = Math.abs(d[k] - coef[0] - coef[1] * x1 - coef[2] * x2) / sigma[k];
      const w = (r <= COMMON_HUBER ? 1 : COMMON_HUBER / r) / (sigma[k] * sigma[k]);
      const row = [1, x1, x2];
      for (let i = 0; i < 3; i++) {
        const wi = w * row[i];
        A[i][0] += wi;
        A[i][1] += wi * x1;
        A[i][2] += wi * x2;
        A[i][3] += wi * d[k];
      }
    }
    const next = solve(A);
    if (!next || !next.every(Number.isFinite)) break;
    coef = next;
  }
  const commonAt = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const x = Number.isFinite(slope[k]) ? slope[k] - xBar : 0;
    commonAt[k] = coef[0] + coef[1] * x + coef[2] * (x * x - x2Bar);
  }
  return { common: coef[0], commonAt };
}

/** Weighted median of finite values with weights 1/sigma². */
export function weightedMedian(values: ArrayLike<number>, sigma: ArrayLike<number>): number {
  const items: [number, number][] = [];
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]) || !(sigma[i] > 0)) continue;
    const w = 1 / (sigma[i] * sigma[i]);
    items.push([values[i], w]);
    total += w;
  }
  if (items.length === 0) return 0;
  items.sort((a, b) => a[0] - b[0]);
  let acc = 0;
  for (const [v, w] of items) {
    acc += w;
    if (acc >= total / 2) return v;
  }
  return items[items.length - 1][0];
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function signed(x: number): string {
  return x > 0 ? `+${x}` : String(x);
}
