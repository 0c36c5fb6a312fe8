// Readings for checks: a definition's rows in the period (one read per resource and filter set,
// shared by its checks), device units from the definition's groups, and per-unit series in
// run/lumisection order.
import type { Catalog, DataRow, Filter, FilterOp, ReadResult, ResourceInfo } from './data.js';
import { runsBetween } from './period.js';
import type { CheckDef, Period, ReportDefinition, ReportRun, Unit, Where } from './types.js';
import { wireTime } from '../jsonapi/values.js';

export interface Point {
  run: number;
  ls: number | null;
  time: string | null;
  value: number;
  /** the member rows folded into this point, when a check names a member attribute */
  members?: { name: string; value: number }[];
}

export interface UnitSeries {
  unit: Unit;
  points: Point[];
}

export const WHOLE: Unit = { key: '*', labels: [] };

export function timeAttribute(info: ResourceInfo): string | null {
  for (const name of ['start_time', 'time']) if (info.attributes.some((a) => a.name === name && a.type === 'datetime')) return name;
  return null;
}

export const hasLs = (info: ResourceInfo) => info.attributes.some((a) => a.name === 'lumisection_number');

/** The group levels a check's units carry: the definition's groups down to the check's `per`. */
export function levelsOf(def: ReportDefinition, check: CheckDef): string[] {
  return check.per ? def.groups.slice(0, def.groups.indexOf(check.per) + 1) : [];
}

export function unitOf(row: DataRow, levels: string[]): Unit {
  if (!levels.length) return WHOLE;
  const labels = levels.map((l): [string, string] => [l, row[l] === null || row[l] === undefined ? '(none)' : String(row[l])]);
  return { key: labels.map(([, v]) => v).join('/'), labels };
}

export function parentOf(unit: Unit): Unit {
  if (unit.labels.length <= 1) return WHOLE;
  const labels = unit.labels.slice(0, -1);
  return { key: labels.map(([, v]) => v).join('/'), labels };
}

/** Whether `unit` is `ancestor` or lies under it. */
export function within(unit: Unit, ancestor: Unit): boolean {
  return ancestor.key === '*' || unit.key === ancestor.key || unit.key.startsWith(ancestor.key + '/');
}

function whereFilters(where: Where | undefined): Filter[] {
  const out: Filter[] = [];
  for (const [attr, ops] of Object.entries(where ?? {})) for (const [op, v] of Object.entries(ops)) out.push([attr, op as FilterOp, v as string | number | boolean]);
  return out;
}

export interface PeriodReadings extends ReadResult {
  timeBased: boolean;
  /** runs whose readings were judged */
  runs: number[];
}

/** Reads for one evaluation. Period reads of a resource with the same filters are shared: the
 *  fields every check of the definition needs from it are read at once. */
export class Readings {
  private cache = new Map<string, Promise<PeriodReadings>>();
  private fields = new Map<string, Set<string>>();
  private seriesCache = new Map<string, UnitSeries[]>();

  constructor(
    readonly catalog: Catalog,
    readonly def: ReportDefinition,
    readonly period: Period,
    readonly runs: ReportRun[],
  ) {}

  info(resource: string): ResourceInfo {
    return this.catalog.describe(resource)!;
  }

  private key(check: CheckDef): string {
    return `${check.resource}|${JSON.stringify(check.where ?? {})}`;
  }

  /** Announces the fields a check will read from the period (before any read). */
  want(check: CheckDef, fields: string[]): void {
    if (!fields.length) return;
    const k = this.key(check);
    const set = this.fields.get(k) ?? new Set<string>();
    for (const f of fields) set.add(f);
    this.fields.set(k, set);
  }

  /** Rows of the check's resource in the period. Resources with a time attribute are cut by time;
   *  per-run resources (no time) count a run in the period it ended in (its summary is final then). */
  inPeriod(check: CheckDef): Promise<PeriodReadings> {
    const k = this.key(check);
    let p = this.cache.get(k);
    if (!p) {
      p = this.readPeriod(check, [...(this.fields.get(k) ?? [])]);
      this.cache.set(k, p);
    }
    return p;
  }

