// omsagg detect --csv FILE: streams any exported time series through the online SeriesDetector and
// writes the same rows with anomaly_score and anomaly_flag appended.
import fs from 'node:fs';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { SeriesDetector } from '../series/detector.js';

export interface DetectOptions {
  /** time column name; undefined = auto-detect; null = none (row index is the time) */
  time?: string | null;
  /** value columns; undefined = every column whose first value is numeric */
  columns?: string[];
  learnRows: number;
  periodRows?: number;
  pFlag?: number;
  delimiter?: string;
}

export interface DetectSummary {
  rows: number;
  flagged: number;
  timeColumn: string | null;
  valueColumns: string[];
  seconds: number;
}

const HELP = `usage: omsagg detect [--csv FILE|-] [options] > scored.csv

Scores every row of a CSV time series online (row i from rows ≤ i only) and appends
anomaly_score (0..1, = −log10(p)/12; 0.5 ⇔ p = 1e-6) and anomaly_flag (0/1).

  --csv FILE        input file; '-' or absent = stdin
  --time COL        timestamp column (ISO datetime or epoch number); 'none' = use the row index
                    (default: a column named like time/date/timestamp, else the first non-numeric
                    column whose first value parses as a date)
  --columns A,B     value columns (default: every other column whose first value is numeric)
  --learn N         rows learned before scoring starts (default 1000)
  --period N        seasonal period in rows (default: learned from the learning rows; 0 = none)
  --p-flag P        flag rows with p-value below P (default 1e-6)
  --delimiter C     field delimiter (default ,)
  --quiet           no summary on stderr`;

export async function run(args: string[]): Promise<number> {
  let file = '-';
  const opts: DetectOptions = { learnRows: 1000 };
  let quiet = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    try {
      if (a === '--help' || a === '-h') {
        console.log(HELP);
        return 0;
      } else if (a === '--csv') file = next();
      else if (a === '--time') {
        const v = next();
        opts.time = v === 'none' ? null : v;
      } else if (a === '--columns') opts.columns = next().split(',').filter(Boolean);
      else if (a === '--learn') opts.learnRows = positiveInt(a, next());
      else if (a === '--period') opts.periodRows = nonNegativeNumber(a, next());
      else if (a === '--p-flag') opts.pFlag = nonNegativeNumber(a, next());
      else if (a === '--delimiter') opts.delimiter = next();
      else if (a === '--quiet') quiet = true;
      else if (!a.startsWith('-') && file === '-') file = a;
      else throw new UsageError(`unknown option '${a}'`);
    } catch (err) {
      if (err instanceof UsageError) {
        console.error(`omsagg detect: ${err.message}\n\n${HELP}`);
        return 2;
      }
      throw err;
    }
  }
  let input: Readable;
  if (file === '-') input = process.stdin;
  else {
    if (!fs.existsSync(file)) {
      console.error(`omsagg detect: input file ${file} does not exist`);
      return 2;
    }
    input = fs.createReadStream(file);
  }
  try {
    const summary = await detectStream(input, process.stdout, opts);
    if (!quiet) {
      const rate = summary.rows / Math.max(summary.seconds, 1e-9);
      console.error(
        `omsagg detect: ${summary.rows} rows, ${summary.flagged} flagged, time column ${summary.timeColumn ?? '(row index)'}, ` +
          `value columns ${summary.valueColumns.join(',')}; ${summary.seconds.toFixed(2)} s (${Math.round(rate)} rows/s)`,
      );
    }
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`omsagg detect: ${err.message}`);
      return 2;
    }
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    throw err;
  }
}

class UsageError extends Error {}

function positiveInt(opt: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${opt} must be a positive integer, got '${v}'`);
  return n;
}

function nonNegativeNumber(opt: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${opt} must be a non-negative number, got '${v}'`);
  return n;
}

const TIME_NAME = /^(time|timestamp|date|datetime|ts|t|time_?stamp|.*_time|.*_date)$/i;

function isNumeric(v: string | undefined): boolean {
  return v !== undefined && v.trim() !== '' && Number.isFinite(Number(v));
}

