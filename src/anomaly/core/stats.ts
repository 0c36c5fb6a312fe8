// Small numeric helpers shared by the anomaly models. Pure functions, no dependencies.

/** Upper tail of the standard normal, P(Z > z), accurate to ~1e-7 relative (Cody-style erfc). */
export function normalUpperTail(z: number): number {
  if (Number.isNaN(z)) return 1;
  if (z < 0) return 1 - normalUpperTail(-z);
  if (z > 38) return 0;
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * Šidák correction: the p-value of the smallest of k independent p-values, 1 − (1 − p)^k. For small
 * p it is k·p (Bonferroni); unlike min(1, k·p) it stays below 1 for every p < 1, so a score made
 * from it keeps ranking the unremarkable lumisections instead of tying most of them at zero.
 */
export function sidak(p: number, k: number): number {
  if (!(p > 0)) return 0;
  if (!(p < 1) || !(k > 0)) return Math.min(1, p);
  return Math.min(1, -Math.expm1(k * Math.log1p(-p)));
}

/** Two-sided normal p-value of a standardised residual. */
export function twoSidedP(z: number): number {
  return Math.min(1, 2 * normalUpperTail(Math.abs(z)));
}

/** Complementary error function (Numerical Recipes erfcc, |rel err| < 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Inverse of the standard normal upper tail: z such that P(Z > z) = p (Acklam's algorithm). */
export function normalUpperQuantile(p: number): number {
  if (p <= 0) return Infinity;
  if (p >= 1) return -Infinity;
  return -normalQuantile(p);
}

function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - pl) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

export function median(values: ArrayLike<number>): number {
  return quantile(values, 0.5);
}

/** Linear-interpolated quantile of the finite values; NaN when there are none. */
export function quantile(values: ArrayLike<number>, q: number): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) n++;
  if (n === 0) return NaN;
  // a typed array sorts numerically without a comparator call per comparison
  const v = new Float64Array(n);
  n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) v[n++] = values[i];
  v.sort();
  const pos = Math.min(Math.max(q, 0), 1) * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, v.length - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

/** Median absolute deviation scaled to a normal sigma (1.4826 × MAD). */
export function robustSigma(values: ArrayLike<number>): number {
  const m = median(values);
  const dev: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) dev.push(Math.abs(values[i] - m));
  return 1.4826 * median(dev);
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/**
 * Weighted least squares for y ≈ X·β with a small design matrix (normal equations, Cholesky-free
 * Gauss-Jordan with partial pivoting). Returns null when the system is singular.
 */
export function weightedLeastSquares(X: number[][], y: number[], w?: number[]): number[] | null {
  const k = X[0]?.length ?? 0;
  if (k === 0) return null;
  const A = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  for (let i = 0; i < X.length; i++) {
    const wi = w ? w[i] : 1;
    if (!(wi > 0) || !Number.isFinite(y[i])) continue;
    const xi = X[i];
    for (let r = 0; r < k; r++) {
      const v = wi * xi[r];
      for (let c = 0; c < k; c++) A[r][c] += v * xi[c];
      A[r][k] += v * y[i];
    }
  }
  // ridge-free solve; a tiny diagonal nudge keeps nearly collinear designs solvable
  for (let r = 0; r < k; r++) A[r][r] += 1e-12 * (Math.abs(A[r][r]) + 1e-300);
  return solve(A, k);
}

/** Solves the augmented system [A | b] (k rows) in place by Gaussian elimination with pivoting; null if singular. */
export function solve(A: number[][], k = A.length): number[] | null {
  for (let col = 0; col < k; col++) {
    let piv = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(A[r][col]) > Math.abs(A[piv][col])) piv = r;
    if (Math.abs(A[piv][col]) < 1e-300) return null;
    [A[col], A[piv]] = [A[piv], A[col]];
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = A[r][col] / A[col][col];
      if (f === 0) continue;
      for (let c = col; c <= k; c++) A[r][c] -= f * A[col][c];
    }
  }
  return A.map((row, i) => row[k] / row[i]);
}

/**
 * ROC AUC by the rank-sum (Mann-Whitney) formula with ties counted as one half.
 * Returns NaN when one class is empty.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let nPos = 0;
  let nNeg = 0;
  let rankSumPos = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) {
      if (labels[idx[t]]) {
        nPos++;
        rankSumPos += avgRank;
      } else nNeg++;
    }
    i = j + 1;
  }
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Upper tail of χ² with h degrees of freedom (Wilson–Hilferty; good to a few % in the far tail). */
export function chiSquareUpperTail(x: number, h: number): number {
  if (!(x > 0)) return 1;
  if (!(h > 0)) return 0;
  const a = 2 / (9 * h);
  const z = (Math.cbrt(x / h) - (1 - a)) / Math.sqrt(a);
  return normalUpperTail(z);
}

/**
 * Survival function P(X ≥ x) of a reference sample, with an exponential tail past the largest
 * reference value (scale = mean excess over the 99 % quantile), so values never seen in the
 * reference still get a graded, small probability.
 */
export class EmpiricalTail {
  private readonly sorted: Float64Array;
  private readonly scale: number;

  constructor(values: number[], minScale = 1) {
    this.sorted = Float64Array.from(values.filter(Number.isFinite)).sort();
    const n = this.sorted.length;
    const q99 = n ? this.sorted[Math.floor(0.99 * (n - 1))] : 0;
    let s = 0;
    let m = 0;
    for (let i = 0; i < n; i++) if (this.sorted[i] > q99) [s, m] = [s + this.sorted[i] - q99, m + 1];
    this.scale = Math.max(minScale, m ? s / m : minScale);
  }

  survival(x: number): number {
    const n = this.sorted.length;
    if (n === 0 || !Number.isFinite(x)) return 1;
    // first index with value ≥ x
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    const atLeast = n - lo;
    if (atLeast > 0) return Math.min(1, (atLeast + 0.5) / (n + 1));
    return (0.5 / (n + 1)) * Math.exp(-(x - this.sorted[n - 1]) / this.scale);
  }
}
