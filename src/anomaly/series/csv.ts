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
  push(t: number, fields: string[]): RowScore;
}

function judge(roles: ColumnRoles, header: string[], first: string[], o: DetectOptions): Judge {
  const names = roles.values.map((i) => header[i].trim());
  const vals = new Float64Array(roles.values.length);
  const read = (fields: string[]) => {
    for (let j = 0; j < roles.values.length; j++) {
      const v = fields[roles.values[j]];
      vals[j] = v === undefined || v === '' ? NaN : Number(v);
    }
    return vals;
  };
  if (roles.regressor >= 0) {
    const d = new RateSeriesDetector({ paths: names, regressor: roles.regressorKind, deadtime: roles.deadtime >= 0, counts: o.counts }, o.learnRows);
    return {
      push: (_t, f) => d.push({ regressor: Number(f[roles.regressor]), deadtime: roles.deadtime >= 0 ? Number(f[roles.deadtime]) : NaN, values: read(f) }),
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

export async function detectStream(input: Readable, output: Writable, o: DetectOptions): Promise<DetectSummary> {
  const started = process.hrtime.bigint();
  const delim = o.delimiter ?? ',';
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
  const line = (raw: string) => {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') return;
    const fields = splitLine(text, delim);
    if (!header) {
      header = fields;
      out += `${text}${delim}anomaly_score${delim}anomaly_flag\n`;
      return;
    }
    if (!roles) {
      roles = chooseColumns(header, fields, o);
      j = judge(roles, header, fields, o);
    }
    const t = roles.time >= 0 ? parseTime(fields[roles.time]) : rows;
    const r = j!.push(Number.isFinite(t) ? t : rows, fields);
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
