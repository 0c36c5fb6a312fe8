// Per-path rate response to pileup, as the trigger group's RateMon fits it: the pre-prescale rate
// per colliding bunch, live-time corrected, as a polynomial (linear or quadratic) in pileup.
import { LS_SECONDS } from '../../shared/physics.js';
import { robustSigma, weightedLeastSquares } from '../core/stats.js';

export interface Response {
  /** log y(μ) = a + β·(ln μ − ln μ0) + γ·(ln μ − ln μ0)², y in Hz per colliding bunch */
  a: number;
  beta: number;
  gamma: number;
  /** relative systematic error beyond Poisson (dimensionless, e.g. 0.02 = 2 %) */
  sigmaSys: number;
  /** mean accepted counts per lumisection in the reference (counts) */
  meanCounts: number;
  /** ln(μ/μ0) range of the reference: predictions outside it are extrapolations */
  lMin: number;
  lMax: number;
}

/** relative prediction error per unit of ln μ outside the reference range (dimensionless) */
const EXTRAPOLATION_ERROR = 1.0;

/** relative prediction error per unit of ln μ inside the reference range: the fitted exponent of a
 *  narrow reference is uncertain (pulled towards 1 by the prior) (dimensionless) */
const SLOPE_ERROR = 0.25;

/**
 * Relative error of the prediction from the pileup travelled since the gain was learned: at ln μ
 * `fromL` (ln(μ/μ0); NaN when no gain was learned: the reference fit itself), at `fromOutside`
 * outside the reference range. Beyond the reference range the response is an extrapolation.
 */
export function extrapolationError(r: Response, mu: number, fromOutside = 0, fromL = NaN): number {
  const l = Math.log(Math.max(mu, 0.1) / MU0);
  const inside = Number.isFinite(fromL) ? SLOPE_ERROR * Math.abs(l - fromL) : 0;
  return inside + EXTRAPOLATION_ERROR * Math.abs(outsideRange(r, mu) - fromOutside);
}

/** ln(μ/μ0), the pileup coordinate of the responses */
export function logMu(mu: number): number {
  return Math.log(Math.max(mu, 0.1) / MU0);
}

/**
 * Signed distance in ln μ outside the reference pileup range (0 inside, < 0 below, > 0 above).
 * A prediction corrected by a gain learned at distance `from` is wrong by about the slope error
 * times the distance travelled since: extrapolationError(r, μ, from).
 */
export function outsideRange(r: Response, mu: number): number {
  const l = Math.log(Math.max(mu, 0.1) / MU0);
  return l < r.lMin ? l - r.lMin : l > r.lMax ? l - r.lMax : 0;
}

/** pileup the power law is centred on (dimensionless) */
const MU0 = 40;

/** Normalised rate y = counts × prescale / (23.31 s × live × bunches), Hz per bunch. */
export function normalisedRate(counts: number, prescale: number, live: number, bunches: number): number {
  return (counts * prescale) / (LS_SECONDS * live * bunches);
}

export function responseAt(r: Response, mu: number): number {
  const l = Math.log(Math.max(mu, 0.1) / MU0);
  return Math.exp(r.a + r.beta * l + r.gamma * l * l);
}

/** The response's local exponent d ln(rate) / d ln μ at pileup μ (dimensionless). */
export function localExponent(r: Response, mu: number): number {
  return r.beta + 2 * r.gamma * Math.log(Math.max(mu, 0.1) / MU0);
}

/** Expected accepted counts in one lumisection for a response. */
export function expectedCounts(r: Response, mu: number, prescale: number, live: number, bunches: number): number {
  if (!(prescale > 0)) return 0;
  return (responseAt(r, mu) * LS_SECONDS * live * bunches) / prescale;
}

export interface ResponseSample {
  mu: number;
  counts: number;
  prescale: number;
  live: number;
  bunches: number;
}

// Priors of the fit, in units of the statistical weight (1/variance of log y):
// a reference with a narrow pileup span cannot tell a linear from a quadratic path, so the exponent
// is pulled towards 1 (rate ∝ luminosity) and the curvature towards 0 unless the data insist.
const PRIOR_BETA = 1;
const PRIOR_BETA_WEIGHT = 5;
const PRIOR_GAMMA_WEIGHT = 200;
/** systematic floor in the weights, so that very high-rate paths do not claim impossible precision */
const WEIGHT_SYS = 0.02;

/**
 * Fits the RateMon-like response as a power law with curvature in pileup, on log rates
 * weighted by their Poisson + systematic variance, twice: the second pass ignores samples beyond
 * 4 sigma (anomalies inside the reference must not bend the fit). Linear (β≈1), quadratic (β→2),
 * sinh-like (β>2 with curvature) and flat (zero-bias, β≈0) paths are all this shape.
 */
export function fitResponse(samples: ResponseSample[]): Response | null {
  const ok = samples.filter((s) => s.prescale > 0 && s.live > 0 && s.bunches > 0 && s.mu >= 1 && Number.isFinite(s.counts) && s.counts >= 0);
  if (ok.length < 5) return null;
  const l = ok.map((s) => Math.log(s.mu / MU0));
  const y = ok.map((s) => Math.log(normalisedRate(s.counts + 0.5, s.prescale, s.live, s.bunches)));
  let w = ok.map((s) => 1 / (1 / (s.counts + 1) + WEIGHT_SYS * WEIGHT_SYS));
  const X = l.map((v) => [1, v, v * v]);
  // prior pseudo-observations
  X.push([0, 1, 0], [0, 0, 1]);
  y.push(PRIOR_BETA, 0);
  let coef: number[] | null = null;
  let rel: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    coef = weightedLeastSquares(X, y, [...w, PRIOR_BETA_WEIGHT, PRIOR_GAMMA_WEIGHT]);
    if (!coef) return null;
    rel = ok.map((_, i) => y[i] - (coef![0] + coef![1] * l[i] + coef![2] * l[i] * l[i]));
    const sd = robustSigma(rel);
    w = w.map((wi, i) => (Math.abs(rel[i]) <= 4 * Math.max(sd, 1e-3) + 4 / Math.sqrt(ok[i].counts + 1) ? wi : 0));
  }
  const meanCounts = ok.reduce((acc, s) => acc + s.counts, 0) / ok.length;
  // log-residual spread beyond the Poisson part
  const sdTotal = robustSigma(rel);
  const poissonRel2 = 1 / Math.max(meanCounts, 1);
  const sigmaSys = Math.sqrt(Math.max(0, sdTotal * sdTotal - poissonRel2));
  return { a: coef![0], beta: coef![1], gamma: coef![2], sigmaSys, meanCounts, lMin: Math.min(...l), lMax: Math.max(...l) };
}
