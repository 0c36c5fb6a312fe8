// Structure across columns: the columns' standardised residuals on normal rows span a principal
// subspace (core/pca.ts); what a row's residuals do outside it (the squared prediction error, SPE)
// is judged against the SPE of past normal rows, so columns that stop moving together are seen even
// when each one alone looks ordinary. Refitted now and then from recent normal rows.
import { fitSubspace, type Subspace } from '../core/pca.js';
import { RunningTail } from '../core/tail.js';

/** normal rows kept to refit the subspace */
const KEEP = 2000;

export class SubspaceModel {
  private subspace: Subspace;
  private readonly tail = new RunningTail({ capacity: 2048, resolution: 1e-9 });
  private readonly rows: Float64Array[] = [];
  private head = 0;
  private sinceFit = 0;
  private lastSpe = 0;
  private readonly centred: Float64Array;

  constructor(
    readonly dim: number,
    reference: Float64Array[],
    private readonly refitEvery: number,
  ) {
    this.centred = new Float64Array(dim);
    this.subspace = fitSubspace(reference.map(clean));
    for (const r of reference) this.keep(r);
    for (const r of reference) this.tail.add(this.spe(r));
  }

  private spe(z: ArrayLike<number>): number {
    // |c|² − Σ (b·c)² for the centred row c and the orthonormal basis b
    const { mean, basis } = this.subspace;
    let total = 0;
    for (let j = 0; j < this.dim; j++) {
      const c = (Number.isFinite(z[j]) ? z[j] : 0) - mean[j];
      this.centred[j] = c;
      total += c * c;
    }
    for (const b of basis) {
      let dot = 0;
      for (let j = 0; j < this.dim; j++) dot += b[j] * this.centred[j];
      total -= dot * dot;
    }
    return Math.max(total, 0);
  }

  /** p-value of the row's squared prediction error under the past normal rows (one-sided). */
  evaluate(z: ArrayLike<number>): number {
    this.lastSpe = this.spe(z);
    return this.tail.upper(this.lastSpe);
  }

  /** A row not flagged joins the long run; the subspace is refitted every refitEvery such rows. */
  learn(z: ArrayLike<number>, flagged: boolean): void {
    if (flagged) return;
    this.tail.add(this.lastSpe);
    this.keep(z);
    if (++this.sinceFit >= this.refitEvery && this.rows.length >= 4 * this.dim) {
      this.sinceFit = 0;
      this.subspace = fitSubspace(this.rows);
    }
  }

  private keep(z: ArrayLike<number>): void {
    let row: Float64Array;
    if (this.rows.length < KEEP) this.rows.push((row = new Float64Array(this.dim)));
    else {
      row = this.rows[this.head];
      this.head = (this.head + 1) % KEEP;
    }
    for (let j = 0; j < this.dim; j++) row[j] = Number.isFinite(z[j]) ? z[j] : 0;
  }
}

/** missing columns count as on their prediction */
function clean(z: ArrayLike<number>): Float64Array {
  return Float64Array.from(z as ArrayLike<number>, (v) => (Number.isFinite(v) ? v : 0));
}
