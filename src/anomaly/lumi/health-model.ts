// Pixel detector health per lumisection:
//   - HV leakage current per power group vs its expectation: the current is first brought to the
//     reference temperature with s(T) ∝ T² exp(−1.21 eV / 2kT), then compared with its level over
//     the previous lumisections (it grows slowly with integrated luminosity; an HV trip is a collapse);
//   - temperature per power group vs its expectation from the reference (set point + a luminosity
//     term; a cooling excursion heats the sensors, and the T-corrected current alone would hide it);
//   - FED error counts: a persistent excess over the reference rate (single-event-upset bursts that a
//     recovery clears are normal; a burst that survives stays in the EWMA);
//   - masked ROCs not explained by single-event upsets (one module at a time, cleared by a recovery):
//     a jump of several modules, or masks that survive a recovery.
import { clamp, EmpiricalTail, median, robustSigma, sidak, twoSidedP, weightedLeastSquares } from '../core/stats.js';
import type { Contributor, LumiInput, ModelResult, RunLayout } from './types.js';
import { leakageTemperatureFactor } from '../../shared/physics.js';
import type { Decision, Model } from '../core/model.js';

/** log of the leakage current brought to −20 °C (log µA) */
export function correctedLogCurrent(currentUA: number, tempC: number): number {
  if (!(currentUA > 0) || !Number.isFinite(tempC)) return currentUA === 0 ? Math.log(1e-3) : NaN;
  return Math.log(currentUA / leakageTemperatureFactor(tempC));
}

interface ChannelRef {
  /** noise of the lumisection-to-lumisection change (same unit as the channel) */
  sigma: number;
}

export interface HealthReference {
  current: ChannelRef[];
  temperature: ChannelRef[];
  /** expected temperature per power group: t0 + slope × luminosity (°C, °C per 1e30 cm^-2 s^-1);
   *  slopeSe: standard error of the slope, lumiMean: mean luminosity of the fit (a reference with a
   *  narrow luminosity span knows the slope poorly: far from its luminosity the expectation is loose) */
  tempModel: { t0: number; slope: number; sigma: number; slopeSe: number; lumiMean: number }[];
  /** errors of one FED in one lumisection (counts), pooled over FEDs */
  fedCount: EmpiricalTail;
  /** errors of one FED in each of two consecutive lumisections: the smaller of the two (counts);
   *  single-event-upset bursts last one lumisection, a fault persists */
  fedPersist: EmpiricalTail;
  /** per part: the fewest masked ROCs seen in the reference (permanently dead modules, counts) */
  maskFloor: number[];
  /** per part: lumisections with a single-module (≤ 16 ROC) increase, per lumisection (1/LS) */
  seuRate: number[];
}

