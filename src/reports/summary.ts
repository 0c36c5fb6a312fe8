// report.json: what a report found, in a form the HTML page, the index pages, the mail and the
// evaluation all read. Deterministic: the same period gives the same document.
import type { Alarm } from './alarms.js';
import { activeFindings } from './evaluate.js';
import { unitLabel } from './findings.js';
import type { Catalog } from './data.js';
import type { Figure } from './figures.js';
import { within, WHOLE } from './readings.js';
import type { CheckState, Evaluation, Finding, Period, ReportDefinition, ReportRun, Severity, Unit } from './types.js';
import { SEVERITY_RANK } from './types.js';

export interface AlarmSummary {
  check: string;
  title: string;
  groupKey: string;
  state: Alarm['state'];
  transition: Alarm['transition'];
  severity: Severity;
  sentence: string;
  firstRaised: string;
  lastNotified: string | null;
  notified: boolean;
  silence: { id: number; author: string; reason: string; until: string } | null;
  inhibitedBy: string | null;
  /** finest device names involved (ground-truth matching, silences) */
  devices: string[];
  /** stretches: run, lumisections, times */
  occurrences: { run: number; firstLs: number | null; lastLs: number | null; start: string | null; end: string | null }[];
}

export interface ReportSummary {
  version: 1;
  report: string;
  title: string;
  description: string;
  period: Period;
  status: 'ok' | 'alarm' | 'no_data' | 'failed';
  worst: Severity | null;
  counts: { active: number; raised: number; repeated: number; firing: number; resolved: number; silenced: number; inhibited: number; noData: number; failed: number };
  alarms: AlarmSummary[];
  checks: {
    id: string;
    title: string;
    kind: string;
    severity: Severity;
    state: CheckState;
    rule: string;
    description?: string;
    detail?: string;
    units: number;
    sources: string[];
    coverage: { timeBased: boolean; runs: number[] };
  }[];
  /** status per device group (the definition's first level), checks in columns */
  groups: { key: string; label: string; states: Record<string, 'ok' | 'alarm' | 'silenced' | 'no_data' | 'failed' | 'n/a'> }[];
  runs: ReportRun[];
  figures: { id: string; title: string; kind: 'alarm' | 'probe'; note?: string; csv?: string }[];
  covers: string[];
  notify: { mail: string[]; webhook: number };
}

const findingOf = (e: Evaluation, a: Alarm): Finding | undefined => e.checks.find((c) => c.id === a.check)?.findings.find((f) => f.unit.key === a.groupKey);

export function summarise(def: ReportDefinition, e: Evaluation, alarms: Alarm[], figures: Figure[], catalog: Catalog): ReportSummary {
  const count = (pred: (a: Alarm) => boolean) => alarms.filter(pred).length;
  const firing = (a: Alarm) => a.state === 'firing' && !a.silence;
  const counts = {
    active: count(firing),
    raised: count((a) => firing(a) && a.transition === 'raised'),
    repeated: count((a) => firing(a) && a.transition === 'repeated'),
    firing: count((a) => firing(a) && a.transition === 'firing'),
    resolved: count((a) => a.state === 'resolved'),
    silenced: count((a) => a.state === 'firing' && !!a.silence),
    inhibited: count((a) => a.state === 'inhibited'),
    noData: count((a) => a.state === 'no_data'),
    failed: count((a) => a.state === 'failed'),
  };
  let worst: Severity | null = null;
  for (const a of alarms) if (firing(a) && (!worst || SEVERITY_RANK[a.severity as Severity] > SEVERITY_RANK[worst])) worst = a.severity as Severity;
  const status = counts.active ? 'alarm' : counts.failed ? 'failed' : counts.noData ? 'no_data' : 'ok';
  const rank = (a: Alarm) =>
    firing(a) ? ({ raised: 0, repeated: 1, firing: 2 }[a.transition as 'raised'] ?? 2) : a.state === 'no_data' || a.state === 'failed' ? 3 : a.state === 'resolved' ? 4 : a.silence ? 5 : 6;
  const sorted = [...alarms].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      SEVERITY_RANK[b.severity as Severity] - SEVERITY_RANK[a.severity as Severity] ||
      a.check.localeCompare(b.check) ||
      a.groupKey.localeCompare(b.groupKey, 'en', { numeric: true }),
  );
  return {
    version: 1,
    report: def.id,
    title: def.title,
    description: def.description,
    period: e.period,
    status,
    worst,
    counts,
    alarms: sorted.map((a) => {
      const f = findingOf(e, a);
      return {
        check: a.check,
        title: a.title,
        groupKey: a.groupKey,
        state: a.state,
        transition: a.transition,
        severity: a.severity as Severity,
        sentence: a.sentence,
        firstRaised: a.firstRaised,
        lastNotified: a.lastNotified,
        notified: a.notified,
        silence: a.silence ? { id: a.silence.id, author: a.silence.author, reason: a.silence.reason, until: a.silence.endsAt } : null,
        inhibitedBy: a.inhibitedBy,
        devices: f?.devices ?? [a.groupKey.split('/').pop()!],
        occurrences: (f?.occurrences ?? []).map((o) => ({ run: o.run, firstLs: o.firstLs, lastLs: o.lastLs, start: o.start, end: o.end })),
      };
    }),
    checks: e.checks.map((c) => ({
      id: c.id,
      title: c.title,
      kind: c.kind,
      severity: c.severity,
      state: c.state,
      rule: c.rule,
      ...(c.description ? { description: c.description } : {}),
      ...(c.detail ? { detail: c.detail } : {}),
      units: c.units.length,
      sources: c.sources,
      coverage: c.coverage,
    })),
    groups: groupStatus(def, e, alarms, catalog),
    runs: e.runs,
    figures: figures.map((f) => ({ id: f.id, title: f.title, kind: f.kind, ...(f.note ? { note: f.note } : {}), ...(f.plot ? { csv: `${f.id}.csv` } : {}) })),
    covers: def.covers,
    notify: { mail: def.notify.mail, webhook: def.notify.webhook.length },
  };
}

/** One row per device group of the first level (or one row for the whole system). */
function groupStatus(def: ReportDefinition, e: Evaluation, alarms: Alarm[], catalog: Catalog): ReportSummary['groups'] {
  const top = def.groups[0];
  const rows = new Map<string, Unit>();
  for (const c of e.checks) for (const u of c.units) if (u.labels.length && u.labels[0][0] === top) rows.set(u.labels[0][1], { key: u.labels[0][1], labels: [u.labels[0]] });
  const units = rows.size ? [...rows.values()].sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true })) : [WHOLE];
  const info = catalog.describe(def.resource ?? def.checks[0].resource);
  return units.map((u) => {
    const states: ReportSummary['groups'][number]['states'] = {};
    for (const c of e.checks) {
      if (c.state === 'no_data' || c.state === 'failed') {
        states[c.id] = c.state;
        continue;
      }
      const judged = c.units.some((x) => within(x, u) || within(u, x));
      if (!judged) {
        states[c.id] = 'n/a';
        continue;
      }
      const hits = activeFindings(c).filter((f) => within(f.unit, u) || within(u, f.unit));
      const silenced = hits.length > 0 && hits.every((f) => alarms.find((a) => a.check === c.id && a.groupKey === f.unit.key)?.silence);
      states[c.id] = !hits.length ? 'ok' : silenced ? 'silenced' : 'alarm';
    }
    return { key: u.key, label: u.key === '*' ? 'whole system' : unitLabel(u, info), states };
  });
}

export const hasAlarms = (s: ReportSummary) => s.counts.active > 0;
