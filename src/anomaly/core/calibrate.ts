// Calibration of model p-values on reference data, combination per lumisection, and the score scale.
import { clamp, sidak } from './stats.js';

/**
 * Rescales the log tail of a model's p-values so that, on reference lumisections, p < 0.5 happens
 * half of the time: p_cal = p^s with s = ln 2 / median(−ln p), bounded to [0.5, 1] (calibration only
 * tempers an over-confident model, it never sharpens one). The median
 * (not the far tail) keeps the fit robust when a large part of the reference is itself anomalous
 * (the demo data set injects anomalies into about a third of its lumisections).
 */
export class TailCalibrator {
  constructor(readonly exponent = 1) {}

  static fit(referenceP: number[], bounds: [number, number] = [0.5, 1]): TailCalibrator {
    const l = referenceP
      .filter((p) => p > 0 && p <= 1)
      .map((p) => -Math.log(p))
      .sort((a, b) => a - b);
    if (l.length < 20) return new TailCalibrator(1);
    const q50 = l[Math.floor(0.5 * (l.length - 1))];
    if (!(q50 > 0)) return new TailCalibrator(1);
    return new TailCalibrator(clamp(Math.LN2 / q50, bounds[0], bounds[1]));
  }

  apply(p: number): number {
    if (!(p > 0)) return 0;
    return Math.min(1, Math.pow(p, this.exponent));
  }
}

/** Šidák combination: the lumisection is as surprising as its most surprising model allows. */
export function combineP(ps: number[]): number {
  const f = ps.filter((p) => Number.isFinite(p));
  if (f.length === 0) return 1;
  return sidak(Math.min(...f), f.length);
}

/** score in [0,1] = −log10(p) / 12: p = 1e-3 reads 0.25, p = 1e-6 reads 0.5, p ≤ 1e-12 reads 1. */
export function scoreFromP(p: number): number {
  if (!(p < 1)) return 0;
  if (!(p > 0)) return 1;
  return clamp(-Math.log10(p) / 12, 0, 1);
}
