// One value column of a series, judged online against its own past (behind `omsagg detect`).
//
// Two predictions of the value: a fast one (level + season, follows every row with clipped steps)
// whose error catches what is sudden, and a baseline (level + slope + season) that learns only from
// rows judged normal, after a delay (core/learning.ts), whose residual catches what persists. Three
// statistics, each read off the distribution of its own past values on normal rows (core/tail.ts),
// so that heavy tails, quantised values or a noiseless series never saturate the p-values:
//   fast   error of the fast prediction                   (spikes, the onset of a change)
//   slow   residual from the baseline                     (a level unlike the normal one)
//   drift  EW mean of the standardised residual           (the recent error average against its
//                                                          long run: small shifts that add up)
import { DelayedLessons } from '../core/learning.js';
import { RunningTail } from '../core/tail.js';
import { medianInPlace, selectKth, sumOfSmallest } from '../core/select.js';
import type { Contributor, Decision, Verdict } from '../core/model.js';
import { estimatePeriod, snapPeriodSeconds } from './period.js';

export interface ColumnOptions {
  /** seasonal period in rows; undefined = learn it from the learning rows, 0 = none */
  periodRows?: number;
  /** seconds per row when the time column is a clock (snaps periods to an hour, a day, a week) */
  stepSeconds: number;
  /** rows of persistent deviation after which the column's normal is relearned from its recent rows */
  acceptRows: number;
}

export interface ColumnVerdict extends Verdict {
  /** the residual from the baseline in units of its normal spread (signed, clipped at ±8; a wandering
   *  column's one-step error), the input of the persistence statistic and of the subspace model */
  z: number;
  /** index of the statistic that judged (STAT_NAMES) */
  stat: number;
  /** value the baseline expected (value units) */
  expected: number;
}

/** level gain above which a column counts as wandering (chosen on generated series: smooth cycles
 *  learned over less than a period, slow drifts; SKAB's valve1 alike between 0.03 and 0.1) */
const WANDER_GAIN = 0.03;
/** level learning rate of the fast prediction per row (dimensionless) */
const FAST_RATE = 0.25;
/** least level learning rate of the baseline per lesson (dimensionless): a column of white noise around
 *  a steady level; a column whose level wanders learns faster (its Kalman gain, levelGain) */
const SLOW_RATE = 0.01;
/** damping of the baseline's slope per row while it is not taught (a frozen slope is not carried
 *  for ever; 0.999 chosen on SKAB's valve1, 0.995–0.999 alike there) */
const TREND_DAMPING = 0.999;
/** seasonal profile learning rate per lesson */
const SEASON_RATE = 0.05;
/** instant p below which a row does not enter the persistence memory (as lumi/rate-model.ts) */
const EXTREME_P = 1e-6;
/** EW weight of the averaged statistics (dimensionless): about 11 rows. Chosen on SKAB's valve1
 *  experiments (the tuning subset) as the most sensitive weight whose false alarms there stay ≤ 10 %:
 *  0.08 gave F1 0.891 at FAR 10.3 %, 0.09 0.877 at 7.8 %, 0.10 0.855 at 5.5 % (docs/design.md) */
const EW_WEIGHT = 0.09;
/** rows a normal row waits before it teaches the baseline */
export const SERIES_LEARN_DELAY = 10;
/** corrections are clipped at this many spreads, so single outliers do not drag the predictions */
const CLIP = 3;
/** the long run each statistic's tail is read from (rows) */
const HISTORY = 2048;
/** earlier normal levels remembered, the flagged rows before one may be returned to, and how normal
 *  the recent rows must look around it (two-sided p of the persistence statistic) */
const MAX_ANCHORS = 4;
const ANCHOR_AFTER = 5;
const ANCHOR_P = 0.05;
/** latest rows a relearn checks its line against, and how far off it (in normal spreads) they must
 *  sit to be the new normal on their own */
const RELEARN_TAIL = 20;
const RELEARN_OFF = 3;
/** most seasonal bins */
const MAX_BINS = 512;
/** the statistics of a column, for the Šidák correction */
const N_STATS = 3;

