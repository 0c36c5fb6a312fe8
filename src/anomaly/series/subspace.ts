// Structure across columns: the columns' standardised residuals on normal rows span a principal
// subspace (core/pca.ts); what a row's residuals do outside it (the squared prediction error, SPE)
// is judged against the SPE of past normal rows, so columns that stop moving together are seen even
// when each one alone looks ordinary. The SPE's long run is always out of sample (each half of the
// rows judged by the subspace of the other half: in sample, a subspace of many columns explains its
// own rows too well), and it is rebuilt whenever the subspace is refitted. A deviation that lasts as
// long as the accept time is the new normal, as for the columns.
import { fitSubspace, type Subspace } from '../core/pca.js';
import { RunningTail } from '../core/tail.js';

/** recent rows kept to refit the subspace */
const KEEP = 2000;

export class SubspaceModel {
  private subspace!: Subspace;
  private tail = new RunningTail({ capacity: KEEP, resolution: 1e-9 });
  private readonly rows: Float64Array[] = [];
  private readonly normal: boolean[] = [];
  private head = 0;
  private sinceFit = 0;
  private flaggedFor = 0;
  private lastSpe = 0;
  private readonly centred: Float64Array;

  constructor(
    readonly dim: number,
    reference: Float64Array[],
    private readonly refitEvery: number,
    private readonly acceptRows: number,
  ) {
    this.centred = new Float64Array(dim);
    for (const r of reference) this.keep(r, true);
    this.subspace = this.refit(false);
  }

  private spe(s: Subspace, z: ArrayLike<number>): number {
    // |c|² − Σ (b·c)² for the centred row c and the orthonormal basis b
    let total = 0;
    for (let j = 0; j < this.dim; j++) {
      const c = (Number.isFinite(z[j]) ? z[j] : 0) - s.mean[j];
      this.centred[j] = c;
      total += c * c;
    }
    for (const b of s.basis) {
      let dot = 0;
      for (let j = 0; j < this.dim; j++) dot += b[j] * this.centred[j];
      total -= dot * dot;
    }
    return Math.max(total, 0);
  }

  /** p-value of the row's squared prediction error under the past normal rows (one-sided). */
  evaluate(z: ArrayLike<number>): number {
    this.lastSpe = this.spe(this.subspace, z);
    return this.tail.upper(this.lastSpe);
  }

  learn(z: ArrayLike<number>, flagged: boolean): void {
    this.keep(z, !flagged);
    if (!flagged) this.tail.add(this.lastSpe);
    this.flaggedFor = flagged ? this.flaggedFor + 1 : 0;
    if (this.flaggedFor >= this.acceptRows) {
      this.flaggedFor = 0;
      this.subspace = this.refit(true);
    } else if (++this.sinceFit >= this.refitEvery) this.subspace = this.refit(false);
  }

  /** Fits the subspace on the kept normal rows (all kept rows after a long deviation) and rebuilds
   *  the SPE's long run from them out of sample. */
  private refit(all: boolean): Subspace {
    this.sinceFit = 0;
    const use = this.rows.filter((_, i) => all || this.normal[i]);
    if (use.length < 4 * this.dim) return this.subspace ?? fitSubspace(use);
    const halves = [use.filter((_, i) => i % 2 === 0), use.filter((_, i) => i % 2 === 1)].map((h) => fitSubspace(h));
    this.tail = new RunningTail({ capacity: KEEP, resolution: 1e-9 });
    use.forEach((r, i) => this.tail.add(this.spe(halves[1 - (i % 2)], r)));
    if (all) this.normal.fill(true);
    return fitSubspace(use);
  }

  private keep(z: ArrayLike<number>, normal: boolean): void {
    let row: Float64Array;
    if (this.rows.length < KEEP) {
      this.rows.push((row = new Float64Array(this.dim)));
      this.normal.push(normal);
    } else {
      row = this.rows[this.head];
      this.normal[this.head] = normal;
      this.head = (this.head + 1) % KEEP;
    }
    for (let j = 0; j < this.dim; j++) row[j] = Number.isFinite(z[j]) ? z[j] : 0;
  }
}