function parseTime(v: string | undefined): number {
  if (v === undefined || v.trim() === '') return NaN;
  const n = Number(v);
  if (Number.isFinite(n)) return n;
  // date-only and zone-less values are taken as UTC
  const s = v.trim();
  const iso = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s) ? s.replace(' ', 'T') + 'Z' : s;
  return Date.parse(iso);
}

/** Dates parse to epoch ms; plain numbers are read as epoch s or ms by magnitude, else not a clock. */
function secondsPerUnit(v: string | undefined): number {
  if (v === undefined) return 0;
  const n = Number(v);
  if (!Number.isFinite(n)) return 0.001;
  if (n > 1e11) return 0.001;
  if (n > 1e8) return 1;
  return 0;
}

/** Picks the time and value columns from the header and the first data row. */
export function chooseColumns(header: string[], first: string[], opts: Pick<DetectOptions, 'time' | 'columns'>): { time: number; values: number[] } {
  let time = -1;
  if (typeof opts.time === 'string') {
    time = header.indexOf(opts.time);
    if (time < 0) throw new UsageError(`time column '${opts.time}' is not in the header (${header.join(',')})`);
  } else if (opts.time === undefined) {
    time = header.findIndex((h, i) => TIME_NAME.test(h.trim()) && Number.isFinite(parseTime(first[i])));
    if (time < 0) time = header.findIndex((_, i) => !isNumeric(first[i]) && Number.isFinite(parseTime(first[i])));
  }
  let values: number[];
  if (opts.columns) {
    values = opts.columns.map((c) => {
      const i = header.indexOf(c);
      if (i < 0) throw new UsageError(`value column '${c}' is not in the header (${header.join(',')})`);
      return i;
    });
  } else {
    values = header.map((_, i) => i).filter((i) => i !== time && isNumeric(first[i]));
  }
  if (values.length === 0) throw new UsageError(`no numeric value column found (header: ${header.join(',')}); name them with --columns`);
  return { time, values };
}

/** Streams CSV from input to output with the two columns appended. */
export async function detectStream(input: Readable, output: Writable, opts: DetectOptions): Promise<DetectSummary> {
  const started = process.hrtime.bigint();
  let header: string[] | null = null;
  let cols: { time: number; values: number[] } | null = null;
  let detector: SeriesDetector | null = null;
  let rows = 0;
  let flagged = 0;
  let vals: Float64Array = new Float64Array(0);
  const transform = new Transform({
    objectMode: true,
    transform(record: string[], _enc, done) {
      try {
        if (!header) {
          header = record;
          done(null, [...record, 'anomaly_score', 'anomaly_flag']);
          return;
        }
        if (!cols) {
          cols = chooseColumns(header, record, opts);
          detector = new SeriesDetector(cols.values.length, {
            learnRows: opts.learnRows,
            periodRows: opts.periodRows,
            secondsPerTimeUnit: cols.time >= 0 ? secondsPerUnit(record[cols.time]) : 0,
          });
          vals = new Float64Array(cols.values.length);
        }
        for (let j = 0; j < cols.values.length; j++) {
          const v = record[cols.values[j]];
          vals[j] = v === undefined || v === '' ? NaN : Number(v);
        }
        const t = cols.time >= 0 ? parseTime(record[cols.time]) : rows;
        const r = detector!.push(Number.isFinite(t) ? t : rows, vals);
        rows++;
        if (r.flag) flagged++;
        record.push(r.score.toFixed(4), r.flag ? '1' : '0');
        done(null, record);
      } catch (err) {
        done(err as Error);
      }
    },
  });
  await pipeline(
    input,
    parse({ delimiter: opts.delimiter ?? ',', relax_column_count: true, skip_empty_lines: true, trim: false }),
    transform,
    stringify({ delimiter: opts.delimiter ?? ',' }),
    output,
    { end: output !== process.stdout },
  );
  const c = cols as { time: number; values: number[] } | null;
  const h = header as string[] | null;
  return {
    rows,
    flagged,
    timeColumn: c && h && c.time >= 0 ? h[c.time] : null,
    valueColumns: c && h ? c.values.map((i) => h[i]) : [],
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}
