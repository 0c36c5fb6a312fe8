// Small helpers the probe files share: wire-form times, the API URL a query corresponds to, and
// common lookups (latest run/fill with data).
import type { Db } from '../db/connection.js';
import { NotFoundError } from '../jsonapi/errors.js';

/** A datetime from any dialect (SQLite text, pg Date) → `YYYY-MM-DDTHH:MM:SSZ`. */
export function isoTime(v: unknown): string {
  if (v instanceof Date) return v.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const s = String(v);
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}/.test(s)) {
    const d = new Date(s.includes('Z') || /[+-]\d{2}:?\d{2}$/.test(s) ? s.replace(' ', 'T') : s.replace(' ', 'T') + 'Z');
    if (!Number.isNaN(d.getTime())) return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  throw new Error(`not a datetime: ${s}`);
}

/** A time value for a knex comparison on this dialect (pg timestamp columns want Date, SQLite text wants the wire form). */
export function dbTime(db: Db, iso: string): string | Date {
  return db.dialect === 'sqlite' ? iso : new Date(iso);
}

export type FilterSpec = [attribute: string, op: 'EQ' | 'NEQ' | 'LT' | 'GT' | 'LE' | 'GE' | 'LIKE', value: string | number];

/** `/api/v1/hltpathrates?filter[run_number][EQ]=315512&…` — the equivalent query through the API. */
export function apiUrl(prefix: string, resource: string, filters: FilterSpec[], extra: Record<string, string> = {}): string {
  const parts = filters.map(([a, op, v]) => `filter[${a}][${op}]=${encodeURIComponent(String(v))}`);
  for (const [k, v] of Object.entries(extra)) parts.push(`${k}=${encodeURIComponent(v)}`);
  return `${prefix}/${resource}${parts.length ? '?' + parts.join('&') : ''}`;
}

export const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The latest run that has rows in `view` (by run number). */
export async function latestRunIn(db: Db, view: string): Promise<number> {
  const row = (await db.knex(view).max({ run: 'run_number' }).first()) as { run: unknown } | undefined;
  if (!row || row.run === null || row.run === undefined) throw new NotFoundError(`no data in ${view.replace(/^v_/, '')} yet`, 'no_data');
  return Number(row.run);
}

export async function latestFillIn(db: Db, view: string): Promise<number> {
  const row = (await db.knex(view).max({ fill: 'fill_number' }).first()) as { fill: unknown } | undefined;
  if (!row || row.fill === null || row.fill === undefined) throw new NotFoundError(`no data in ${view.replace(/^v_/, '')} yet`, 'no_data');
  return Number(row.fill);
}

export interface RunInfo {
  run_number: number;
  fill_number: number | null;
  start_time: string | null;
  end_time: string | null;
  last_lumisection_number: number | null;
}

export async function runInfo(db: Db, run: number): Promise<RunInfo> {
  const r = await db.knex('v_runs').select('run_number', 'fill_number', 'start_time', 'end_time', 'last_lumisection_number').where('run_number', run).first();
  if (!r) throw new NotFoundError(`run ${run} is not in the database`, 'unknown_run');
  return {
    run_number: Number(r.run_number),
    fill_number: num(r.fill_number),
    start_time: r.start_time ? isoTime(r.start_time) : null,
    end_time: r.end_time ? isoTime(r.end_time) : null,
    last_lumisection_number: num(r.last_lumisection_number),
  };
}

/** Whether a table/view exists (v_anomalyscores arrives with the anomaly job's schema). */
export async function viewExists(db: Db, name: string): Promise<boolean> {
  try {
    await db.knex(name).select(db.knex.raw('1')).limit(1);
    return true;
  } catch {
    return false;
  }
}