const NONE: Contributor[] = [];

export const STAT_NAMES = ['sudden change', 'unusual level', 'persistent shift'] as const;

export class ColumnModel {
  private season = new Float64Array(1);
  private seasonMean = 0;
  private period = 0;
  private fast = 0;
  private fastScale = 0;
  /** the previous fast error */
  private lastE = 0;
  private level = 0;
  private trend = 0;
  private levelU = 0;
  /** the damped trend's multiplier for the last time step asked (baseline) */
  private dampedDt = 0;
  private damped = 0;
  private slowScale = 0;
  private slowRate = SLOW_RATE;
  /** the column's level wanders (a random walk more than noise around a level): it has no normal level
   *  to deviate from, only normal changes, and is judged by its one-step errors alone */
  private wandering = false;
  private fastRate = FAST_RATE;
  private drift = 0;
  private resolution = 0;
  private readonly tails: RunningTail[] = [];
  /** lessons are slots of the recent-rows ring (it holds far more rows than the delay) */
  private readonly lessons = new DelayedLessons<number>(SERIES_LEARN_DELAY);
  /** recent (u, value − season) of the column, for a relearn */
  private recentU: Float64Array;
  private recentY: Float64Array;
  private recentN = 0;
  private recentHead = 0;
  private flaggedFor = 0;
  /** levels that were the column's normal before a relearn, and the EW mean of the standardised
   *  residual from each: a column that goes back to an earlier normal is back to normal */
  private anchors: { level: number; ew: number }[] = [];
  /** the column was constant in all its past: a step to another constant is an event, not a state */
  private constant = false;
  /** the row just evaluated, until learn() */
  private hasPending = false;
  private pU = 0;
  private pE = 0;
  private pR = 0;
  private pDriftValue = 0;
  /** the standardised residual of the row just evaluated */
  private pZ = 0;
  private readonly lesson = (slot: number) => this.teach(this.recentU[slot], this.recentY[slot]);
  /** the verdict object, reused row after row (read it before the next evaluate) */
  private readonly verdict: ColumnVerdict = { p: 1, contributors: [], z: NaN, expected: NaN, stat: -1 };

  constructor(
    readonly name: string,
    private readonly o: ColumnOptions,
  ) {
    const keep = Math.max(32, Math.min(o.acceptRows, 4096));
    this.recentU = new Float64Array(keep);
    this.recentY = new Float64Array(keep);
  }

