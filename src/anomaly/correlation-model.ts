// Loss of correlation between paths: the standardised, common-mode-free path residuals of the rate
// model are projected on the principal subspace learned from reference lumisections; what the
// subspace does not explain (squared prediction error, SPE) is scored against the reference SPE
// distribution, approximated as g·χ²_h with the reference mean and variance (Satterthwaite).
import { fitSubspace, projectionResidual, type Subspace } from './pca.js';
import { chiSquareUpperTail } from './stats.js';
import type { Contributor, ModelResult } from './types.js';

export class CorrelationModel {
  readonly subspace: Subspace;
  /** SPE ≈ g·χ²_h on the reference */
  readonly g: number;
  readonly h: number;

  constructor(
    private readonly names: string[],
    reference: Float64Array[],
  ) {
    const clean = reference.map((r) => Float64Array.from(r, (v) => (Number.isFinite(v) ? Math.max(-6, Math.min(6, v)) : 0)));
    this.subspace = fitSubspace(clean);
    const spe = clean.map((r) => sumSquares(projectionResidual(this.subspace, r))).sort((a, b) => a - b);
    const kept = spe.slice(0, Math.max(1, Math.floor(spe.length * 0.98)));
    const m = kept.reduce((a, v) => a + v, 0) / kept.length;
    const v = kept.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(kept.length - 1, 1);
    const dof = Math.max(1, names.length - this.subspace.basis.length - 1);
    // a trimmed reference underestimates the spread; never go below the χ² of the free dimensions
    this.g = m > 0 && v > 0 ? Math.max(v / (2 * m), m / dof) : 1;
    this.h = m > 0 ? m / this.g : dof;
  }

  evaluate(z: ArrayLike<number>): ModelResult & { spe: number } {
    if (this.names.length < 3) return { p: 1, contributors: [], spe: 0 };
    const clipped = Float64Array.from(z as ArrayLike<number>, (v) => (Number.isFinite(v) ? Math.max(-50, Math.min(50, v)) : NaN));
    const r = projectionResidual(this.subspace, clipped);
    const spe = sumSquares(r);
    const p = chiSquareUpperTail(spe / this.g, this.h);
    const order = Array.from(r.keys()).sort((a, b) => Math.abs(r[b]) - Math.abs(r[a]));
    const contributors: Contributor[] = order
      .slice(0, 5)
      .filter((j) => Math.abs(r[j]) >= 3)
      .map((j) => ({ name: this.names[j], score: Math.round(Math.abs(r[j]) * 100) / 100, detail: `off the reference correlation pattern by ${r[j].toFixed(1)} sigma` }));
    return { p, contributors, spe };
  }
}

function sumSquares(r: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i] * r[i];
  return s;
}
