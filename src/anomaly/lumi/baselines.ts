// The two baselines the evaluation compares with, computed online on the same lumisections:
//   - a fixed rate-drop threshold on the total rate of the scored paths (drop vs the median of the
//     previous 10 lumisections; flag at 10 %);
//   - a per-path z-score against the mean and spread of the previous 20 lumisections (flag at |z| > 3).
import { median } from '../core/stats.js';
import type { LumiInput } from './types.js';

export interface BaselineScore {
  /** larger = more anomalous; drop: relative drop (dimensionless), zscore: max |z| (sigma) */
  score: number;
  flag: boolean;
}

export const RATE_DROP_THRESHOLD = 0.1;
export const ZSCORE_THRESHOLD = 3;

export function rateDropBaseline(run: LumiInput[]): BaselineScore[] {
  const totals = run.map((x) => {
    let s = 0;
    for (let i = 0; i < x.counts.length; i++) if (Number.isFinite(x.counts[i])) s += x.counts[i];
    return s;
  });
  return totals.map((t, i) => {
    if (i < 3) return { score: 0, flag: false };
    const ref = median(totals.slice(Math.max(0, i - 10), i));
    const drop = ref > 0 ? Math.max(0, 1 - t / ref) : 0;
    return { score: drop, flag: drop > RATE_DROP_THRESHOLD };
  });
}

export function zScoreBaseline(run: LumiInput[], window = 20): BaselineScore[] {
  const nP = run[0]?.counts.length ?? 0;
  return run.map((x, i) => {
    if (i < 5) return { score: 0, flag: false };
    const from = Math.max(0, i - window);
    let zMax = 0;
    for (let p = 0; p < nP; p++) {
      let s = 0;
      let s2 = 0;
      let n = 0;
      for (let j = from; j < i; j++) {
        const v = run[j].counts[p];
        if (!Number.isFinite(v)) continue;
        s += v;
        s2 += v * v;
        n++;
      }
      if (n < 3 || !Number.isFinite(x.counts[p])) continue;
      const m = s / n;
      const sd = Math.sqrt(Math.max(s2 / n - m * m, 0)) || 1;
      zMax = Math.max(zMax, Math.abs(x.counts[p] - m) / sd);
    }
    return { score: zMax, flag: zMax > ZSCORE_THRESHOLD };
  });
}
