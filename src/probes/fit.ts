// Least-squares polynomial fits for rate-versus-pileup (the trigger group's RateMon uses linear and
// quadratic fits of rate against pileup).

/** Coefficients c[0] + c[1]·x + … + c[d]·x^d; null when the system is singular (too few distinct x). */
export function polyfit(xs: number[], ys: number[], degree: number): number[] | null {
  const n = degree + 1;
  if (xs.length < n) return null;
  // normal equations A c = b with A[i][j] = Σ x^(i+j), b[i] = Σ y·x^i; x scaled for conditioning
  const scale = Math.max(...xs.map(Math.abs)) || 1;
  const A = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const b = new Array<number>(n).fill(0);
  for (let k = 0; k < xs.length; k++) {
    const x = xs[k] / scale;
    const pw = [1];
    for (let i = 1; i < 2 * n; i++) pw.push(pw[i - 1] * x);
    for (let i = 0; i < n; i++) {
      b[i] += ys[k] * pw[i];
      for (let j = 0; j < n; j++) A[i][j] += pw[i + j];
    }
  }
  // Gaussian elimination with partial pivoting
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r][c]) > Math.abs(A[piv][c])) piv = r;
    if (Math.abs(A[piv][c]) < 1e-12) return null;
    [A[c], A[piv]] = [A[piv], A[c]];
    [b[c], b[piv]] = [b[piv], b[c]];
    for (let r = c + 1; r < n; r++) {
      const f = A[r][c] / A[c][c];
      for (let j = c; j < n; j++) A[r][j] -= f * A[c][j];
      b[r] -= f * b[c];
    }
  }
  const coef = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r];
    for (let j = r + 1; j < n; j++) s -= A[r][j] * coef[j];
    coef[r] = s / A[r][r];
  }
  return coef.map((c, i) => c / scale ** i);
}

export function polyval(coef: number[], x: number): number {
  return coef.reduceRight((acc, c) => acc * x + c, 0);
}

/** Coefficient of determination of a fit. */
export function rSquared(xs: number[], ys: number[], coef: number[]): number {
  const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
  let ssRes = 0;
  let ssTot = 0;
  xs.forEach((x, i) => {
    ssRes += (ys[i] - polyval(coef, x)) ** 2;
    ssTot += (ys[i] - mean) ** 2;
  });
  return ssTot > 0 ? 1 - ssRes / ssTot : 1;
}

/** "12.3 + 4.56·μ + 0.0789·μ²" with 3 significant digits. */
export function formatPoly(coef: number[], variable = 'μ'): string {
  const sup = ['', '', '²', '³'];
  return coef
    .map((c, i) => {
      const v = Number(c.toPrecision(3));
      const term = i === 0 ? `${Math.abs(v)}` : `${Math.abs(v)}·${variable}${sup[i]}`;
      return { neg: v < 0, term, i };
    })
    .map((t) => (t.i === 0 ? (t.neg ? '−' : '') + t.term : (t.neg ? ' − ' : ' + ') + t.term))
    .join('');
}