export function fitHealthReference(layout: RunLayout, ref: LumiInput[][]): HealthReference {
  const diffs = (get: (x: LumiInput) => number, floor: number) => {
    const d: number[] = [];
    for (const run of ref)
      for (let i = 1; i < run.length; i++) {
        if (run[i].ls !== run[i - 1].ls + 1) continue;
        const v = get(run[i]) - get(run[i - 1]);
        if (Number.isFinite(v)) d.push(v);
      }
    return { sigma: Math.max(floor, robustSigma(d) / Math.SQRT2 || floor) };
  };
  const current = layout.powerGroups.map((_, g) => diffs((x) => correctedLogCurrent(x.leakage[g], x.temperature[g]), 0.003));
  const temperature = layout.powerGroups.map((_, g) => diffs((x) => x.temperature[g], 0.05));
  // the sensors warm a little with luminosity (occupancy); otherwise the cooling holds them steady
  const tempModel = layout.powerGroups.map((_, g) => {
    const pts = ref.flat().filter((x) => Number.isFinite(x.temperature[g]) && Number.isFinite(x.lumi));
    if (pts.length < 5) return { t0: NaN, slope: 0, sigma: 0.05, slopeSe: 0, lumiMean: 0 };
    const X = pts.map((x) => [1, x.lumi]);
    const y = pts.map((x) => x.temperature[g]);
    let coef = weightedLeastSquares(X, y) ?? [median(y), 0];
    // again without the outliers: a cooling excursion inside the reference must not tilt the fit
    const res0 = y.map((v, i) => v - coef[0] - coef[1] * pts[i].lumi);
    const cut = 4 * Math.max(0.05, robustSigma(res0));
    const mid = median(res0);
    coef =
      weightedLeastSquares(
        X,
        y,
        res0.map((r) => (Math.abs(r - mid) <= cut ? 1 : 0)),
      ) ?? coef;
    const res = y.map((v, i) => v - coef[0] - coef[1] * pts[i].lumi);
    const sigma = Math.max(0.05, robustSigma(res));
    const lumiMean = pts.reduce((a, x) => a + x.lumi, 0) / pts.length;
    const sxx = pts.reduce((a, x) => a + (x.lumi - lumiMean) ** 2, 0);
    const slopeSe = sxx > 0 ? sigma / Math.sqrt(sxx) : Math.abs(coef[1]) + 1e-4;
    return { t0: coef[0], slope: coef[1], sigma, slopeSe, lumiMean };
  });
  // The occupancy heating is one effect for every power group: when the per-group slopes differ by
  // no more than their errors (a reference with a narrow luminosity span), their median serves all
  // (√n more precise), with each group's own offset.
  const fitted = tempModel.filter((m) => Number.isFinite(m.t0));
  if (fitted.length >= 5) {
    const pooled = median(fitted.map((m) => m.slope));
    const seMed = median(fitted.map((m) => m.slopeSe));
    if (robustSigma(fitted.map((m) => m.slope)) <= 2 * seMed) {
      layout.powerGroups.forEach((_, g) => {
        const m = tempModel[g];
        if (!Number.isFinite(m.t0)) return;
        const pts = ref.flat().filter((x) => Number.isFinite(x.temperature[g]) && Number.isFinite(x.lumi));
        const off = pts.map((x) => x.temperature[g] - pooled * x.lumi);
        const t0 = median(off);
        tempModel[g] = { t0, slope: pooled, sigma: Math.max(0.05, robustSigma(off.map((v) => v - t0))), slopeSe: seMed / Math.sqrt(fitted.length), lumiMean: m.lumiMean };
      });
    }
  }
  const fedCount: number[] = [];
  const fedPersist: number[] = [];
  const maskFloor = layout.parts.map((_, k) => {
    let m = Infinity;
    for (const run of ref) for (const x of run) if (Number.isFinite(x.maskedRocs[k])) m = Math.min(m, x.maskedRocs[k]);
    return Number.isFinite(m) ? m : 0;
  });
  for (const run of ref) {
    for (let i = 0; i < run.length; i++) {
      const x = run[i];
      const prev = i > 0 && run[i - 1].ls === x.ls - 1 ? run[i - 1] : null;
      layout.feds.forEach((_, f) => {
        fedCount.push(x.fedErrors[f]);
        if (prev) fedPersist.push(Math.min(x.fedErrors[f], prev.fedErrors[f]));
      });
    }
  }
  return {
    current,
    temperature,
    tempModel,
    fedCount: new EmpiricalTail(fedCount, 5),
    // a persistent burst inside the reference (anomalies are in the reference too) would teach that
    // persistent bursts are normal: the top 0.2 % of the pooled values are left out
    fedPersist: new EmpiricalTail(trimTop(fedPersist, 0.002), 5),
    maskFloor,
    seuRate: layout.parts.map((_, k) => {
      let n = 0;
      let m = 0;
      for (const run of ref)
        for (let i = 1; i < run.length; i++) {
          if (run[i].ls !== run[i - 1].ls + 1) continue;
          const inc = run[i].maskedRocs[k] - run[i - 1].maskedRocs[k];
          if (!Number.isFinite(inc)) continue;
          m++;
          if (inc > 0) n++;
        }
      return Math.max(2e-3, m ? n / m : 2e-3);
    }),
  };
}

function trimTop(values: number[], fraction: number): number[] {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.slice(0, Math.max(1, Math.ceil(sorted.length * (1 - fraction))));
}

const LEVEL_RATE = 0.3;
const ROCS_PER_MODULE = 16;

/** P(X ≥ k) for X ~ Poisson(λ), by the leading terms (λ ≪ 1 here) */
function poissonUpperTail(k: number, lambda: number): number {
  let term = Math.exp(-lambda);
  for (let i = 0; i < k; i++) term *= lambda / (i + 1);
  // 1 − cdf loses precision for small λ: sum the upper terms instead
  let tail = 0;
  for (let i = k; i < k + 30; i++) {
    tail += term;
    term *= lambda / (i + 1);
  }
  return Math.min(1, Math.max(tail, 1e-300));
}

/** Online per-run state of the health checks. */
export class HealthModel implements Model<LumiInput, void> {
  private curLevel: Float64Array;
  private tLevel: Float64Array;
  private lastFed: Float64Array;
  private lastMask: Float64Array;
  private explained: Float64Array;

  constructor(
    private readonly layout: RunLayout,
    private readonly ref: HealthReference,
  ) {
    this.curLevel = new Float64Array(layout.powerGroups.length).fill(NaN);
    this.tLevel = new Float64Array(layout.powerGroups.length).fill(NaN);
    this.lastFed = new Float64Array(layout.feds.length).fill(NaN);
    this.lastMask = new Float64Array(layout.parts.length).fill(NaN);
    this.explained = new Float64Array(layout.parts.length).fill(NaN);
  }

  private lastLs = NaN;

  /** the state the last evaluated lumisection leads to, applied by learn() */
  private next: (() => void) | null = null;

