// The contract of a check kind: which fields it reads from the period, its rule in words, and
// run() → findings per device unit. One file per kind; index.ts maps kind names to them.
import type { PeriodReadings, Readings } from '../readings.js';
import type { AlarmPlot, CheckDef, Finding, Unit } from '../types.js';

export interface CheckOutcome {
  findings: Finding[];
  /** units judged (with data) */
  units: Unit[];
  sources: string[];
  /** no readings to judge: a state of its own, not "ok" */
  noData?: string;
  /** what the check looked at, for matching against other sources of truth */
  coverage: { timeBased: boolean; runs: number[] };
  plot?: AlarmPlot;
}

export interface CheckKindImpl {
  /** fields read from the period (the evaluator reads each resource once for all its checks) */
  fields(check: CheckDef, levels: string[]): string[];
  rule(check: CheckDef, r: Readings): string;
  run(check: CheckDef, r: Readings, levels: string[]): Promise<CheckOutcome>;
}

/** Nothing to judge: no readings (of the attribute) in the period. Sparse counts (rate, count)
 *  do not use this: there, no row means no count. */
export function noReadings(data: PeriodReadings): CheckOutcome {
  const why = !data.runs.length ? (data.timeBased ? 'no runs in the period' : 'no run ended in the period') : 'no readings in the period';
  return { findings: [], units: [], sources: data.url ? [data.url] : [], noData: why, coverage: { timeBased: data.timeBased, runs: data.runs } };
}