  private async readPeriod(check: CheckDef, fields: string[], limit?: number): Promise<PeriodReadings> {
    const info = this.info(check.resource);
    const time = timeAttribute(info);
    const hasRun = info.attributes.some((a) => a.name === 'run_number');
    const filters = whereFilters(check.where);
    const { start, end } = this.period;
    let runs = this.runs.map((r) => r.run);
    if (time) {
      filters.push([time, 'GE', start], [time, 'LT', end]);
    } else {
      runs = this.runs.filter((r) => r.end !== null && r.end >= start && r.end < end).map((r) => r.run);
    }
    if (hasRun) {
      if (!runs.length) return { rows: [], url: '', truncated: false, timeBased: !!time, runs };
      filters.push(['run_number', 'GE', runs[0]], ['run_number', 'LE', runs[runs.length - 1]]);
    }
    const order = [...(hasRun ? ['run_number'] : []), ...(hasLs(info) ? ['lumisection_number'] : []), ...(time && !hasRun ? [time] : [])];
    const need = new Set([...fields, ...order, ...(time ? [time] : [])]);
    const res = await this.catalog.read(check.resource, { filters, fields: [...need], sort: order, limit });
    if (res.truncated && limit === undefined) throw new Error(`${check.resource}: more than ${res.rows.length} rows in the period, more than a report reads; shorten the period`);
    const set = new Set(runs);
    const rows = time || !hasRun ? res.rows : res.rows.filter((r) => set.has(Number(r.run_number)));
    return { ...res, rows, timeBased: !!time, runs };
  }

  /** Per-unit series of the check's attribute in the period (shared by checks that read the same). */
  async series(check: CheckDef, levels: string[], attribute = check.attribute!): Promise<{ data: PeriodReadings; series: UnitSeries[] }> {
    const data = await this.inPeriod(check);
    const k = `${this.key(check)}|${levels.join(',')}|${attribute}|${check.combine ?? ''}|${check.member ?? ''}`;
    let s = this.seriesCache.get(k);
    if (!s) this.seriesCache.set(k, (s = buildSeries(data.rows, levels, check, this.info(check.resource), attribute)));
    return { data, series: s };
  }

  /** Whether the check's resource has any row in the period (without reading them all). */
  async anyInPeriod(check: CheckDef): Promise<{ any: boolean; url: string; timeBased: boolean; runs: number[] }> {
    const k = this.key(check);
    if (this.cache.has(k) || this.fields.has(k)) {
      const d = await this.inPeriod(check);
      return { any: d.rows.length > 0, url: d.url, timeBased: d.timeBased, runs: d.runs };
    }
    const d = await this.readPeriod(check, [], 1);
    return { any: d.rows.length > 0, url: d.url, timeBased: d.timeBased, runs: d.runs };
  }

  /** Rows of some runs (reference runs), optionally folded per run. */
  async ofRuns(check: CheckDef, runs: number[], fields: string[], granularity?: string): Promise<ReadResult[]> {
    const out: ReadResult[] = [];
    for (const run of runs) {
      out.push(
        await this.catalog.read(check.resource, {
          filters: [...whereFilters(check.where), ['run_number', 'EQ', run]],
          fields: [...new Set(['run_number', ...fields])],
          granularity,
        }),
      );
    }
    return out;
  }

  /** Rows over a window ending at the period end, folded per run (trends). */
  async window(check: CheckDef, seconds: number, fields: string[], granularity?: string): Promise<ReadResult> {
    const info = this.info(check.resource);
    const time = timeAttribute(info);
    const filters = whereFilters(check.where);
    const from = wireTime(Date.parse(this.period.end) - seconds * 1000);
    if (time) filters.push([time, 'GE', from], [time, 'LT', this.period.end]);
    if (info.attributes.some((a) => a.name === 'run_number')) {
      // bound the runs too: the time filter alone cannot use the (run, lumisection) keys
      const runs = await runsBetween(this.catalog, from, this.period.end);
      if (!runs.length) return { rows: [], url: '', truncated: false };
      filters.push(['run_number', 'GE', runs[0].run], ['run_number', 'LE', runs[runs.length - 1].run]);
    }
    return this.catalog.read(check.resource, { filters, fields: [...new Set(fields)], granularity, sort: ['run_number'] });
  }
}