  /** Learns the season, level, trend and spreads from the learning rows, then replays them online
   *  so the statistics' long run holds the errors online prediction makes. Returns the replayed
   *  standardised residual of each learning row (NaN before the replay settles or where missing). */
  init(us: ArrayLike<number>, xs: ArrayLike<number>): Float64Array {
    const replayed = new Float64Array(xs.length).fill(NaN);
    const u: number[] = [];
    const x: number[] = [];
    const at: number[] = [];
    for (let i = 0; i < xs.length; i++) {
      if (!Number.isFinite(xs[i])) continue;
      u.push(us[i]);
      x.push(xs[i]);
      at.push(i);
    }
    this.resolution = resolutionOf(x);
    // the averaged statistics are in units of the normal spread: a tenth of it is their resolution
    for (let k = 0; k < N_STATS; k++) this.tails.push(new RunningTail({ capacity: HISTORY, resolution: k < 2 ? this.resolution : 0.02 }));
    const n = x.length;
    if (n === 0) return replayed;
    this.constant = x.every((v) => v === x[0]);
    this.period = this.o.periodRows ?? (n >= 16 ? estimatePeriod(x).lagRows : 0);
    if (this.o.periodRows === undefined && this.o.stepSeconds > 0 && this.period > 0) this.period = snapPeriodSeconds(this.period * this.o.stepSeconds) / this.o.stepSeconds;
    // at least ~20 learning rows per bin: a profile of a few rows per bin is fitted to their noise
    const nbins = this.period > 0 ? Math.max(1, Math.min(MAX_BINS, Math.round(this.period), Math.max(8, Math.floor(n / 20)))) : 1;
    this.season = new Float64Array(nbins);
    let a = median(x);
    let b = 0;
    // the trend is fitted over whole periods: a line through 3.5 cycles of a sine has a slope
    const whole = this.period > 0 && u[n - 1] - u[0] >= this.period ? Math.floor((u[n - 1] - u[0] + 1) / this.period) * this.period : Infinity;
    const from = Number.isFinite(whole) ? u.findIndex((v) => v >= u[n - 1] + 1 - whole) : 0;
    for (let iter = 0; iter < 3; iter++) {
      [a, b] = robustLine(
        u.slice(from),
        x.slice(from).map((v, i) => v - this.seasonAt(u[from + i])),
      );
      if (this.period <= 0) break;
      const perBin: number[][] = Array.from({ length: nbins }, () => []);
      for (let i = 0; i < n; i++) perBin[this.bin(u[i])].push(x[i] - a - b * u[i]);
      const s = perBin.map((v) => (v.length ? median(v) : 0));
      const centre = s.reduce((p, q) => p + q, 0) / nbins;
      this.season = Float64Array.from(s, (v) => v - centre);
    }
    const res = x.map((v, i) => v - a - b * u[i] - this.seasonAt(u[i]));
    const diffs = res.slice(1).map((v, i) => v - res[i]);
    this.fastScale = Math.max(spread(diffs) / Math.SQRT2, this.resolution);
    this.slowScale = Math.max(spread(res), this.fastScale, this.resolution);
    const gain = levelGain(res);
    this.slowRate = Math.max(SLOW_RATE, gain);
    this.wandering = gain > WANDER_GAIN;
    this.fastRate = Math.max(FAST_RATE, gain);
    // replay: the baseline starts from the first rows' level with the fitted trend
    const head = Math.max(1, Math.min(n, 20, Math.floor(n / 4)));
    const y0 = median(x.slice(0, head).map((v, i) => v - this.seasonAt(u[i])));
    this.level = y0;
    this.fast = y0;
    this.trend = b;
    this.levelU = u[0];
    this.drift = 0;
    for (let i = 0; i < n; i++) {
      const v = this.evaluate(u[i], x[i]);
      const normal = i >= head;
      if (normal) replayed[at[i]] = v.z;
      this.learn({ verdict: v, teach: true, flagged: false, closed: false }, normal);
    }
    return replayed;
  }

  private bin(u: number): number {
    if (this.period <= 0) return 0;
    const phase = u / this.period - Math.floor(u / this.period);
    return Math.min(this.season.length - 1, Math.floor(phase * this.season.length + 1e-9));
  }

  private seasonAt(u: number): number {
    return this.period > 0 ? this.season[this.bin(u)] - this.seasonMean : 0;
  }

  /** The baseline's expectation at u (damped trend since it was last taught). */
  private baseline(u: number): number {
    const dt = Math.max(0, u - this.levelU);
    // dt is mostly the same row after row (the learning delay): the power is kept
    if (dt !== this.dampedDt) {
      this.dampedDt = dt;
      this.damped = dt <= 1 ? dt : (1 - Math.pow(TREND_DAMPING, dt)) / (1 - TREND_DAMPING);
    }
    return this.level + this.trend * this.damped;
  }

