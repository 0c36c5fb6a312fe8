// The roles of a CSV's columns for `omsagg detect`: the time, the values to judge, and for trigger
// rates exported from OMS the regressor (pileup or luminosity) and the dead time, which explain the
// rates and are not judged themselves. Chosen from the header and the first data row.

export class ColumnError extends Error {}

export interface ColumnChoice {
  /** undefined = auto-detect; null = none (the row index is the time) */
  time?: string | null;
  /** value columns; undefined = every other numeric column */
  columns?: string[];
  /** the regressor column; undefined = auto-detect (a pileup or luminosity column); null = none */
  regressor?: string | null;
  /** the dead-time column (percent); undefined = auto-detect with a regressor; null = none */
  deadtime?: string | null;
}

export interface ColumnRoles {
  /** index of the time column, −1 = none */
  time: number;
  values: number[];
  /** index of the regressor column, −1 = none (every value column is judged on its own) */
  regressor: number;
  regressorKind: 'pileup' | 'lumi';
  deadtime: number;
}

const TIME_NAME = /^(time|timestamp|date|datetime|ts|t|time_?stamp|.*_time|.*_date)$/i;
/** counters of rows, not values: lumisection and run numbers */
const INDEX_NAME = /^(ls|lumisection|lumisection_?number|lumi_?section|run|run_?number|fill|fill_?number|index|row)$/i;
const PILEUP_NAME = /^(pileup|pile_?up|avg_?pileup|mu|avg_?mu|pu|avgpu)$/i;
const LUMI_NAME = /^(lumi|luminosity|inst_?lumi|instantaneous_?lumi(nosity)?|init_?lumi|delivered_?lumi|recorded_?lumi)$/i;
const DEADTIME_NAME = /^(dead_?time|deadtime_?percent|overall_?total_?deadtime|beamactive_?total_?deadtime)$/i;

export function isNumeric(v: string | undefined): boolean {
  return v !== undefined && v.trim() !== '' && Number.isFinite(Number(v));
}

/** A timestamp as a number: epoch numbers as they are, ISO dates (zone-less = UTC) as epoch ms. */
export function parseTime(v: string | undefined): number {
  if (v === undefined || v.trim() === '') return NaN;
  const n = Number(v);
  if (Number.isFinite(n)) return n;
  const s = v.trim();
  const iso = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s) ? s.replace(' ', 'T') + 'Z' : s;
  return Date.parse(iso);
}

/** Dates parse to epoch ms; plain numbers are read as epoch s or ms by magnitude, else not a clock. */
export function secondsPerUnit(v: string | undefined): number {
  if (v === undefined) return 0;
  const n = Number(v);
  if (!Number.isFinite(n)) return 0.001;
  if (n > 1e11) return 0.001;
  if (n > 1e8) return 1;
  return 0;
}

function indexOf(header: string[], name: string, what: string): number {
  const i = header.indexOf(name);
  if (i < 0) throw new ColumnError(`${what} column '${name}' is not in the header (${header.join(',')})`);
  return i;
}

export function chooseColumns(header: string[], first: string[], o: ColumnChoice): ColumnRoles {
  const h = header.map((x) => x.trim());
  let time = -1;
  if (typeof o.time === 'string') time = indexOf(h, o.time, 'time');
  else if (o.time === undefined) {
    time = h.findIndex((name, i) => TIME_NAME.test(name) && Number.isFinite(parseTime(first[i])));
    if (time < 0) time = h.findIndex((_, i) => !isNumeric(first[i]) && Number.isFinite(parseTime(first[i])));
  }
  let regressor = -1;
  if (typeof o.regressor === 'string') regressor = indexOf(h, o.regressor, 'regressor');
  else if (o.regressor === undefined) {
    regressor = h.findIndex((name, i) => PILEUP_NAME.test(name) && isNumeric(first[i]));
    if (regressor < 0) regressor = h.findIndex((name, i) => LUMI_NAME.test(name) && isNumeric(first[i]));
  }
  const regressorKind = regressor >= 0 && !PILEUP_NAME.test(h[regressor]) && (LUMI_NAME.test(h[regressor]) || /lumi/i.test(h[regressor])) ? 'lumi' : 'pileup';
  let deadtime = -1;
  if (typeof o.deadtime === 'string') deadtime = indexOf(h, o.deadtime, 'dead-time');
  else if (o.deadtime === undefined && regressor >= 0) deadtime = h.findIndex((name, i) => DEADTIME_NAME.test(name) && isNumeric(first[i]));
  if (deadtime >= 0 && regressor < 0) throw new ColumnError('a dead-time column explains trigger rates: it needs a regressor (--regressor pileup)');
  let values: number[];
  if (o.columns) values = o.columns.map((c) => indexOf(h, c, 'value'));
  else values = h.map((_, i) => i).filter((i) => i !== time && i !== regressor && i !== deadtime && !INDEX_NAME.test(h[i]) && isNumeric(first[i]));
  if (values.includes(regressor) || values.includes(deadtime)) throw new ColumnError('the regressor and the dead-time columns explain the values: they are not value columns themselves');
  if (values.length === 0) throw new ColumnError(`no numeric value column found (header: ${header.join(',')}); name them with --columns`);
  return { time, values, regressor, regressorKind, deadtime };
}
