// Per-path rate response to pileup, as the trigger group's RateMon fits it: the pre-prescale rate
// per colliding bunch, live-time corrected, as a polynomial (linear or quadratic) in pileup.
import { LS_SECONDS } from './units.js';
import { median, weightedLeastSquares } from './stats.js';

export interface Response {
  /** coefficients of y(μ) = c0 + c1·μ + c2·μ², y in Hz per colliding bunch */
  coef: number[];
  /** relative systematic error beyond Poisson (dimensionless, e.g. 0.02 = 2 %) */
  sigmaSys: number;
  /** mean accepted counts per lumisection in the reference (counts) */
  meanCounts: number;
}

/** Normalised rate y = counts × prescale / (23.31 s × live × bunches), Hz per bunch. */
export function normalisedRate(counts: number, prescale: number, live: number, bunches: number): number {
  return (counts * prescale) / (LS_SECONDS * live * bunches);
}

/** Expected accepted counts in one lumisection for a response. */
export function expectedCounts(r: Response, mu: number, prescale: number, live: number, bunches: number): number {
  if (!(prescale > 0)) return 0;
  const y = r.coef[0] + (r.coef[1] ?? 0) * mu + (r.coef[2] ?? 0) * mu * mu;
  return Math.max(0, (y * LS_SECONDS * live * bunches) / prescale);
}

export interface ResponseSample {
  mu: number;
  counts: number;
  prescale: number;
  live: number;
  bunches: number;
}

/**
 * Fits the response on reference samples, weighted by the Poisson variance, twice: the second pass
 * ignores samples beyond 4 sigma (anomalies inside the reference must not bend the fit). The degree
 * follows the pileup span of the reference: a quadratic needs a wide span to be trusted.
 */
export function fitResponse(samples: ResponseSample[]): Response | null {
  const ok = samples.filter((s) => s.prescale > 0 && s.live > 0 && s.bunches > 0 && Number.isFinite(s.counts) && Number.isFinite(s.mu));
  if (ok.length < 5) return null;
  const mus = ok.map((s) => s.mu);
  const span = Math.max(...mus) - Math.min(...mus);
  const degree = span >= 15 ? 2 : span >= 4 ? 1 : 0;
  const y = ok.map((s) => normalisedRate(s.counts, s.prescale, s.live, s.bunches));
  // var(y) = E[counts] (prescale/(T live nb))²; E[counts] taken from the median so zeros keep a weight
  const medCounts = Math.max(1, median(ok.map((s) => s.counts)));
  const scale = ok.map((s) => s.prescale / (LS_SECONDS * s.live * s.bunches));
  const basis = (mu: number) => [1, mu, mu * mu].slice(0, degree + 1);
  // pileup-proportional fallback: rates scale with luminosity to first order
  const X = ok.map((s) => (degree === 0 ? [s.mu] : basis(s.mu)));
  let w = scale.map((k) => 1 / (medCounts * k * k));
  let coef: number[] | null = null;
  let rel: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    coef = weightedLeastSquares(X, y, w);
    if (!coef) return null;
    const pred = X.map((x) => x.reduce((acc, v, i) => acc + v * coef![i], 0));
    rel = y.map((v, i) => (pred[i] > 0 ? v / pred[i] - 1 : NaN));
    const sd = robustRelSigma(rel);
    w = w.map((wi, i) => (Math.abs(rel[i]) <= 4 * Math.max(sd, 1e-3) + 4 / Math.sqrt(medCounts) ? wi : 0));
  }
  const full = degree === 0 ? [0, coef![0], 0] : [...coef!, 0, 0].slice(0, 3);
  // relative spread beyond the Poisson part
  const sdTotal = robustRelSigma(rel);
  const meanCounts = ok.reduce((a, s) => a + s.counts, 0) / ok.length;
  const poissonRel2 = 1 / Math.max(meanCounts, 1);
  const sigmaSys = Math.sqrt(Math.max(0, sdTotal * sdTotal - poissonRel2));
  return { coef: full, sigmaSys, meanCounts };
}

function robustRelSigma(rel: number[]): number {
  const f = rel.filter(Number.isFinite);
  if (f.length === 0) return 0;
  const m = median(f);
  return 1.4826 * median(f.map((v) => Math.abs(v - m)));
}
