// Rate prediction per HLT path, lumisection by lumisection.
//
// Expected counts come from the path's reference response to pileup (response.ts), corrected for
// prescale, live time and colliding bunches, times a per-run gain tracked from the previous
// lumisections. The log ratio observed/expected is scored with Poisson + systematic error, after
// removing the common mode (weighted median over paths): a drop of every path together (less
// luminosity, more dead time) is explained and never scored; one path or one group moving is.
import { expectedCounts, extrapolationError, type Response } from './response.js';
import { clamp, twoSidedP } from './stats.js';
import type { Contributor, LumiInput, ModelResult, RunLayout } from './types.js';

export interface RateModelOptions {
  /** paths with fewer mean accepted counts per lumisection in the reference are not scored (counts) */
  minCounts?: number;
  /** gain tracking rate per lumisection (dimensionless) */
  gainRate?: number;
  /** per scored path: spread of its standardised residual seen on the reference (≥ 1, dimensionless);
   *  paths that do not follow pileup well (calibration streams, noisy jets) are judged by their own noise */
  zScale?: Float64Array;
}

export interface RateEvaluation {
  result: ModelResult;
  /** standardised, common-mode-free residual per scored path (aligned with RateModel.scored) */
  z: Float64Array;
  /** common log ratio observed/expected of all paths (dimensionless); −0.1 ≈ all rates 10 % low */
  common: number;
  /** log ratio per scored path before removing the common mode */
  d: Float64Array;
  sigma: Float64Array;
}

/** EWMA weight of the group persistence statistic (dimensionless) */
const GROUP_EWMA = 0.3;

export class RateModel {
  /** indices (into the layout's paths) of the paths this model scores */
  readonly scored: number[];
  private readonly logGain: Float64Array;
  private readonly groupIndex: number[][];
  private readonly groupNames: string[];
  private readonly groupVar: Float64Array;
  private readonly gainRate: number;
  private learned = 0;
  private groupEwma: Float64Array;
  readonly zScale: Float64Array;

  constructor(
    private readonly layout: RunLayout,
    private readonly responses: (Response | null)[],
    opts: RateModelOptions = {},
  ) {
    const minCounts = opts.minCounts ?? 20;
    this.gainRate = opts.gainRate ?? 0.02;
    this.scored = responses.map((r, i) => (r && r.meanCounts >= minCounts ? i : -1)).filter((i) => i >= 0);
    this.logGain = new Float64Array(this.scored.length);
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
  }

  evaluate(input: LumiInput): RateEvaluation {
    const n = this.scored.length;
    const d = new Float64Array(n).fill(NaN);
    const sigma = new Float64Array(n).fill(NaN);
    const expected = new Float64Array(n);
    const sys = new Float64Array(n);
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
      const ex = extrapolationError(r, input.pileup);
      sys[k] = Math.sqrt(r.sigmaSys * r.sigmaSys + ex * ex);
      sigma[k] = Math.sqrt(1 / (e + 1) + sys[k] * sys[k] + 1e-4);
    }
    const common = weightedMedian(d, sigma);
    const z = new Float64Array(n).fill(NaN);
    let zMax = 0;
    let nValid = 0;
    for (let k = 0; k < n; k++) {
      if (!Number.isFinite(d[k])) continue;
      z[k] = poissonSysResidual(input.counts[this.scored[k]], expected[k] * Math.exp(common), sys[k]) / this.zScale[k];
      nValid++;
      if (Math.abs(z[k]) > Math.abs(zMax)) zMax = z[k];
    }
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
    this.groupEwma = nextEwma;
    const pPath = Math.min(1, Math.max(nValid, 1) * twoSidedP(zMax));
    const pGroup = Math.min(1, Math.max(this.groupNames.length, 1) * twoSidedP(gMax));
    const pPersist = Math.min(1, Math.max(this.groupNames.length, 1) * twoSidedP(wMax));
    const p = nValid === 0 ? 1 : Math.min(1, 3 * Math.min(pPath, pGroup, pPersist));

    const contributors: Contributor[] = [];
    for (let k = 0; k < n; k++) {
      if (Number.isFinite(z[k]) && Math.abs(z[k]) >= 3) {
        const change = Math.round((Math.exp(d[k] - common) - 1) * 100);
        contributors.push({ name: this.layout.paths[this.scored[k]], score: round2(Math.abs(z[k])), detail: `rate ${signed(change)} % vs predicted` });
      }
    }
    gz.forEach((v, g) => {
      if (Math.abs(v) >= 3) contributors.push({ name: `group:${this.groupNames[g]}`, score: round2(Math.abs(v)), detail: `group ${v < 0 ? 'low' : 'high'} vs the other paths` });
    });
    contributors.sort((a, b) => b.score - a.score);
    return { result: { p, contributors: contributors.slice(0, 8) }, z, common, d, sigma };
  }

  /** Learns from a lumisection judged normal: per-path gains and the group noise scale. */
  update(ev: RateEvaluation): void {
    // the first lumisections of a run set the gains quickly (a running mean), then they only follow
    const rate = Math.max(this.gainRate, 1 / (this.learned + 2));
    this.learned++;
    // while the gains settle, group deviations are the model's own, not the data's
    if (this.learned <= 5) this.groupEwma.fill(0);
    for (let k = 0; k < this.scored.length; k++) {
      if (!Number.isFinite(ev.d[k])) continue;
      const s = ev.sigma[k];
      // a path that deviates now is not taught, even when the lumisection as a whole looks fine
      if (this.learned > 10 && Math.abs(ev.z[k]) > 3) continue;
      const lim = this.learned <= 10 ? 6 * s : 2 * s;
      this.logGain[k] += rate * clamp(ev.d[k] - ev.common, -lim, lim);
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