  evaluate(u: number, x: number): ColumnVerdict {
    this.lessons.tick(this.lesson);
    const v = this.verdict;
    this.hasPending = Number.isFinite(x);
    if (!this.hasPending) {
      v.p = 1;
      v.contributors = NONE;
      v.z = NaN;
      v.expected = NaN;
      v.stat = -1;
      return v;
    }
    const s = this.seasonAt(u);
    const e = x - s - this.fast;
    const expected = this.baseline(u) + s;
    const r = x - expected;
    const pFast = this.tails[0].twoSided(e);
    const pSlow = this.wandering ? 1 : this.tails[1].twoSided(r);
    const zIn = clip(this.wandering ? e / this.fastScale : r / this.slowScale, 8);
    const drift = (1 - EW_WEIGHT) * this.drift + EW_WEIGHT * zIn;
    const pDrift = this.tails[2].twoSided(drift);
    let k = 0;
    let pMin = pFast;
    if (pSlow < pMin) {
      k = 1;
      pMin = pSlow;
    }
    if (pDrift < pMin) {
      k = 2;
      pMin = pDrift;
    }
    // Šidák over the three statistics, 1 − (1 − p)³ by products (3p where that cancels)
    const q = 1 - pMin;
    const p = pMin < 1e-4 ? N_STATS * pMin : 1 - q * q * q;
    this.pU = u;
    this.pE = e;
    this.pR = r;
    // a row extreme on its own (a spike) is judged by the instant statistics and does not enter the
    // persistence memory, or the memory would flag the normal rows after it
    this.pDriftValue = Math.min(pFast, pSlow) < EXTREME_P ? this.drift : drift;
    v.p = p;
    v.contributors = p < 1e-3 ? [{ name: this.name, score: round2(-Math.log10(Math.max(p, 1e-300))), detail: `${STAT_NAMES[k]}: ${fmt(x)} vs ${fmt(expected)} expected` }] : NONE;
    v.z = zIn;
    this.pZ = zIn;
    v.expected = expected;
    v.stat = k;
    return v;
  }

  /**
   * Learns from the decision on the row just evaluated. The fast prediction follows every row; the
   * statistics' long run takes the rows not flagged; the baseline is taught by normal rows after the
   * delay; a deviation that lasts acceptRows (or a constant that steps to another constant) becomes
   * the new normal.
   */
  learn(d: Decision<ColumnVerdict>, intoHistory = true): void {
    if (!this.hasPending) return;
    this.hasPending = false;
    const e = this.pE;
    const y = e + this.fast;
    // an outlier moves the fast prediction by a clipped step; a second one on the same side is a
    // new level, which it follows at once
    const lim = CLIP * this.fastScale;
    if (Math.abs(e) > lim && Math.abs(this.lastE) > lim && Math.sign(e) === Math.sign(this.lastE)) this.fast = y;
    else this.fast += this.fastRate * clip(e, lim);
    this.lastE = e;
    this.fastScale = Math.max(0.99 * this.fastScale + 0.01 * 1.2533 * Math.min(Math.abs(e), 4 * this.fastScale), this.resolution);
    this.drift = this.pDriftValue;
    this.remember(this.pU, y);
    if (!d.flagged && intoHistory) {
      this.tails[0].add(e);
      this.tails[1].add(this.pR);
      this.tails[2].add(this.pDriftValue);
    }
    if (d.teach) {
      const slot = (this.recentHead - 1 + this.recentU.length) % this.recentU.length;
      if (this.lessons.add(slot) !== null) this.lesson(slot);
    } else if (d.flagged) this.lessons.drop();
    this.flaggedFor = d.flagged ? this.flaggedFor + 1 : 0;
    for (const a of this.anchors) a.ew = (1 - EW_WEIGHT) * a.ew + EW_WEIGHT * clip((y - a.level) / this.slowScale, 8);
    if (d.flagged && this.flaggedFor >= ANCHOR_AFTER && this.backToAnchor()) return;
    if (d.flagged && (this.flaggedFor >= this.o.acceptRows || (this.constant && this.settledConstant()))) this.relearn();
    // an episode closed: its memory is forgotten, unless the latest row still deviates on its side
    // (the evidence merely dipped below the alert's bar while the deviation goes on: forgetting it
    // would start the persistence statistic from zero in the middle of the deviation)
    if (d.closed && !(Math.sign(this.pZ) === Math.sign(this.drift))) this.drift = 0;
  }

  private teach(u: number, y: number): void {
    const pred = this.baseline(u);
    const err = clip(y - pred, CLIP * this.slowScale);
    this.level = pred + this.slowRate * err;
    // the slope is the learning rows' (or a relearn's) and is not learned row by row: learned together
    // with the seasonal profile it oscillated (Holt-Winters' slope and season trade errors)
    this.levelU = u;
    this.slowScale = Math.max(0.995 * this.slowScale + 0.005 * 1.2533 * Math.abs(err), this.fastScale, this.resolution);
    if (this.period > 0) {
      // the profile keeps a zero mean, or it and the level would trade an offset back and forth
      const step = SEASON_RATE * (1 - this.slowRate) * err;
      this.season[this.bin(u)] += step;
      this.seasonMean += step / this.season.length;
    }
  }

