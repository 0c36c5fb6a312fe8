// The shapes shared by the report modules: definitions (as loaded from reports/*.yaml), the
// evaluation of one definition over one period, and alarms.
import type { FilterOp } from './data.js';

export type Severity = 'info' | 'warning' | 'critical';
export const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, critical: 3 };

export type CheckKind = 'no_data' | 'band' | 'rate' | 'stuck' | 'jump' | 'count' | 'reference' | 'trend' | 'anomaly_episodes';

export type Where = Record<string, Partial<Record<FilterOp, string | number | boolean>>>;

export interface CheckDef {
  id: string;
  kind: CheckKind;
  title: string;
  description?: string;
  severity: Severity;
  /** resolved: the check's own resource or the definition's */
  resource: string;
  /** resolved: the group level judged (an entry of the definition's groups), or null for the whole system */
  per: string | null;
  where?: Where;
  inhibits: string[];
  rollup: { min_fraction: number; min_children: number } | false;
  attribute?: string;
  unit?: string;
  combine?: 'sum' | 'mean' | 'min' | 'max';
  min?: number;
  max?: number;
  for?: string;
  tolerance?: number;
  rise?: number;
  fall?: number;
  above?: number;
  member?: string;
  reference?: { runs?: 'auto' | number[]; count?: number; min_lumisections?: number };
  over?: string;
  max_slope?: number;
  slope_unit?: '%/d' | 'unit/d';
  min_runs?: number;
  normalise?: { temperature: string; to: number };
  models?: string[];
  min_lumisections?: number;
}

export interface ProbeUse {
  probe: string;
  title?: string;
  params: Record<string, unknown>;
  for_each?: 'run' | 'fill';
  max: number;
}

export interface ReportDefinition {
  id: string;
  file: string;
  title: string;
  description: string;
  resource?: string;
  groups: string[];
  covers: string[];
  /** seconds after which a persisting alarm is notified again */
  repeatSeconds: number;
  notify: { mail: string[]; webhook: string[] };
  probes: ProbeUse[];
  checks: CheckDef[];
}

export interface Period {
  start: string;
  end: string;
  seconds: number;
  /** `24h`, `8h`, `7d` */
  label: string;
  /** directory-safe name: `2018-06-15` for a UTC day, else `2018-06-15T0600Z_8h` */
  key: string;
}

export interface ReportRun {
  run: number;
  fill: number | null;
  start: string;
  end: string | null;
  lastLs: number | null;
}

/** A device group: its value at every level down to the one it belongs to. */
export interface Unit {
  /** `BPix_L3/PixelBarrel_BpI_SEC8_LYR3_HV32`, `*` for the whole system */
  key: string;
  /** level attribute → value, coarse to fine */
  labels: [string, string][];
}

/** One stretch of readings a check objects to. */
export interface Occurrence {
  run: number;
  firstLs: number | null;
  lastLs: number | null;
  start: string | null;
  end: string | null;
  /** readings in the stretch */
  points: number;
  /** the reading that is worst (farthest past the limit) */
  value: number;
  /** how far past the limit, for ranking (in the check's unit) */
  excess: number;
}

export interface Finding {
  check: string;
  unit: Unit;
  severity: Severity;
  /** one plain sentence with numbers and units */
  sentence: string;
  occurrences: Occurrence[];
  /** finest-level device names involved (a roll-up lists its children) */
  devices: string[];
  /** set when a parent or another check's alarm covers this one */
  inhibitedBy?: string;
}

export type CheckState = 'ok' | 'alarm' | 'no_data' | 'failed';

export interface CheckResult {
  id: string;
  title: string;
  kind: CheckKind;
  severity: Severity;
  description?: string;
  state: CheckState;
  /** why there was no data, or how the check failed */
  detail?: string;
  findings: Finding[];
  /** units judged (with data), for the status table */
  units: Unit[];
  /** equivalent API queries of the reads */
  sources: string[];
  /** the limits in words, for the report ("HV setting ≥ 100 V for 2 LS") */
  rule: string;
  /** what was judged: the period by time, or whole runs (per-run resources) */
  coverage: { timeBased: boolean; runs: number[] };
  /** readings of the devices in alarm (not written to report.json) */
  plot?: AlarmPlot;
}

export interface Evaluation {
  definition: string;
  period: Period;
  runs: ReportRun[];
  checks: CheckResult[];
}

/** The readings behind a check's alarms, for a plot in the report (time-based checks). */
export interface AlarmPlot {
  yLabel: string;
  unit: string | null;
  traces: { name: string; x: string[]; y: (number | null)[] }[];
  limits: { label: string; value: number }[];
  spans: { from: string; to: string; label: string }[];
}
