// Pixel detector health per lumisection:
//   - HV leakage current per power group vs its expectation: the current is first brought to the
//     reference temperature with s(T) ∝ T² exp(−1.21 eV / 2kT), then compared with its level over
//     the previous lumisections (it grows slowly with integrated luminosity; an HV trip is a collapse);
//   - temperature per power group vs its level (a cooling excursion heats the sensors, and the
//     T-corrected current alone would hide it);
//   - FED error counts: a persistent excess over the reference rate (single-event-upset bursts that a
//     recovery clears are normal; a burst that survives stays in the EWMA);
//   - masked-ROC jumps: the increment of masked ROCs per part vs the reference increments.
import { clamp, median, quantile, robustSigma, twoSidedP, normalUpperTail } from './stats.js';
import type { Contributor, LumiInput, ModelResult, RunLayout } from './types.js';

const K_BOLTZMANN_EV = 8.617e-5;
const E_GAP_EV = 1.21;
const T_REF_C = -20;

/** s(T)/s(T_ref), dimensionless */
export function temperatureFactor(tempC: number): number {
  const t = tempC + 273.15;
  const tr = T_REF_C + 273.15;
  return (t / tr) ** 2 * Math.exp((-E_GAP_EV / (2 * K_BOLTZMANN_EV)) * (1 / t - 1 / tr));
}

/** log of the leakage current brought to −20 °C (log µA) */
export function correctedLogCurrent(currentUA: number, tempC: number): number {
  if (!(currentUA > 0) || !Number.isFinite(tempC)) return currentUA === 0 ? Math.log(1e-3) : NaN;
  return Math.log(currentUA / temperatureFactor(tempC));
}

interface ChannelRef {
  /** noise of the lumisection-to-lumisection change (same unit as the channel) */
  sigma: number;
}

export interface HealthReference {
  current: ChannelRef[];
  temperature: ChannelRef[];
  /** per FED: mean error counts per lumisection, and the dispersion (variance/mean ≥ 1) */
  fedMean: number[];
  fedDispersion: number[];
  /** per part: mean and spread of the lumisection-to-lumisection increase of masked ROCs (counts) */
  maskMean: number[];
  maskSigma: number[];
}

export function fitHealthReference(layout: RunLayout, ref: LumiInput[][]): HealthReference {
  const diffs = (get: (x: LumiInput) => number, floor: number) => {
    const d: number[] = [];
    for (const run of ref) for (let i = 1; i < run.length; i++) {
      if (run[i].ls !== run[i - 1].ls + 1) continue;
      const v = get(run[i]) - get(run[i - 1]);
      if (Number.isFinite(v)) d.push(v);
    }
    return { sigma: Math.max(floor, robustSigma(d) / Math.SQRT2 || floor) };
  };
  const current = layout.powerGroups.map((_, g) => diffs((x) => correctedLogCurrent(x.leakage[g], x.temperature[g]), 0.003));
  const temperature = layout.powerGroups.map((_, g) => diffs((x) => x.temperature[g], 0.05));
  const all = ref.flat();
  const fedMean: number[] = [];
  const fedDispersion: number[] = [];
  layout.feds.forEach((_, f) => {
    const c = all.map((x) => x.fedErrors[f]).filter(Number.isFinite);
    const cap = quantile(c, 0.99);
    const kept = c.map((v) => Math.min(v, Number.isFinite(cap) ? cap : v));
    const m = kept.length ? kept.reduce((a, v) => a + v, 0) / kept.length : 0;
    const v = kept.length > 1 ? kept.reduce((a, x) => a + (x - m) ** 2, 0) / (kept.length - 1) : 0;
    fedMean.push(m);
    fedDispersion.push(m > 0 ? clamp(v / m, 1, 100) : 1);
  });
  const maskMean: number[] = [];
  const maskSigma: number[] = [];
  layout.parts.forEach((_, k) => {
    const inc: number[] = [];
    for (const run of ref) for (let i = 1; i < run.length; i++) {
      if (run[i].ls !== run[i - 1].ls + 1) continue;
      const v = run[i].maskedRocs[k] - run[i - 1].maskedRocs[k];
      if (Number.isFinite(v)) inc.push(Math.max(0, v));
    }
    maskMean.push(inc.length ? median(inc) : 0);
    maskSigma.push(Math.max(2, quantile(inc, 0.99) / 2.33 || 2));
  });
  return { current, temperature, fedMean, fedDispersion, maskMean, maskSigma };
}

