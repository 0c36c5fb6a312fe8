// Reports against the ground truth of a seeded data set (omsagg_injected_anomalies): AutoDQM's
// figure of merit — alarms per bad unit over alarms per clean unit — and the share of bad units
// with at least one alarm, per calendar day and per report-day. A report-day is bad when the data
// the report judged that day holds an injected bad anomaly of a kind the definition says it covers
// (`covers:`); otherwise clean, whatever else happened that day.
import type { Db } from '../db/connection.js';
import type { Catalog } from './data.js';
import { activeFindings, evaluate } from './evaluate.js';
import { makePeriod } from './period.js';
import type { Evaluation, Finding, Period, ReportDefinition } from './types.js';

export interface Injected {
  id: number;
  kind: string;
  label: 'bad' | 'not_bad';
  run: number;
  firstLs: number;
  lastLs: number;
  start: string;
  end: string;
  channels: string;
}

/** Ground truth: the injected anomalies with the times of their first and last lumisection. */
export async function injectedAnomalies(db: Db, catalog: Catalog): Promise<Injected[]> {
  // omsagg's own ground-truth table of the synthetic data (not monitoring data, not a resource)
  const rows = (await db.knex('omsagg_injected_anomalies').select('*').orderBy('anomaly_id')) as Record<string, unknown>[];
  const times = new Map<string, { start: string; end: string }>();
  for (const run of [...new Set(rows.map((r) => Number(r.run_number)))]) {
    const res = await catalog.read('lumisections', { filters: [['run_number', 'EQ', run]], fields: ['run_number', 'lumisection_number', 'start_time', 'end_time'] });
    for (const l of res.rows) times.set(`${run}|${l.lumisection_number}`, { start: String(l.start_time), end: String(l.end_time) });
  }
  return rows.map((r) => {
    const run = Number(r.run_number);
    const a = times.get(`${run}|${r.first_lumisection_number}`);
    const b = times.get(`${run}|${r.last_lumisection_number}`);
    return {
      id: Number(r.anomaly_id),
      kind: String(r.kind),
      label: r.label as Injected['label'],
      run,
      firstLs: Number(r.first_lumisection_number),
      lastLs: Number(r.last_lumisection_number),
      start: a?.start ?? '',
      end: b?.end ?? '',
      channels: String(r.channels ?? ''),
    };
  });
}

/** UTC days from the first run's start to the last run's end. */
export async function dataDays(catalog: Catalog): Promise<Period[]> {
  const first = await catalog.read('runs', { fields: ['run_number', 'start_time'], sort: ['start_time'], limit: 1 });
  const last = await catalog.read('runs', { fields: ['run_number', 'end_time'], filters: [['end_time', 'NEQ', 'null']], sort: ['-end_time'], limit: 1 });
  if (!first.rows.length || !last.rows.length) return [];
  const out: Period[] = [];
  const d0 = Date.parse(String(first.rows[0].start_time).slice(0, 10) + 'T00:00:00Z');
  const d1 = Date.parse(String(last.rows[0].end_time));
  for (let t = d0; t < d1; t += 86_400_000) out.push(makePeriod(new Date(t + 86_400_000), 86400));
  return out;
}

const MARGIN_LS = 5;

/** Whether the report judged data holding this anomaly in this evaluation. */
export function judged(e: Evaluation, a: Injected): boolean {
  return e.checks.some((c) => (c.coverage.timeBased ? a.start < e.period.end && a.end > e.period.start : c.coverage.runs.includes(a.run)));
}

/** Whether an alarm's stretches touch the anomaly (same run, lumisections within 5 of it). */
export function touches(f: Finding, a: Injected): boolean {
  return f.occurrences.some((o) => o.run === a.run && (o.firstLs === null || (o.firstLs <= a.lastLs + MARGIN_LS && (o.lastLs ?? o.firstLs) >= a.firstLs - MARGIN_LS)));
}

export interface UnitResult {
  report: string;
  day: string;
  bad: boolean;
  alarms: number;
  /** covered bad anomalies in the judged data */
  anomalies: number;
}

export interface KindResult {
  kind: string;
  label: string;
  /** (report, anomaly) pairs where the report covers the kind and judged the anomaly's data */
  expected: number;
  detected: number;
  /** alarms touching an anomaly of this kind (any report) */
  alarmsTouching: number;
}