  private remember(u: number, y: number): void {
    this.recentU[this.recentHead] = u;
    this.recentY[this.recentHead] = y;
    this.recentHead = (this.recentHead + 1) % this.recentU.length;
    this.recentN = Math.min(this.recentN + 1, this.recentU.length);
  }

  /** the last 3 values are equal: the constant has settled at its new value */
  private settledConstant(): boolean {
    if (this.recentN < 3) return false;
    const L = this.recentU.length;
    const a = this.recentY[(this.recentHead - 1 + L) % L];
    return this.recentY[(this.recentHead - 2 + L) % L] === a && this.recentY[(this.recentHead - 3 + L) % L] === a;
  }

  /** Returns to an earlier normal level when the recent rows sit on it as the normal rows did. */
  private backToAnchor(): boolean {
    let best = -1;
    for (let i = 0; i < this.anchors.length; i++) {
      if (this.tails[2].twoSided(this.anchors[i].ew) >= ANCHOR_P && (best < 0 || Math.abs(this.anchors[i].ew) < Math.abs(this.anchors[best].ew))) best = i;
    }
    if (best < 0) return false;
    const a = this.anchors[best];
    this.anchors[best] = { level: this.level, ew: this.drift };
    this.level = a.level;
    this.fast = a.level;
    this.trend = 0;
    this.levelU = this.recentU[(this.recentHead - 1 + this.recentU.length) % this.recentU.length];
    this.drift = a.ew;
    this.flaggedFor = 0;
    this.lessons.drop();
    return true;
  }

  /** The deviation is the new normal: the baseline restarts from the recent rows (level and slope). */
  private relearn(): void {
    this.anchors.push({ level: this.level, ew: this.drift });
    if (this.anchors.length > MAX_ANCHORS) this.anchors.shift();
    const L = this.recentU.length;
    const k = Math.min(this.recentN, Math.max(3, this.constant ? 3 : this.flaggedFor));
    const us: number[] = [];
    const ys: number[] = [];
    for (let i = k - 1; i >= 0; i--) {
      const j = (this.recentHead - 1 - i + L) % L;
      us.push(this.recentU[j]);
      ys.push(this.recentY[j]);
    }
    const [a, b0] = k >= 20 ? robustLine(us, ys) : [median(ys), 0];
    let b = b0;
    const last = us[us.length - 1];
    let level = k >= 20 ? a + b * last : a;
    if (k >= 20) {
      // the window may hold another change (a deviation that ended, or moved on, just before the
      // relearn): a line through a step sits between the two levels. Where the latest rows are off
      // the line, they alone are the new normal (their level, no slope).
      const tail = ys.slice(-RELEARN_TAIL);
      const off = median(tail.map((y, i) => y - (a + b * us[us.length - tail.length + i])));
      if (Math.abs(off) > RELEARN_OFF * this.slowScale) {
        level = median(tail);
        b = 0;
      }
    }
    this.level = level;
    this.trend = b;
    this.fast = this.level;
    this.levelU = last;
    this.drift = 0;
    this.flaggedFor = 0;
    this.lessons.drop();
  }
}

function clip(v: number, lim: number): number {
  return v > lim ? lim : v < -lim ? -lim : v;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : 'nothing';
}

function median(v: ArrayLike<number>): number {
  return medianInPlace(Float64Array.from(v));
}

/**
 * Robust spread in normal-sigma units: the larger of 1.4826 × MAD and 1.2533 × the mean absolute
 * deviation of the central 98 %. The MAD alone collapses on quantised values (most of them on one
 * level, the rest a whole step away).
 */