const LEVEL_RATE = 0.3;
const FED_EWMA = 0.3;

/** Online per-run state of the health checks. */
export class HealthModel {
  private curLevel: Float64Array;
  private tLevel: Float64Array;
  private fedEwma: Float64Array;
  private lastMask: Float64Array;

  constructor(
    private readonly layout: RunLayout,
    private readonly ref: HealthReference,
  ) {
    this.curLevel = new Float64Array(layout.powerGroups.length).fill(NaN);
    this.tLevel = new Float64Array(layout.powerGroups.length).fill(NaN);
    this.fedEwma = Float64Array.from(ref.fedMean);
    this.lastMask = new Float64Array(layout.parts.length).fill(NaN);
  }

  private lastLs = NaN;

  evaluate(x: LumiInput): ModelResult & { apply(): void } {
    // after a gap in lumisections the levels are stale: start again from this one
    if (x.ls !== this.lastLs + 1) {
      this.curLevel.fill(NaN);
      this.tLevel.fill(NaN);
      this.lastMask.fill(NaN);
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
          nextCur[g] = this.curLevel[g] + LEVEL_RATE * clamp(lc - this.curLevel[g], -3 * this.ref.current[g].sigma, 3 * this.ref.current[g].sigma);
        } else nextCur[g] = lc;
      }
      const t = x.temperature[g];
      if (Number.isFinite(t)) {
        if (Number.isFinite(this.tLevel[g])) {
          const z = (t - this.tLevel[g]) / (this.ref.temperature[g].sigma * 1.2);
          nTests++;
          cand.push({ p: twoSidedP(z), c: { name, score: r2(Math.abs(z)), detail: `temperature ${(t - this.tLevel[g]).toFixed(1)} °C vs its level` } });
          nextT[g] = this.tLevel[g] + LEVEL_RATE * clamp(t - this.tLevel[g], -3 * this.ref.temperature[g].sigma, 3 * this.ref.temperature[g].sigma);
        } else nextT[g] = t;
      }
    });
    const nextFed = Float64Array.from(this.fedEwma);
    this.layout.feds.forEach((name, f) => {
      const c = x.fedErrors[f];
      if (!Number.isFinite(c)) return;
      nextFed[f] = (1 - FED_EWMA) * this.fedEwma[f] + FED_EWMA * c;
      const m = this.ref.fedMean[f];
      // the EWMA of a Poisson(m)·dispersion series has variance ≈ disp·m·λ/(2−λ)
      const sd = Math.sqrt((this.ref.fedDispersion[f] * Math.max(m, 0.05) * FED_EWMA) / (2 - FED_EWMA));
      const z = (nextFed[f] - m) / sd;
      nTests++;
      cand.push({ p: normalUpperTail(z), c: { name: `FED ${name}`, score: r2(Math.max(0, z)), detail: `${c} errors in this lumisection, ${m.toFixed(2)} expected` } });
    });
    const nextMask = Float64Array.from(this.lastMask);
    this.layout.parts.forEach((name, k) => {
      const m = x.maskedRocs[k];
      if (!Number.isFinite(m)) return;
      if (Number.isFinite(this.lastMask[k])) {
        const inc = m - this.lastMask[k];
        const z = (inc - this.ref.maskMean[k]) / this.ref.maskSigma[k];
        nTests++;
        cand.push({ p: normalUpperTail(z), c: { name, score: r2(Math.max(0, z)), detail: `${inc >= 0 ? '+' : ''}${inc} masked ROCs in one lumisection` } });
      }
      nextMask[k] = m;
    });
    let pMin = 1;
    for (const c of cand) pMin = Math.min(pMin, c.p);
    const p = Math.min(1, Math.max(nTests, 1) * pMin);
    const contributors = cand
      .filter((c) => c.p < 1e-3)
      .sort((a, b) => a.p - b.p)
      .slice(0, 5)
      .map((c) => c.c);
    return {
      p,
      contributors,
      apply: () => {
        this.lastLs = x.ls;
        this.curLevel = nextCur;
        this.tLevel = nextT;
        this.fedEwma = nextFed;
        this.lastMask = nextMask;
      },
    };
  }
}

function r2(x: number): number {
  return Math.round(x * 100) / 100;
}

function pct(x: number): string {
  const v = Math.round(x * 100);
  return `${v > 0 ? '+' : ''}${v} %`;
}
