// Trigger-rate series (a CSV exported from OMS: one rate column per path, and a pileup or
// luminosity column) scored by the lumisection scorer's own models (lumi/): each path's response to
// pileup learned from the learning rows, the common mode of all paths removed (a luminosity dip or a
// dead-time spike moves every path together and is explained), the paths' groups from their names,
// the correlation subspace, and the same alert discipline. What `omsagg score` does per lumisection.
import { LS_SECONDS } from '../../shared/physics.js';
import { pathGroup } from '../../shared/trigger.js';
import { buildReference, RunScorer } from '../lumi/scorer.js';
import type { LumiInput, RunLayout } from '../lumi/types.js';
import type { RowScore } from './detector.js';

export interface RateColumns {
  /** names of the rate columns (paths) */
  paths: string[];
  /** what the regressor column holds: mean pileup, or an instantaneous luminosity */
  regressor: 'pileup' | 'lumi';
  /** whether a dead-time column (percent) is given */
  deadtime: boolean;
  /** the rate columns hold counts per lumisection, not rates in Hz */
  counts?: boolean;
}

export interface RateRow {
  /** the regressor's value (pileup, or luminosity in any unit) */
  regressor: number;
  /** dead time in percent (NaN when not given) */
  deadtime: number;
  values: ArrayLike<number>;
}

/** pileup the luminosity regressor is scaled to at its learning-rows median: the responses are
 *  power laws in pileup, so only ratios matter (the unit of the luminosity column is not needed) */
const LUMI_SCALE_TO_PILEUP = 40;

const LEARNING: RowScore = { score: 0, flag: false, p: 1, column: -1, contributors: [] };

/** Groups of the paths from their names: CMS path names first, then a shared name prefix. */
export function groupsOf(names: string[]): string[] {
  const hlt = names.map(pathGroup);
  const prefix = names.map((n) => /^[A-Za-z]+/.exec(n)?.[0]?.toLowerCase() ?? 'other');
  const count = (list: string[], g: string) => list.filter((x) => x === g).length;
  return names.map((n, i) => {
    if (hlt[i] !== 'other') return hlt[i];
    const g = pathGroup(
      n
        .replace(/jet/gi, 'Jet')
        .replace(/met/gi, 'MET')
        .replace(/tau/gi, 'Tau')
        .replace(/ele/gi, 'Ele')
        .replace(/photon/gi, 'Photon')
        .replace(/mu/gi, 'Mu'),
    );
    if (g !== 'other') return g;
    return count(prefix, prefix[i]) >= 2 ? prefix[i] : 'other';
  });
}

export class RateSeriesDetector {
  private readonly layout: RunLayout;
  private scorer: RunScorer | null = null;
  private readonly learning: LumiInput[] = [];
  private scale = 1;
  private n = 0;

  constructor(
    private readonly cols: RateColumns,
    private readonly learnRows: number,
  ) {
    this.layout = { paths: cols.paths, groups: groupsOf(cols.paths), powerGroups: [], feds: [], parts: [] };
  }

  get groups(): string[] {
    return this.layout.groups;
  }

  push(row: RateRow): RowScore {
    const ls = ++this.n;
    if (!this.scorer) {
      this.learning.push(this.input(row, ls));
      if (this.learning.length >= this.learnRows) this.initialise();
      return LEARNING;
    }
    const s = this.scorer.score(this.input(row, ls));
    const c = s.models.combined;
    const top = c.contributors.find((x) => !x.name.startsWith('group:'));
    const column = top ? this.cols.paths.indexOf(top.name) : -1;
    return { score: c.score, flag: c.flag, p: c.p, column: c.p < 1 ? column : -1, contributors: c.flag ? c.contributors : [] };
  }

  private input(row: RateRow, ls: number): LumiInput {
    const n = this.cols.paths.length;
    const counts = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = Number(row.values[i]);
      counts[i] = !Number.isFinite(v) ? NaN : this.cols.counts ? v : Math.round(v * LS_SECONDS);
    }
    const dt = row.deadtime;
    const live = Number.isFinite(dt) ? 1 - Math.min(Math.max(dt, 0), 99) / 100 : 1;
    return {
      run: 0,
      ls,
      pileup: row.regressor * this.scale,
      lumi: NaN,
      bunches: 1,
      live,
      counts,
      prescales: new Float64Array(n).fill(1),
      leakage: new Float64Array(0),
      temperature: new Float64Array(0),
      fedErrors: new Float64Array(0),
      maskedRocs: new Float64Array(0),
    };
  }

  private initialise(): void {
    if (this.cols.regressor === 'lumi') {
      const v = this.learning
        .map((x) => x.pileup)
        .filter((x) => x > 0)
        .sort((a, b) => a - b);
      const med = v.length ? v[v.length >> 1] : 0;
      this.scale = med > 0 ? LUMI_SCALE_TO_PILEUP / med : 1;
    }
    for (const x of this.learning) x.pileup *= this.scale;
    const reference = buildReference(this.layout, [this.learning]);
    this.scorer = new RunScorer(this.layout, reference);
    this.learning.length = 0;
  }
}
