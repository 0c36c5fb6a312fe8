// The period a report covers: [end − length, end), its directory-safe key, and the runs in it.
import type { Catalog } from './data.js';
import { formatPeriod, parseDuration } from './units.js';
import type { Period, ReportRun } from './types.js';
import { wireTime } from '../jsonapi/values.js';

export class PeriodError extends Error {}

const iso = wireTime;

/** The latest period boundary at or before `now`: periods are aligned on multiples of their length
 *  since 1970-01-01T00:00Z, so 24h periods are UTC days and 8h periods start at 00, 08 and 16 UTC. */
export function alignedEnd(now: Date, seconds: number): Date {
  const step = seconds * 1000;
  return new Date(Math.floor(now.getTime() / step) * step);
}

export function parseTime(text: string): Date {
  const t = text.trim();
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?\s*(Z|UTC)?$/i.exec(t);
  if (!m) throw new PeriodError(`'${text}' is not a UTC time (use 2018-06-16 or 2018-06-16T06:00Z)`);
  const d = new Date(`${m[1]}T${m[2] ?? '00'}:${m[3] ?? '00'}:${m[4] ?? '00'}Z`);
  // Date rolls 2018-02-30 over to March: a valid date reads back the same
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== m[1]) throw new PeriodError(`'${text}' is not a valid date`);
  return d;
}

export function makePeriod(end: Date, seconds: number): Period {
  const endMs = end.getTime();
  const startMs = endMs - seconds * 1000;
  const start = iso(startMs);
  const label = formatPeriod(seconds);
  const day = seconds === 86400 && startMs % 86_400_000 === 0;
  const key = day ? start.slice(0, 10) : `${start.slice(0, 10)}T${start.slice(11, 13)}${start.slice(14, 16)}Z_${label}`;
  return { start, end: iso(endMs), seconds, label, key };
}

/** `--period 24h [--at TIME]`: `at` is the end of the period (default: the latest boundary before now). */
export function resolvePeriod(period: string, at?: string, now = new Date()): Period {
  let seconds: number;
  try {
    seconds = parseDuration(period);
  } catch (err) {
    throw new PeriodError(`--period: ${(err as Error).message}`);
  }
  if (seconds < 600) throw new PeriodError(`--period ${period}: a report covers at least 10 min`);
  if (seconds % 60 !== 0) throw new PeriodError(`--period ${period}: use whole minutes`);
  const end = at ? parseTime(at) : alignedEnd(now, seconds);
  return makePeriod(end, seconds);
}

/** The period before this one (same length). */
export function previousPeriod(p: Period): Period {
  return makePeriod(new Date(Date.parse(p.start)), p.seconds);
}

const LONGEST_RUN_S = 7 * 86400;

/** Runs overlapping [start, end), oldest first. */
export async function runsBetween(catalog: Catalog, start: string, end: string): Promise<ReportRun[]> {
  const from = iso(Date.parse(start) - LONGEST_RUN_S * 1000);
  const res = await catalog.read('runs', {
    filters: [
      ['start_time', 'LT', end],
      ['start_time', 'GE', from],
    ],
    fields: ['run_number', 'fill_number', 'start_time', 'end_time', 'last_lumisection_number'],
    sort: ['run_number'],
  });
  return res.rows
    .filter((r) => r.end_time === null || String(r.end_time) > start)
    .map((r) => ({
      run: Number(r.run_number),
      fill: r.fill_number === null ? null : Number(r.fill_number),
      start: String(r.start_time),
      end: r.end_time === null ? null : String(r.end_time),
      lastLs: r.last_lumisection_number === null ? null : Number(r.last_lumisection_number),
    }));
}

/** Up to `count` runs that ended before `before` with at least `minLs` lumisections, newest first. */
export async function runsBefore(catalog: Catalog, before: string, count: number, minLs: number): Promise<ReportRun[]> {
  const res = await catalog.read('runs', {
    filters: [
      ['end_time', 'LE', before],
      ['last_lumisection_number', 'GE', minLs],
    ],
    fields: ['run_number', 'fill_number', 'start_time', 'end_time', 'last_lumisection_number'],
    sort: ['-run_number'],
    limit: count,
  });
  return res.rows.map((r) => ({
    run: Number(r.run_number),
    fill: r.fill_number === null ? null : Number(r.fill_number),
    start: String(r.start_time),
    end: r.end_time === null ? null : String(r.end_time),
    lastLs: Number(r.last_lumisection_number),
  }));
}
