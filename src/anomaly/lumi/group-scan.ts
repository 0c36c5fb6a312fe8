// Subset scans of a group of standardised path residuals: does a subset of a few paths of a large
// group deviate? Either together, in one direction (a fault of their common object: the group mean
// dilutes it), or apart, each its own way (a loss of correlation: signed sums cancel it). The null
// of each scan (independent standard normal residuals) is simulated once per group size.
import { Rng } from '../../shared/prng.js';
import { sidak } from '../core/stats.js';

/** subset sizes the scans try: a fault often hits a few paths of a large group */
const SCAN_K = [1, 2, 3, 4, 6, 8, 12];
/** null draws per group size */
const SCAN_DRAWS = 4000;
/** share of the null draws whose far tail is extrapolated as an exponential */
const SCAN_TAIL = 0.01;

interface ScanNull {
  ks: number[];
  /** per k: the simulated null values of the statistic, ascending (extreme = low) */
  samples: Float64Array[];
  /** per k: the SCAN_TAIL quantile and the mean excess beyond it (exponential tail beyond) */
  sq: number[];
  theta: number[];
}
const nulls = new Map<string, ScanNull>();

/** the statistic of the k most extreme of m sorted-ascending values, as "low is extreme" */
type Statistic = 'together' | 'apart';

/**
 * Null distribution of the scan statistic for a group of m paths by simulation with a fixed seed,
 * cached. together: S_k = (sum of the k lowest of m normals)/√k. apart: −(sum of the k largest
 * squares). Far beyond the draws the tail is extrapolated as an exponential from the most extreme
 * 1 % (sums of extremes have a lighter tail than that: the extrapolation is conservative; a normal
 * approximation with the mean and spread is not, the spread of extremes is small and their tail long
 * in units of it).
 */
export function scanNull(m: number, statistic: Statistic = 'together'): ScanNull {
  const key = `${statistic}:${m}`;
  let nul = nulls.get(key);
  if (nul) return nul;
  const ks = SCAN_K.filter((k) => k < m);
  const samples = ks.map(() => new Float64Array(SCAN_DRAWS));
  const rng = new Rng((0x9e3779b9 ^ m) + (statistic === 'apart' ? 7919 : 0));
  const x = new Float64Array(m);
  for (let d = 0; d < SCAN_DRAWS; d++) {
    for (let i = 0; i < m; i++) {
      const g = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
      x[i] = statistic === 'apart' ? -g * g : g;
    }
    x.sort();
    let acc = 0;
    let j = 0;
    for (let i = 0; i < m && j < ks.length; i++) {
      acc += x[i];
      if (i + 1 === ks[j]) {
        samples[j][d] = statistic === 'apart' ? acc : acc / Math.sqrt(ks[j]);
        j++;
      }
    }
  }
  const nTail = Math.max(5, Math.round(SCAN_TAIL * SCAN_DRAWS));
  const sq: number[] = [];
  const theta: number[] = [];
  for (const smp of samples) {
    smp.sort();
    const q = smp[nTail];
    let e = 0;
    for (let i = 0; i < nTail; i++) e += q - smp[i];
    sq.push(q);
    theta.push(Math.max(e / nTail, 1e-3));
  }
  nul = { ks, samples, sq, theta };
  nulls.set(key, nul);
  return nul;
}

/** P(S ≤ s) under the null: the simulated share, or the exponential tail beyond the extreme 1 %. */
function tailP(nul: ScanNull, j: number, s: number): number {
  if (s < nul.sq[j]) return SCAN_TAIL * Math.exp(-(nul.sq[j] - s) / nul.theta[j]);
  const smp = nul.samples[j];
  let lo = 0;
  let hi = smp.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (smp[mid] <= s) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(lo, 1) / smp.length;
}

export interface ScanResult {
  /** p-value of the most significant subset (dimensionless), corrected for the sizes tried */
  p: number;
  /** together: −1 a subset low, +1 high; apart: +1; 0 when the group is too small */
  dir: number;
  /** size of the most significant subset (0 when the group is too small) */
  k: number;
}

/**
 * Subset scan "together": the most significant of the standardised sums of a group's k lowest (and,
 * mirrored, k highest) residuals over k in SCAN_K (Šidák over k and the two directions). Sensitive
 * to a few paths of a large group moving together, which the group mean dilutes.
 */
export function groupScan(values: number[]): ScanResult {
  const m = values.length;
  if (m < 3) return { p: 1, dir: 0, k: 0 };
  const nul = scanNull(m);
  if (nul.ks.length === 0) return { p: 1, dir: 0, k: 0 };
  const asc = Float64Array.from(values).sort();
  let best = 1;
  let bestDir = 0;
  let bestK = 0;
  for (const dir of [-1, 1]) {
    let acc = 0;
    let j = 0;
    for (let i = 0; i < m && j < nul.ks.length; i++) {
      acc += dir < 0 ? asc[i] : -asc[m - 1 - i];
      if (i + 1 === nul.ks[j]) {
        const pk = tailP(nul, j, acc / Math.sqrt(nul.ks[j]));
        if (pk < best) [best, bestDir, bestK] = [pk, dir, nul.ks[j]];
        j++;
      }
    }
  }
  return { p: sidak(best, 2 * nul.ks.length), dir: bestDir, k: bestK };
}

/**
 * Subset scan "apart": the most significant of the sums of a group's k largest squared residuals
 * over k in SCAN_K (Šidák over k). Sensitive to a few paths of a group that each wander their own
 * way (loss of correlation), which the signed scans and the group mean cancel.
 */
export function groupScanApart(values: number[]): ScanResult {
  const m = values.length;
  if (m < 3) return { p: 1, dir: 0, k: 0 };
  const nul = scanNull(m, 'apart');
  if (nul.ks.length === 0) return { p: 1, dir: 0, k: 0 };
  const negSq = Float64Array.from(values, (v) => -v * v).sort();
  let best = 1;
  let bestK = 0;
  let acc = 0;
  let j = 0;
  for (let i = 0; i < m && j < nul.ks.length; i++) {
    acc += negSq[i];
    if (i + 1 === nul.ks[j]) {
      const pk = tailP(nul, j, acc);
      if (pk < best) [best, bestK] = [pk, nul.ks[j]];
      j++;
    }
  }
  return { p: sidak(best, nul.ks.length), dir: 1, k: bestK };
}