export interface EvalResult {
  days: string[];
  units: UnitResult[];
  kinds: KindResult[];
  /** alarms touching no injected bad anomaly; of those, the ones touching a not-bad anomaly */
  unexplained: number;
  onNotBad: number;
  /** the alarms no injected bad anomaly explains: report, day, sentence */
  unexplainedAlarms: { report: string; day: string; sentence: string; notBad: string[] }[];
  totalAlarms: number;
  missingScores: boolean;
  /** per calendar day: alarms of every report, and whether any bad anomaly was injected */
  calendar: { day: string; bad: boolean; alarms: number; badAnomalies: number }[];
}

export interface FigureOfMerit {
  bad: number;
  clean: number;
  alarmsPerBad: number;
  alarmsPerClean: number;
  /** alarmsPerBad / alarmsPerClean; Infinity when no clean unit had an alarm, NaN without clean units */
  ratio: number;
  /** the ratio had one clean unit had one alarm: a floor when ratio is Infinity */
  ratioFloor: number;
  shareBadWithAlarm: number;
}

export function figureOfMerit(units: { bad: boolean; alarms: number }[]): FigureOfMerit {
  const bad = units.filter((u) => u.bad);
  const clean = units.filter((u) => !u.bad);
  const sum = (l: { alarms: number }[]) => l.reduce((s, u) => s + u.alarms, 0);
  const perBad = bad.length ? sum(bad) / bad.length : NaN;
  const perClean = clean.length ? sum(clean) / clean.length : NaN;
  return {
    bad: bad.length,
    clean: clean.length,
    alarmsPerBad: perBad,
    alarmsPerClean: perClean,
    ratio: !clean.length ? NaN : perClean === 0 ? Infinity : perBad / perClean,
    ratioFloor: clean.length ? perBad / (Math.max(1, sum(clean)) / clean.length) : NaN,
    shareBadWithAlarm: bad.length ? bad.filter((u) => u.alarms > 0).length / bad.length : NaN,
  };
}

export async function evaluateReports(catalog: Catalog, definitions: ReportDefinition[], days: Period[], truth: Injected[], log: (l: string) => void = () => {}): Promise<EvalResult> {
  const units: UnitResult[] = [];
  const kinds = new Map<string, KindResult>();
  const kindOf = (a: Injected) => {
    let k = kinds.get(a.kind);
    if (!k) kinds.set(a.kind, (k = { kind: a.kind, label: a.label, expected: 0, detected: 0, alarmsTouching: 0 }));
    return k;
  };
  for (const a of truth) kindOf(a);
  let unexplained = 0;
  let onNotBad = 0;
  const unexplainedAlarms: EvalResult['unexplainedAlarms'] = [];
  let total = 0;
  let missingScores = false;
  const calendar = new Map<string, { day: string; bad: boolean; alarms: number; badAnomalies: number }>();
  for (const day of days) {
    const d = day.start.slice(0, 10);
    const inDay = truth.filter((a) => a.start < day.end && a.end > day.start);
    calendar.set(d, { day: d, bad: inDay.some((a) => a.label === 'bad'), alarms: 0, badAnomalies: inDay.filter((a) => a.label === 'bad').length });
    for (const def of definitions) {
      const t0 = Date.now();
      const e = await evaluate(catalog, def, day);
      if (def.checks.some((c) => c.kind === 'anomaly_episodes') && e.checks.some((c) => c.kind === 'anomaly_episodes' && c.state === 'no_data')) missingScores = true;
      const findings = e.checks.flatMap(activeFindings);
      const covered = truth.filter((a) => a.label === 'bad' && def.covers.includes(a.kind) && judged(e, a));
      for (const a of covered) {
        const k = kindOf(a);
        k.expected++;
        if (findings.some((f) => touches(f, a))) k.detected++;
      }
      for (const f of findings) {
        const hit = truth.filter((a) => touches(f, a));
        for (const k of new Set(hit.map((a) => a.kind))) kinds.get(k)!.alarmsTouching++;
        if (!hit.some((a) => a.label === 'bad')) {
          unexplained++;
          if (hit.length) onNotBad++;
          unexplainedAlarms.push({ report: def.id, day: d, sentence: f.sentence, notBad: hit.map((a) => a.kind) });
        }
      }
      total += findings.length;
      calendar.get(d)!.alarms += findings.length;
      units.push({ report: def.id, day: d, bad: covered.length > 0, alarms: findings.length, anomalies: covered.length });
      log(`eval ${d} ${def.id}: ${findings.length} alarms, ${covered.length} covered bad anomalies (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
  }
  return {
    days: days.map((p) => p.start.slice(0, 10)),
    units,
    kinds: [...kinds.values()].sort((a, b) => a.label.localeCompare(b.label) || a.kind.localeCompare(b.kind)),
    unexplained,
    onNotBad,
    unexplainedAlarms,
    totalAlarms: total,
    missingScores,
    calendar: [...calendar.values()],
  };
}
