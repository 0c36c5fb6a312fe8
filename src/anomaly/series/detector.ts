// Online anomaly detector for generic time series (behind `omsagg detect`).
//
// Per value column: level + trend + seasonal profile (period learned from the first rows) + AR(1)
// residual, updated row by row with clipped (robust) corrections so spikes do not drag the model.
// Two statistics per column, both on the one-step-ahead innovation:
//   - the standardised innovation itself (spikes), and
//   - an EWMA of it (level shifts and drifts: small but persistent deviations add up).
// Row i is scored from rows ≤ i only; rows in the learning window score 0.
import { estimatePeriod, snapPeriodSeconds } from './period.js';
import { clamp, median, robustSigma, twoSidedP } from '../core/stats.js';

export interface SeriesDetectorOptions {
  /** rows used to learn the trend, season and noise before scoring starts */
  learnRows: number;
  /** p-value (dimensionless) below which a row is flagged */
  pFlag?: number;
  /** level smoothing per step (0..1) */
  alpha?: number;
  /** EWMA weight of the persistence statistic (0..1) */
  lambda?: number;
  /** seasonal period in rows; undefined = learn it, 0 = no season */
  periodRows?: number;
  /** seconds per unit of t (0.001 for epoch ms, 1 for epoch s, 0 when t is not a clock) */
  secondsPerTimeUnit?: number;
}

export interface RowScore {
  /** −log10(p)/SCORE_LOG10_SPAN clipped to [0,1]; 0.5 ⇔ p = pFlag with the default options */
  score: number;
  flag: boolean;
  /** p-value of the row (Bonferroni over columns and statistics) */
  p: number;
  /** index of the column with the smallest p-value, −1 when none */
  column: number;
}

/** score = −log10(p) / 12, so p = 1e-6 (the default flag level) reads 0.5 and p ≤ 1e-12 reads 1. */
export const SCORE_LOG10_SPAN = 12;

export function pToScore(p: number): number {
  if (!(p < 1)) return 0;
  if (p <= 0) return 1;
  return clamp(-Math.log10(p) / SCORE_LOG10_SPAN, 0, 1);
}

const CLIP_K = 3; // clip corrections at 3 sigma
const SCALE_RATE = 0.005; // EW rate of the noise-scale estimate
const MAX_BINS = 512;
const SLOW_ALPHA = 0.005; // adaptation of the baseline the persistence statistic compares with
const REANCHOR_ROWS = 100; // rows of persistent deviation after which the baseline jumps to it

class ColumnModel {
  level = 0;
  trend = 0; // per step
  season: Float64Array = new Float64Array(0);
  periodSteps = 0;
  rho = 0; // lag-1 autocorrelation of the structural residual
  rPrev = 0;
  sigmaE = 1; // innovation sigma (value units)
  meanAbs = 0;
  ewma = 0;
  slowLevel = 0;
  persist = 0;
  uLast = 0;
  sigmaW: number;

  constructor(
    private readonly alpha: number,
    private readonly lambda: number,
  ) {
    this.sigmaW = Math.sqrt(lambda / (2 - lambda));
  }

  private bin(u: number): number {
    if (this.periodSteps <= 0) return 0;
    const phase = u / this.periodSteps - Math.floor(u / this.periodSteps);
    return Math.min(this.season.length - 1, Math.floor(phase * this.season.length));
  }

