// Online anomaly detector for generic time series (behind `omsagg detect`): one ColumnModel per
// value column (series/column.ts), the columns' p-values combined per row (Šidák), and the alert
// discipline of the lumisection scorer (core/alerts.ts): a flag is an episode. Row i is judged from
// rows ≤ i only; rows in the learning window score 0.
import { AlertTracker, DEFAULT_ALERTS, type AlertOptions } from '../core/alerts.js';
import { LEARN_P, teaches } from '../core/learning.js';
import { scoreFromP } from '../core/calibrate.js';
import { median, sidak } from '../core/stats.js';
import type { Contributor, Decision } from '../core/model.js';
import { ColumnModel, type ColumnVerdict } from './column.js';
import { SubspaceModel } from './subspace.js';

export interface SeriesDetectorOptions {
  /** rows used to learn each column's normal before scoring starts */
  learnRows: number;
  /** rows of persistent deviation after which a column's new level is its normal (default learnRows) */
  acceptRows?: number;
  /** seasonal period in rows; undefined = learn it, 0 = no season */
  periodRows?: number;
  /** seconds per unit of t (0.001 for epoch ms, 1 for epoch s, 0 when t is not a clock) */
  secondsPerTimeUnit?: number;
  /** column names, for the contributors */
  names?: string[];
}

export interface RowScore {
  /** −log10(p)/12 clipped to [0,1] (core/calibrate.ts): p = 1e-3 reads 0.25, 1e-6 reads 0.5 */
  score: number;
  flag: boolean;
  /** p-value of the row (Šidák over the columns) */
  p: number;
  /** index of the column with the smallest p-value, −2 when the columns' common pattern judged the row,
   *  −1 when none */
  column: number;
  contributors: Contributor[];
}

/** learning rows left out of the subspace reference while the columns' replays settle */
const SETTLE_ROWS = 20;

/**
 * The alert of a row and of each column: the lumisection scorer's discipline, with hysteresis once an
 * episode has lasted: after HOLD_AFTER flagged rows it is a state, not a blip, and stays open while
 * its rows are still surprising (p < LEARN_P, the same bar as the learning policy's) instead of
 * closing on 3 rows that merely miss p < 1e-3. Blips close as before, so a clean series gains no
 * flagged rows. The columns' own alerts (which rule what each column learns and remembers) follow
 * the same discipline: a column whose long deviation dips for 3 rows must not resume learning it.
 * Chosen on SKAB's valve1 experiments (the tuning subset) and its anomaly-free run (≤ 0.5 % flagged):
 * HOLD_AFTER 90–115 alike there, 50 and 65 less sensitive (docs/design.md).
 */
const HOLD_AFTER = 100;
const ROW_ALERTS: AlertOptions = { ...DEFAULT_ALERTS, pHold: LEARN_P, holdAfter: HOLD_AFTER };

const LEARNING: RowScore = { score: 0, flag: false, p: 1, column: -1, contributors: [] };

/** Multi-column online detector: push rows in time order, get a score per row. */
export class SeriesDetector {
  private readonly learnRows: number;
  private bufT: number[] = [];
  private bufX: number[][] = [];
  private columns: ColumnModel[] | null = null;
  private trackers: AlertTracker[] = [];
  private readonly row = new AlertTracker(ROW_ALERTS);
  private t0 = 0;
  private step = 1;
  private n = 0;
  private readonly verdicts: ColumnVerdict[];
  /** structure across the columns (three or more) */
  private subspace: SubspaceModel | null = null;
  private readonly z: Float64Array;
  /** the decision handed to each column, reused (the columns read it at once) */
  private readonly decision: Decision<ColumnVerdict> = { verdict: { p: 1, contributors: [], z: NaN, expected: NaN, stat: -1 }, teach: false, flagged: false, closed: false };

  constructor(
    readonly nColumns: number,
    private readonly opts: SeriesDetectorOptions,
  ) {
    this.learnRows = Math.max(8, Math.floor(opts.learnRows));
    this.verdicts = new Array<ColumnVerdict>(nColumns);
    this.z = new Float64Array(nColumns);
  }