  evaluate(x: LumiInput): ModelResult {
    // after a gap in lumisections the levels are stale: start again from this one
    if (x.ls !== this.lastLs + 1) {
      this.curLevel.fill(NaN);
      this.lastMask.fill(NaN);
      this.lastFed.fill(NaN);
    }
    const cand: { p: number; c: Contributor }[] = [];
    let nTests = 0;
    const nextCur = Float64Array.from(this.curLevel);
    const nextT = Float64Array.from(this.tLevel);
    this.layout.powerGroups.forEach((name, g) => {
      const lc = correctedLogCurrent(x.leakage[g], x.temperature[g]);
      if (Number.isFinite(lc)) {
        if (Number.isFinite(this.curLevel[g])) {
          const z = (lc - this.curLevel[g]) / (this.ref.current[g].sigma * 1.2);
          nTests++;
          cand.push({ p: twoSidedP(z), c: { name, score: r2(Math.abs(z)), detail: `leakage current ${pct(Math.exp(lc - this.curLevel[g]) - 1)} vs expected at this temperature` } });
          // a collapse (HV trip) must not drag the level down with it, or the recovery would alarm
          if (Math.abs(z) < 6) nextCur[g] = this.curLevel[g] + LEVEL_RATE * clamp(lc - this.curLevel[g], -3 * this.ref.current[g].sigma, 3 * this.ref.current[g].sigma);
        } else nextCur[g] = lc;
      }
      const t = x.temperature[g];
      const tm = this.ref.tempModel[g];
      if (Number.isFinite(t) && Number.isFinite(tm.t0)) {
        // expected from the reference, plus an offset that follows slowly while nothing is wrong
        const offset = Number.isFinite(this.tLevel[g]) ? this.tLevel[g] : 0;
        const dev = t - (tm.t0 + tm.slope * x.lumi + offset);
        // the slope's own uncertainty (3 standard errors) times the distance from the fitted luminosity
        const sSlope = 3 * tm.slopeSe * (x.lumi - tm.lumiMean);
        const z = dev / Math.sqrt((tm.sigma * 1.2) ** 2 + sSlope * sSlope);
        nTests++;
        cand.push({ p: twoSidedP(z), c: { name, score: r2(Math.abs(z)), detail: `temperature ${dev >= 0 ? '+' : ''}${dev.toFixed(1)} °C vs expected` } });
        nextT[g] = offset + (Math.abs(z) < 3 ? 0.01 * dev : 0);
      }
    });
    const nextFed = Float64Array.from(x.fedErrors);
    this.layout.feds.forEach((name, f) => {
      const c = x.fedErrors[f];
      if (!Number.isFinite(c) || c <= 0) return;
      const prev = this.lastFed[f];
      const pOne = this.ref.fedCount.survival(c);
      const pTwo = Number.isFinite(prev) ? this.ref.fedPersist.survival(Math.min(c, prev)) : 1;
      nTests++;
      cand.push({
        p: sidak(Math.min(pOne, pTwo), 2),
        c: {
          name: `FED ${name}`,
          score: r2(-Math.log10(Math.max(Math.min(pOne, pTwo), 1e-300))),
          detail: `${c} errors in this lumisection${Number.isFinite(prev) ? `, ${prev} in the previous one` : ''}`,
        },
      });
    });
    const nextMask = Float64Array.from(this.lastMask);
    const nextExpl = Float64Array.from(this.explained);
    this.layout.parts.forEach((name, k) => {
      const m = x.maskedRocs[k];
      if (!Number.isFinite(m)) return;
      nextMask[k] = m;
      if (!Number.isFinite(this.lastMask[k])) {
        nextExpl[k] = m;
        return;
      }
      // Single-event upsets mask one module (16 ROCs) at a time and a recovery clears them: that is
      // the explained part. Several modules at once, or masks that survive a recovery, are not.
      const inc = m - this.lastMask[k];
      let expl = this.explained[k];
      if (inc > 0 && inc <= ROCS_PER_MODULE) expl += inc;
      else if (inc < 0) expl = Math.max(Math.min(this.ref.maskFloor[k], m), expl + inc);
      const unexplained = Math.max(0, m - expl);
      if (unexplained === 0) expl = m;
      nextExpl[k] = expl;
      if (unexplained > 0) {
        const modules = Math.ceil(unexplained / ROCS_PER_MODULE);
        // as likely as that many upsets in one part within one lumisection
        const pm = poissonUpperTail(modules, this.ref.seuRate[k]);
        nTests++;
        cand.push({ p: pm, c: { name, score: r2(-Math.log10(Math.max(pm, 1e-300))), detail: `${unexplained} masked ROCs not explained by single-event upsets (${m} masked)` } });
      } else nTests++;
    });
    let pMin = 1;
    for (const c of cand) pMin = Math.min(pMin, c.p);
    const p = sidak(pMin, Math.max(nTests, 1));
    const contributors = cand
      .filter((c) => c.p < 1e-3)
      .sort((a, b) => a.p - b.p)
      .slice(0, 5)
      .map((c) => c.c);
    this.next = () => {
      this.lastLs = x.ls;
      this.curLevel = nextCur;
      this.tLevel = nextT;
      this.lastFed = nextFed;
      this.lastMask = nextMask;
      this.explained = nextExpl;
    };
    return { p, contributors };
  }

  /** Every lumisection moves the levels on (each check guards its own level against a collapse). */
  learn(_d?: Decision): void {
    this.next?.();
    this.next = null;
  }
}

function r2(x: number): number {
  return Math.round(x * 100) / 100;
}

function pct(x: number): string {
  const v = Math.round(x * 100);
  return `${v > 0 ? '+' : ''}${v} %`;
}