  /** us: time in steps; stepSeconds: seconds per step when the time column is a date, else 0 */
  init(us: number[], xs: number[], periodRows: number | undefined, stepSeconds = 0): void {
    const idx = xs.map((x, i) => (Number.isFinite(x) ? i : -1)).filter((i) => i >= 0);
    const u = idx.map((i) => us[i]);
    const x = idx.map((i) => xs[i]);
    const n = x.length;
    this.uLast = us[us.length - 1];
    if (n < 4) {
      this.level = n ? median(x) : 0;
      this.slowLevel = this.level;
      this.sigmaE = Math.max(Math.abs(this.level) * 1e-6, 1e-12);
      this.meanAbs = this.sigmaE / 1.2533;
      return;
    }
    this.periodSteps = periodRows ?? estimatePeriod(x).lagRows;
    if (periodRows === undefined && stepSeconds > 0 && this.periodSteps > 0) {
      this.periodSteps = snapPeriodSeconds(this.periodSteps * stepSeconds) / stepSeconds;
    }
    const nbins = this.periodSteps > 0 ? Math.max(1, Math.min(MAX_BINS, Math.round(this.periodSteps))) : 1;
    this.season = new Float64Array(nbins);
    let a = 0;
    let b = 0;
    for (let iter = 0; iter < 3; iter++) {
      const y = x.map((v, i) => v - this.season[this.bin(u[i])]);
      [a, b] = lineFit(u, y);
      if (this.periodSteps <= 0) break;
      const perBin: number[][] = Array.from({ length: nbins }, () => []);
      for (let i = 0; i < n; i++) perBin[this.bin(u[i])].push(x[i] - a - b * u[i]);
      const s = perBin.map((v) => (v.length ? median(v) : 0));
      const centre = s.reduce((p, q) => p + q, 0) / nbins;
      this.season = Float64Array.from(s, (v) => v - centre);
    }
    const r = x.map((v, i) => v - a - b * u[i] - this.season[this.bin(u[i])]);
    let num = 0;
    let den = 0;
    for (let i = 1; i < n; i++) {
      num += r[i] * r[i - 1];
      den += r[i - 1] * r[i - 1];
    }
    this.rho = den > 0 ? clamp(num / den, 0, 0.95) : 0;
    const innov = r.slice(1).map((v, i) => v - this.rho * r[i]);
    const sigma = robustSigma(innov);
    this.sigmaE = sigma > 0 ? sigma : Math.max(1e-9 * (Math.abs(median(x)) + 1), 1e-12);
    this.meanAbs = this.sigmaE / 1.2533;
    this.level = a + b * u[n - 1];
    this.slowLevel = this.level;
    this.trend = b;
    // the persistence statistic sees AR(1) input: widen its null sigma accordingly
    const phi = this.rho * (1 - this.lambda);
    this.sigmaW = Math.sqrt((this.lambda / (2 - this.lambda)) * ((1 + phi) / (1 - phi)));
    this.uLast = u[n - 1];
    this.rPrev = clamp(r[n - 1], -CLIP_K * this.sigmaE, CLIP_K * this.sigmaE);
  }

  /** Scores x at time u (steps) from the state, then learns from it. Returns the p-value. */
  step(u: number, x: number): number {
    const dt = Math.max(0, u - this.uLast);
    const pLevel = this.level + this.trend * dt;
    const pSlow = this.slowLevel + this.trend * dt;
    if (!Number.isFinite(x)) {
      this.level = pLevel;
      this.slowLevel = pSlow;
      this.uLast = u;
      return 1;
    }
    const b = this.bin(u);
    const s = this.season.length ? this.season[b] : 0;
    // fast: one-step-ahead prediction (spikes)
    const e = x - (pLevel + s + this.rho * this.rPrev);
    const z = e / this.sigmaE;
    // slow: deviation from the slowly adapting baseline, accumulated (level shifts, drifts)
    const sigmaS = this.sigmaE / Math.sqrt(1 - this.rho * this.rho);
    const es = x - (pSlow + s);
    this.ewma = (1 - this.lambda) * this.ewma + this.lambda * clamp(es / sigmaS, -8, 8);
    const zw = this.ewma / this.sigmaW;
    const p = Math.min(1, 2 * Math.min(twoSidedP(z), twoSidedP(zw)));

    const lim = CLIP_K * this.sigmaE;
    const ec = clamp(e, -lim, lim);
    const esc = clamp(es, -CLIP_K * sigmaS, CLIP_K * sigmaS);
    this.level = pLevel + this.alpha * ec;
    this.slowLevel = pSlow + SLOW_ALPHA * esc;
    // the trend learns only from ordinary rows, or a shift would tilt it for good
    if (Math.abs(zw) < 3) this.trend += SLOW_ALPHA * 0.002 * esc;
    if (this.season.length) this.season[b] += 0.1 * (1 - this.alpha) * ec;
    // a deviation that persists is the new normal: re-anchor the baseline after a while
    this.persist = Math.abs(zw) > 5 ? this.persist + 1 : 0;
    if (this.persist > REANCHOR_ROWS) {
      this.slowLevel = this.level;
      this.ewma = 0;
      this.persist = 0;
    }
    this.rPrev = clamp(x - this.level - s, -lim, lim);
    this.meanAbs = (1 - SCALE_RATE) * this.meanAbs + SCALE_RATE * Math.min(Math.abs(e), 4 * this.sigmaE);
    this.sigmaE = Math.max(1.2533 * this.meanAbs, 1e-12);
    this.uLast = u;
    return p;
  }
}