function spread(v: ArrayLike<number>): number {
  const n = v.length;
  if (n === 0) return 0;
  const m = median(v);
  const dev = new Float64Array(n);
  for (let i = 0; i < n; i++) dev[i] = Math.abs(v[i] - m);
  const keep = Math.max(1, Math.ceil(0.98 * n));
  const sum = sumOfSmallest(dev, keep);
  // the keep smallest now sit before index keep: the MAD is among them when keep > n/2
  const mad = 1.4826 * (keep > (n - 1) >> 1 ? selectKth(dev, (n - 1) >> 1, 0, keep - 1) : selectKth(dev, (n - 1) >> 1));
  return Math.max(mad, (1.2533 * sum) / keep);
}

/**
 * The smallest meaningful difference of a column: its quantisation step when its values sit on a grid
 * (few distinct values), else a millionth of its typical magnitude. A noiseless series is not judged
 * by differences of rounding.
 */
function resolutionOf(x: number[]): number {
  if (x.length === 0) return 0;
  const s = Float64Array.from(x).sort();
  let scale = 0;
  for (const v of s) scale = Math.max(scale, Math.abs(v));
  const floor = 1e-6 * (scale || 1);
  let step = Infinity;
  let distinct = 1;
  for (let i = 1; i < s.length; i++) {
    const d = s[i] - s[i - 1];
    if (d > 0) {
      distinct++;
      if (d < step) step = d;
    }
  }
  return distinct <= Math.max(2, s.length / 4) && Number.isFinite(step) ? Math.max(step / 2, floor) : floor;
}

/**
 * Steady-state Kalman gain of a local-level model (random-walk level + white noise) fitted to the
 * residuals by their variogram: Var(x[t+h] − x[t]) = h·σ²_level + 2σ²_noise at h = 1 and h = H.
 * A column of white noise around a steady level gets ~0 (its level is learned slowly, so an anomaly
 * is not absorbed); a smooth wandering column gets ~1 (it is judged by its changes, not its level).
 */
function levelGain(res: number[]): number {
  const H = Math.min(20, Math.floor(res.length / 10));
  if (H < 3) return 0;
  // least squares of V(h) = 2σ²_noise + h·σ²_level over h = 1…H
  let sh = 0;
  let sv = 0;
  let shh = 0;
  let shv = 0;
  for (let h = 1; h <= H; h++) {
    const d = new Float64Array(res.length - h);
    for (let i = h; i < res.length; i++) d[i - h] = res[i] - res[i - h];
    const v = spread(d) ** 2;
    sh += h;
    sv += v;
    shh += h * h;
    shv += h * v;
  }
  const slope = (H * shv - sh * sv) / (H * shh - sh * sh);
  const icpt = (sv - slope * sh) / H;
  const sLevel = Math.max(0, slope);
  const sNoise = Math.max(icpt / 2, 1e-12 * (sv / H));
  if (!(sLevel > 0) || !(sNoise > 0)) return 0;
  const q = sLevel / sNoise;
  return Math.min(1, (-q + Math.sqrt(q * q + 4 * q)) / 2);
}

/** Robust line y ≈ a + b·u: least squares, then again without points beyond 3 spreads. */
function robustLine(u: number[], y: number[]): [number, number] {
  let [a, b] = lineFit(u, y, null);
  const res = y.map((v, i) => v - a - b * u[i]);
  const s = spread(res);
  const m = median(res);
  if (s > 0)
    [a, b] = lineFit(
      u,
      y,
      res.map((r) => Math.abs(r - m) <= 3 * s),
    );
  return [a, b];
}

function lineFit(u: number[], y: number[], keep: boolean[] | null): [number, number] {
  let n = 0;
  let mu = 0;
  let my = 0;
  for (let i = 0; i < u.length; i++) if (!keep || keep[i]) [n, mu, my] = [n + 1, mu + u[i], my + y[i]];
  if (n === 0) return [0, 0];
  mu /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < u.length; i++) {
    if (keep && !keep[i]) continue;
    sxy += (u[i] - mu) * (y[i] - my);
    sxx += (u[i] - mu) ** 2;
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  return [my - b * mu, b];
}