  get learning(): boolean {
    return this.columns === null;
  }

  /** t: time in any monotonic unit (seconds, ms or the row index); values: one per column (NaN = missing). */
  push(t: number, values: ArrayLike<number>): RowScore {
    const n = this.n++;
    if (!this.columns) {
      this.bufT.push(t);
      this.bufX.push(Array.from(values, Number));
      if (this.bufT.length >= this.learnRows) this.initialise();
      return LEARNING;
    }
    const u = (t - this.t0) / this.step;
    let pMin = 1;
    let col = -1;
    for (let j = 0; j < this.columns.length; j++) {
      const v = this.columns[j].evaluate(u, Number(values[j]));
      this.verdicts[j] = v;
      this.z[j] = v.z;
      if (v.p < pMin) {
        pMin = v.p;
        col = j;
      }
    }
    const pSub = this.subspace ? this.subspace.evaluate(this.z) : 1;
    const tests = this.columns.length + (this.subspace ? 1 : 0);
    const p = sidak(Math.min(pMin, pSub), tests);
    if (pSub < pMin) col = -2;
    const contributors = col >= 0 ? this.verdicts[col].contributors : col === -2 && p < 1e-3 ? this.apart() : [];
    const r = this.row.step(0, n, p, contributors);
    for (let j = 0; j < this.columns.length; j++) {
      const v = this.verdicts[j];
      const own = this.trackers[j].step(0, n, v.p, v.contributors);
      const d = this.decision;
      d.verdict = v;
      d.teach = teaches(v.p, own.flag);
      d.flagged = own.flag;
      d.closed = own.closed;
      this.columns[j].learn(d);
    }
    this.subspace?.learn(this.z, r.flag);
    return { score: scoreFromP(p), flag: r.flag, p, column: p < 1 ? col : -1, contributors: r.flag ? contributors : [] };
  }

  /** The columns that left the common pattern the most (the subspace judged the row). */
  private apart(): Contributor[] {
    const order = Array.from(this.z.keys())
      .filter((j) => Number.isFinite(this.z[j]))
      .sort((a, b) => Math.abs(this.z[b]) - Math.abs(this.z[a]));
    return order.slice(0, 3).map((j) => ({
      name: this.columns![j].name,
      score: Math.round(Math.abs(this.z[j]) * 100) / 100,
      detail: 'off the pattern the columns follow together',
    }));
  }

  private initialise(): void {
    this.t0 = this.bufT[0];
    const diffs: number[] = [];
    for (let i = 1; i < this.bufT.length; i++) diffs.push(this.bufT[i] - this.bufT[i - 1]);
    const step = median(diffs);
    this.step = step > 0 ? step : 1;
    const us = this.bufT.map((t) => (t - this.t0) / this.step);
    const acceptRows = this.opts.acceptRows ?? this.learnRows;
    this.columns = [];
    const replayed: Float64Array[] = [];
    for (let j = 0; j < this.nColumns; j++) {
      const m = new ColumnModel(this.opts.names?.[j] ?? `column ${j + 1}`, {
        periodRows: this.opts.periodRows,
        stepSeconds: this.step * (this.opts.secondsPerTimeUnit ?? 0),
        acceptRows,
      });
      replayed.push(
        m.init(
          us,
          this.bufX.map((r) => r[j]),
        ),
      );
      this.columns.push(m);
      this.trackers.push(new AlertTracker(ROW_ALERTS));
    }
    if (this.nColumns >= 3) {
      // the rows where every column's replay has settled
      const ref: Float64Array[] = [];
      for (let i = 0; i < us.length; i++) {
        const row = Float64Array.from(replayed, (r) => r[i]);
        if (row.some(Number.isFinite) && i >= SETTLE_ROWS) ref.push(row);
      }
      if (ref.length >= 4 * this.nColumns) this.subspace = new SubspaceModel(this.nColumns, ref, Math.max(8 * this.learnRows, 20_000), acceptRows);
    }
    this.bufT = [];
    this.bufX = [];
  }
}