const COMBINE = {
  sum: (v: number[]) => v.reduce((a, b) => a + b, 0),
  mean: (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length,
  min: (v: number[]) => Math.min(...v),
  max: (v: number[]) => Math.max(...v),
};

/** Per-unit series of one attribute, one point per run and lumisection (or per run), rows at the
 *  same point combined (sum for counts, mean otherwise unless the check says). Rows arrive in run
 *  and lumisection order, so a unit's next row either joins its last point or starts a new one. */
export function buildSeries(rows: DataRow[], levels: string[], check: CheckDef, info: ResourceInfo, attribute = check.attribute!): UnitSeries[] {
  const time = timeAttribute(info);
  const ls = hasLs(info);
  const a = info.attributes.find((x) => x.name === attribute)!;
  const combine = COMBINE[check.combine ?? (a.unit === 'counts' ? 'sum' : 'mean')];
  type Acc = { run: number; ls: number | null; time: string | null; values: number[]; members: { name: string; value: number }[] };
  const units = new Map<string, { unit: Unit; points: Acc[]; byKey?: Map<string, Acc> }>();
  let sorted = true;
  for (const row of rows) {
    const v = row[attribute];
    if (v === null || v === undefined) continue;
    const key = levels.length === 1 ? String(row[levels[0]]) : levels.map((l) => row[l]).join('/');
    let u = units.get(key);
    if (!u) units.set(key, (u = { unit: unitOf(row, levels), points: [] }));
    const run = Number(row.run_number);
    const lsn = ls ? Number(row.lumisection_number) : null;
    const last = u.points[u.points.length - 1];
    let p: Acc;
    if (last && last.run === run && last.ls === lsn) p = last;
    else {
      if (last && (run < last.run || (run === last.run && (lsn ?? 0) < (last.ls ?? 0)))) sorted = false;
      p = { run, ls: lsn, time: time ? (row[time] as string | null) : null, values: [], members: [] };
      u.points.push(p);
    }
    p.values.push(Number(v));
    if (check.member) p.members.push({ name: String(row[check.member]), value: Number(v) });
  }
  return [...units.values()]
    .map(({ unit, points }) => {
      let pts = points;
      if (!sorted) {
        // unordered input: merge points of the same run and lumisection, then order them
        const m = new Map<string, Acc>();
        for (const p of points) {
          const k = `${p.run}|${p.ls}`;
          const q = m.get(k);
          if (q) {
            q.values.push(...p.values);
            q.members.push(...p.members);
          } else m.set(k, p);
        }
        pts = [...m.values()].sort((x, y) => x.run - y.run || (x.ls ?? 0) - (y.ls ?? 0));
      }
      return { unit, points: pts.map((p) => ({ run: p.run, ls: p.ls, time: p.time, value: combine(p.values), ...(check.member ? { members: p.members } : {}) })) };
    })
    .sort((x, y) => x.unit.key.localeCompare(y.unit.key, 'en', { numeric: true }));
}

/** Every unit present in the rows (including those whose attribute is null). */
export function unitsIn(rows: DataRow[], levels: string[]): Unit[] {
  const m = new Map<string, Unit>();
  for (const r of rows) {
    const u = unitOf(r, levels);
    if (!m.has(u.key)) m.set(u.key, u);
  }
  return [...m.values()].sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }));
}

/** Consecutive points (same run, lumisections in sequence) for which `bad` holds. */
export function stretches(points: Point[], bad: (p: Point, i: number) => boolean): Point[][] {
  const out: Point[][] = [];
  let cur: Point[] = [];
  points.forEach((p, i) => {
    const prev = points[i - 1];
    const contiguous = prev && prev.run === p.run && (p.ls === null || prev.ls === null || p.ls === prev.ls + 1);
    if (bad(p, i)) {
      if (cur.length && !contiguous) {
        out.push(cur);
        cur = [];
      }
      cur.push(p);
    } else if (cur.length) {
      out.push(cur);
      cur = [];
    }
  });
  if (cur.length) out.push(cur);
  return out;
}
