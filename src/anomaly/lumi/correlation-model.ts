// Loss of correlation between paths: the standardised, common-mode-free path residuals of the rate
// model are projected on the principal subspace learned from reference lumisections; what the
// subspace does not explain (squared prediction error, SPE) is scored against the reference SPE
// distribution: χ² over the free dimensions, widened by g when the reference SPE runs high
// (g from the reference median, robust to anomalies inside the reference).
import { fitSubspace, projectionResidual, type Subspace } from '../core/pca.js';
import { chiSquareUpperTail, median } from '../core/stats.js';
import type { Contributor, ModelResult } from './types.js';
import type { Model } from '../core/model.js';

export class CorrelationModel implements Model<ArrayLike<number>, void> {
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
    const spe = clean.map((r) => sumSquares(projectionResidual(this.subspace, r)));
    const dof = Math.max(1, names.length - this.subspace.basis.length - 1);
    // scale from the median, which a reference with many anomalies in it does not move much:
    // the median of χ²_h is ≈ h(1 − 2/(9h))³
    const med = median(spe);
    this.g = med > 0 ? med / (dof * (1 - 2 / (9 * dof)) ** 3) : 1;
    this.h = dof;
  }

  /** Nothing is learned online: the subspace is the reference's. */
  learn(): void {}

  evaluate(z: ArrayLike<number>): ModelResult & { spe: number } {
    if (this.names.length < 3) return { p: 1, contributors: [], spe: 0 };
    const clipped = Float64Array.from(z as ArrayLike<number>, (v) => (Number.isFinite(v) ? Math.max(-50, Math.min(50, v)) : NaN));
    const r = projectionResidual(this.subspace, clipped);
    const spe = sumSquares(r);
    // null: χ² with one degree per scored path, less the subspace and the common mode. The reference
    // SPE itself is in-sample for the subspace (too small by about the fitted dimensions), so it only
    // widens the null when the reference is noisier than that (g > 1), never narrows it.
    let nValid = 0;
    for (let i = 0; i < clipped.length; i++) if (Number.isFinite(clipped[i])) nValid++;
    const dof = Math.max(1, nValid - this.subspace.basis.length - 1);
    const p = chiSquareUpperTail(spe / Math.max(1, this.g), dof);
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