function lineFit(u: number[], y: number[]): [number, number] {
  const n = u.length;
  let mu = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mu += u[i];
    my += y[i];
  }
  mu /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (u[i] - mu) * (y[i] - my);
    sxx += (u[i] - mu) ** 2;
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  return [my - b * mu, b];
}

/** Multi-column online detector: push rows in time order, get a score per row. */
export class SeriesDetector {
  private readonly learnRows: number;
  private readonly pFlag: number;
  private readonly alpha: number;
  private readonly lambda: number;
  private readonly periodRows?: number;
  private readonly secondsPerTimeUnit: number;
  private bufT: number[] = [];
  private bufX: number[][] = [];
  private models: ColumnModel[] | null = null;
  private t0 = 0;
  private step = 1;

  constructor(
    readonly nColumns: number,
    opts: SeriesDetectorOptions,
  ) {
    this.learnRows = Math.max(8, Math.floor(opts.learnRows));
    this.pFlag = opts.pFlag ?? 1e-6;
    this.alpha = opts.alpha ?? 0.05;
    this.lambda = opts.lambda ?? 0.1;
    this.periodRows = opts.periodRows;
    this.secondsPerTimeUnit = opts.secondsPerTimeUnit ?? 0;
  }

  get learning(): boolean {
    return this.models === null;
  }

  /** t: time in any monotonic unit (seconds, ms or the row index); values: one per column (NaN = missing). */
  push(t: number, values: ArrayLike<number>): RowScore {
    if (!this.models) {
      this.bufT.push(t);
      this.bufX.push(Array.from(values));
      if (this.bufT.length >= this.learnRows) this.initialise();
      return { score: 0, flag: false, p: 1, column: -1 };
    }
    const u = (t - this.t0) / this.step;
    let pMin = 1;
    let col = -1;
    for (let j = 0; j < this.models.length; j++) {
      const p = this.models[j].step(u, Number(values[j]));
      if (p < pMin) [pMin, col] = [p, j];
    }
    const p = Math.min(1, pMin * this.models.length);
    return { score: pToScore(p), flag: p < this.pFlag, p, column: p < 1 ? col : -1 };
  }

  private initialise(): void {
    this.t0 = this.bufT[0];
    const diffs: number[] = [];
    for (let i = 1; i < this.bufT.length; i++) diffs.push(this.bufT[i] - this.bufT[i - 1]);
    const step = median(diffs);
    this.step = step > 0 ? step : 1;
    const us = this.bufT.map((t) => (t - this.t0) / this.step);
    this.models = [];
    for (let j = 0; j < this.nColumns; j++) {
      const m = new ColumnModel(this.alpha, this.lambda);
      m.init(
        us,
        this.bufX.map((r) => Number(r[j])),
        this.periodRows,
        this.step * this.secondsPerTimeUnit,
      );
      this.models.push(m);
    }
    this.bufT = [];
    this.bufX = [];
  }
}
