// `omsagg detect` as a stream: CSV rows in, the same rows out with anomaly_score and anomaly_flag
// appended, each row judged from the rows before it. Lines are split by hand (a quoted field may hold
// the delimiter and doubled quotes, not a line break): the parse costs less than the models on wide
// files, which a general CSV parser does not.
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { chooseColumns, ColumnError, parseTime, secondsPerUnit, type ColumnChoice, type ColumnRoles } from './columns.js';
import { SeriesDetector, type RowScore } from './detector.js';
import { RateSeriesDetector } from './rates.js';

export interface DetectOptions extends ColumnChoice {
  learnRows: number;
  /** rows of persistent deviation after which a column's new level is its normal (default learnRows) */
  acceptRows?: number;
  periodRows?: number;
  /** with a regressor: the rate columns hold counts per lumisection, not rates in Hz */
  counts?: boolean;
  delimiter?: string;
}

export interface DetectSummary {
  rows: number;
  flagged: number;
  timeColumn: string | null;
  valueColumns: string[];
  /** the regressor column when the trigger-rate models judged the rows */
  regressor: string | null;
  seconds: number;
}

export { ColumnError };

/** Splits one CSV line; quoted fields may hold the delimiter and doubled quotes. */
export function splitLine(line: string, delim: string): string[] {
  if (!line.includes('"')) return line.split(delim);
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') [field, i] = [field + '"', i + 1];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delim) {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

interface Judge {
  /** nums: every field of the row as a number (NaN where empty or not a number) */
  push(t: number, nums: Float64Array): RowScore;
}

function judge(roles: ColumnRoles, header: string[], first: string[], o: DetectOptions): Judge {
  const names = roles.values.map((i) => header[i].trim());
  const vals = new Float64Array(roles.values.length);
  const read = (nums: Float64Array) => {
    for (let j = 0; j < roles.values.length; j++) vals[j] = nums[roles.values[j]];
    return vals;
  };
  if (roles.regressor >= 0) {
    const d = new RateSeriesDetector({ paths: names, regressor: roles.regressorKind, deadtime: roles.deadtime >= 0, counts: o.counts }, o.learnRows);
    return {
      push: (_t, f) => d.push({ regressor: f[roles.regressor], deadtime: roles.deadtime >= 0 ? f[roles.deadtime] : NaN, values: read(f) }),
    };
  }
  const d = new SeriesDetector(names.length, {
    learnRows: o.learnRows,
    acceptRows: o.acceptRows,
    periodRows: o.periodRows,
    secondsPerTimeUnit: roles.time >= 0 ? secondsPerUnit(first[roles.time]) : 0,
    names,
  });
  return { push: (t, f) => d.push(t, read(f)) };
}

/** A field as a number the way Number() reads it, an empty field as missing. */
function fieldNumber(v: string | undefined): number {
  return v === undefined || v === '' ? NaN : Number(v);
}

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Reads the fields of a line without quotes into nums (the field `keep` also as text, returned):
 * plain decimals (sign, at most 15 digits, a point) are read digit by digit as an integer divided by
 * a power of ten, both exact in a double, so the one rounding of the division gives the double
 * nearest the decimal, as Number() does; anything else goes through fieldNumber. Returns null when
 * the line does not have nums.length fields.
 */
export function readFields(line: string, delim: number, nums: Float64Array, keep: number): string | null {
  let kept = '';
  let f = 0;
  let start = 0;
  const n = line.length;
  while (f < nums.length) {
    let i = start;
    let neg = false;
    const c0 = i < n ? line.charCodeAt(i) : -1;
    if (c0 === 45 || c0 === 43) {
      neg = c0 === 45;
      i++;
    }
    let m = 0;
    let digits = 0;
    let frac = -1;
    let c = -1;
    for (; i < n; i++) {
      c = line.charCodeAt(i);
      if (c >= 48 && c <= 57) {
        m = m * 10 + (c - 48);
        digits++;
      } else if (c === 46 && frac < 0) frac = digits;
      else break;
    }
    let end = i;
    if (i < n && c !== delim) end = line.indexOf(String.fromCharCode(delim), i);
    if (end < 0) end = n;
    if (end === i && digits > 0 && digits <= 15) {
      const v = frac < 0 || frac === digits ? m : m / POW10[digits - frac];
      nums[f] = neg ? -v : v;
    } else nums[f] = fieldNumber(line.slice(start, end));
    if (f === keep) kept = line.slice(start, end);
    f++;
    if (end >= n) break;
    start = end + 1;
  }
  return f === nums.length && start <= n ? kept : null;
}

export async function detectStream(input: Readable, output: Writable, o: DetectOptions): Promise<DetectSummary> {
  const started = process.hrtime.bigint();
  const delim = o.delimiter ?? ',';
  const delimCode = delim.charCodeAt(0);
  const fast = delim.length === 1;
  let header: string[] | null = null;
  let roles: ColumnRoles | null = null;
  let j: Judge | null = null;
  let rows = 0;
  let flagged = 0;
  let rest = '';
  let out = '';
  const flush = async (force: boolean) => {
    if (out.length === 0 || (!force && out.length < 1 << 16)) return;
    const ok = output.write(out);
    out = '';
    if (!ok) await once(output, 'drain');
  };
  let nums = new Float64Array(0);
  const line = (raw: string) => {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') return;
    // the first lines, quoted fields, one-of-a-kind rows (fewer fields) and a delimiter of more than
    // one character are split into strings; the other rows are read in place
    let timeText = header && roles && fast && !text.includes('"') ? readFields(text, delimCode, nums, roles.time) : null;
    let ro = roles;
    if (timeText === null) {
      const fields = splitLine(text, delim);
      if (!header) {
        header = fields;
        out += `${text}${delim}anomaly_score${delim}anomaly_flag\n`;
        return;
      }
      if (!ro) {
        ro = roles = chooseColumns(header, fields, o);
        j = judge(ro, header, fields, o);
        nums = new Float64Array(header.length);
      }
      nums.fill(NaN);
      for (let i = 0; i < Math.min(fields.length, nums.length); i++) nums[i] = fieldNumber(fields[i]);
      timeText = fields[ro.time] ?? '';
    }
    const t = ro!.time >= 0 ? parseTime(timeText) : rows;
    const r = j!.push(Number.isFinite(t) ? t : rows, nums);
    rows++;
    if (r.flag) flagged++;
    out += `${text}${delim}${r.score.toFixed(4)}${delim}${r.flag ? 1 : 0}\n`;
  };
  input.setEncoding('utf8');
  for await (const chunk of input as AsyncIterable<string>) {
    const text = rest + chunk;
    let from = 0;
    for (let nl = text.indexOf('\n', from); nl >= 0; nl = text.indexOf('\n', from)) {
      line(text.slice(from, nl));
      from = nl + 1;
    }
    rest = text.slice(from);
    await flush(false);
  }
  if (rest) line(rest);
  await flush(true);
  const h = header as string[] | null;
  const c = roles as ColumnRoles | null;
  return {
    rows,
    flagged,
    timeColumn: h && c && c.time >= 0 ? h[c.time].trim() : null,
    valueColumns: h && c ? c.values.map((i) => h[i].trim()) : [],
    regressor: h && c && c.regressor >= 0 ? h[c.regressor].trim() : null,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}
