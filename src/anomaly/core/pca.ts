// Principal subspace of reference vectors (cyclic Jacobi eigen-decomposition of the covariance).

export interface Subspace {
  dim: number;
  /** column-major basis: k vectors of length dim, orthonormal */
  basis: Float64Array[];
  mean: Float64Array;
  /** eigenvalues of the kept components, descending */
  eigenvalues: number[];
}

/** Eigenvalues and eigenvectors (columns of V) of a symmetric matrix, sorted by eigenvalue descending. */
export function symmetricEigen(A: number[][]): { values: number[]; vectors: number[][] } {
  const n = A.length;
  const a = A.map((r) => [...r]);
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j): number => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j][j] - a[i][i]);
  return { values: order.map((i) => a[i][i]), vectors: order.map((i) => v.map((row) => row[i])) };
}

/**
 * Learns the subspace of the structure in the reference rows: components whose eigenvalue clears the
 * Marchenko–Pastur noise edge (1 + √(dim/n))² × the median eigenvalue, at most dim/3 of them.
 */
export function fitSubspace(rows: Float64Array[], maxComponents?: number): Subspace {
  const dim = rows[0]?.length ?? 0;
  const n = rows.length;
  const mean = new Float64Array(dim);
  for (const r of rows) for (let j = 0; j < dim; j++) mean[j] += r[j] / n;
  const C = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
  for (const r of rows) {
    for (let i = 0; i < dim; i++) {
      const di = r[i] - mean[i];
      for (let j = i; j < dim; j++) C[i][j] += (di * (r[j] - mean[j])) / Math.max(n - 1, 1);
    }
  }
  for (let i = 0; i < dim; i++) for (let j = 0; j < i; j++) C[i][j] = C[j][i];
  const kMax = Math.min(maxComponents ?? Math.floor(dim / 3), Math.floor(dim / 3), Math.floor(n / 10), MAX_COMPONENTS);
  let trace = 0;
  for (let i = 0; i < dim; i++) trace += C[i][i];
  let values: number[];
  let vectors: number[][];
  let noise: number;
  if (dim <= JACOBI_MAX_DIM) {
    ({ values, vectors } = symmetricEigen(C));
    const sorted = [...values].sort((x, y) => x - y);
    noise = sorted[Math.floor(sorted.length / 2)] ?? 0;
  } else {
    // many paths: only the leading components are needed, by block power iteration (O(dim²·k) per
    // step instead of O(dim³)); the noise level is the mean of the eigenvalues left over
    ({ values, vectors } = leadingEigen(C, Math.max(kMax, 1)));
    const top = values.reduce((a, v) => a + v, 0);
    noise = (trace - top) / Math.max(dim - values.length, 1);
  }
  const edge = noise * (1 + Math.sqrt(dim / Math.max(n, 1))) ** 2;
  const basis: Float64Array[] = [];
  const eigenvalues: number[] = [];
  for (let k = 0; k < kMax; k++) {
    if (!(values[k] > edge)) break;
    basis.push(Float64Array.from(vectors[k]));
    eigenvalues.push(values[k]);
  }
  return { dim, basis, mean, eigenvalues };
}

const JACOBI_MAX_DIM = 80;
const MAX_COMPONENTS = 20;

/** Leading k eigenpairs of a symmetric positive semi-definite matrix (orthogonal iteration). */
export function leadingEigen(C: number[][], k: number, iterations = 25): { values: number[]; vectors: number[][] } {
  const n = C.length;
  let V: Float64Array[] = Array.from({ length: k }, (_, j) => Float64Array.from({ length: n }, (_, i) => Math.sin(1 + i * (j + 1) * 0.7) + (i === j ? 1 : 0)));
  const mul = (v: Float64Array) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const row = C[i];
      let acc = 0;
      for (let j = 0; j < n; j++) acc += row[j] * v[j];
      out[i] = acc;
    }
    return out;
  };
  const orthonormalise = (W: Float64Array[]) => {
    for (let a = 0; a < W.length; a++) {
      for (let b = 0; b < a; b++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += W[a][i] * W[b][i];
        for (let i = 0; i < n; i++) W[a][i] -= d * W[b][i];
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += W[a][i] * W[a][i];
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < n; i++) W[a][i] /= norm;
    }
    return W;
  };
  V = orthonormalise(V);
  for (let it = 0; it < iterations; it++) V = orthonormalise(V.map(mul));
  // Rayleigh quotients, then sort
  const values = V.map((v) => {
    const cv = mul(v);
    let d = 0;
    for (let i = 0; i < n; i++) d += v[i] * cv[i];
    return d;
  });
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]);
  return { values: order.map((i) => values[i]), vectors: order.map((i) => Array.from(V[i])) };
}

/** Residual of x (minus the mean) after projection on the subspace; NaN entries count as 0. */
export function projectionResidual(s: Subspace, x: ArrayLike<number>): Float64Array {
  const c = new Float64Array(s.dim);
  for (let j = 0; j < s.dim; j++) c[j] = Number.isFinite(x[j]) ? x[j] - s.mean[j] : 0;
  const r = Float64Array.from(c);
  for (const b of s.basis) {
    let dot = 0;
    for (let j = 0; j < s.dim; j++) dot += b[j] * c[j];
    for (let j = 0; j < s.dim; j++) r[j] -= dot * b[j];
  }
  return r;
}
