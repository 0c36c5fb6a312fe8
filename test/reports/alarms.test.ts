// Alarm state from period to period: raised once, still firing without a new notice until the
// repeat interval has passed, resolved (with a notice only when it had been notified), inhibited
// alarms never notified, silences covering by report/check/group while active, and "no data" /
// "check failed" as states of their own. Pure: the same inputs give the same alarms.
import { describe, expect, it } from 'vitest';
import { alarmStates } from '../../src/reports/alarms.js';
import { makePeriod } from '../../src/reports/period.js';
import type { Silence } from '../../src/reports/silences.js';
import type { AlarmRow } from '../../src/reports/store.js';
import type { CheckResult, Evaluation, Finding, ReportDefinition } from '../../src/reports/types.js';

const DAY_MS = 86_400_000;
const T0 = Date.parse('2018-06-16T00:00:00Z');
const day = (k: number) => makePeriod(new Date(T0 + k * DAY_MS), 86400);

const def = {
  id: 'pix',
  file: 'pix.yaml',
  title: 'Pixel',
  description: '',
  groups: ['part', 'pg'],
  covers: [],
  repeatSeconds: 3 * 86400,
  notify: { mail: [], webhook: [] },
  probes: [],
  checks: [
    { id: 'hv', kind: 'band', title: 'HV off', severity: 'critical', resource: 'r', per: 'pg', inhibits: [], rollup: false },
    { id: 'temp', kind: 'band', title: 'Too warm', severity: 'warning', resource: 'r', per: 'pg', inhibits: [], rollup: false },
  ],
} as unknown as ReportDefinition;

const finding = (check: string, key: string, extra: Partial<Finding> = {}): Finding => ({
  check,
  unit: { key, labels: key.split('/').map((v, i) => [i ? 'pg' : 'part', v]) },
  severity: 'critical',
  sentence: `${key}: ${check} alarm.`,
  occurrences: [],
  devices: [key.split('/').pop()!],
  ...extra,
});

function evaluation(k: number, checks: Partial<CheckResult>[]): Evaluation {
  return {
    definition: 'pix',
    period: day(k),
    runs: [],
    checks: def.checks.map((c, i) => ({
      id: c.id,
      title: c.title,
      kind: c.kind,
      severity: c.severity,
      state: 'ok',
      findings: [],
      units: [],
      sources: [],
      rule: '',
      coverage: { timeBased: true, runs: [] },
      ...checks[i],
    })),
  };
}

/** Runs the periods in order, each seeing the previous one's rows, like the job does. */
function chain(evals: Evaluation[], silences: Silence[] = []): AlarmRow[][] {
  const out: AlarmRow[][] = [];
  let prev: AlarmRow[] = [];
  for (const e of evals) {
    const rows = alarmStates(def, e, prev, silences);
    out.push(rows);
    if (rows.length) prev = rows;
  }
  return out;
}

const brief = (rows: AlarmRow[]) => rows.map((r) => `${r.check}|${r.groupKey}|${r.state}|${r.transition}|${r.notified ? 'notify' : '-'}`).sort();

describe('alarm state between periods', () => {
  it('raised, still firing, repeated after the repeat interval, resolved', () => {
    const on = (k: number) => evaluation(k, [{ state: 'alarm', findings: [finding('hv', 'L1/PG3')] }]);
    const days = chain([on(0), on(1), on(2), on(3), on(4), evaluation(5, [])]);
    expect(days.map(brief)).toEqual([
      ['hv|L1/PG3|firing|raised|notify'],
      ['hv|L1/PG3|firing|firing|-'],
      ['hv|L1/PG3|firing|firing|-'],
      ['hv|L1/PG3|firing|repeated|notify'], // 3 days after the first notice
      ['hv|L1/PG3|firing|firing|-'],
      ['hv|L1/PG3|resolved|resolved|notify'],
    ]);
    expect(days[3][0].firstRaised).toBe(day(0).end);
    expect(days[3][0].lastNotified).toBe(day(3).end);
  });

  it('is decided from the periods alone: the same inputs give the same rows', () => {
    const e = evaluation(0, [{ state: 'alarm', findings: [finding('hv', 'L1/PG3')] }]);
    expect(alarmStates(def, e, [], [])).toEqual(alarmStates(def, e, [], []));
  });

  it('inhibited alarms are kept but never notified; uncovered they are raised', () => {
    const days = chain([
      evaluation(0, [{ state: 'alarm', findings: [finding('hv', 'L1/PG3', { inhibitedBy: 'hv on L1' })] }]),
      evaluation(1, [{ state: 'alarm', findings: [finding('hv', 'L1/PG3')] }]),
    ]);
    expect(days.map(brief)).toEqual([['hv|L1/PG3|inhibited|inhibited|-'], ['hv|L1/PG3|firing|raised|notify']]);
  });

  it('"no data" and "check failed" are states of their own, notified when entered, resolved when the check judges again', () => {
    const days = chain([
      evaluation(0, [
        { state: 'no_data', detail: 'no runs in the period' },
        { state: 'failed', detail: 'database unreachable' },
      ]),
      evaluation(1, [{ state: 'no_data', detail: 'no runs in the period' }, {}]),
      evaluation(2, [{}, {}]),
    ]);
    expect(days.map(brief)).toEqual([['hv|*|no_data|raised|notify', 'temp|*|failed|raised|notify'], ['hv|*|no_data|firing|-', 'temp|*|resolved|resolved|notify'], ['hv|*|resolved|resolved|notify']]);
    expect(days[0].find((r) => r.state === 'failed')!.sentence).toBe('Too warm: the check failed — database unreachable.');
  });

  it('a check without data now does not resolve the alarms it had', () => {
    const days = chain([evaluation(0, [{ state: 'alarm', findings: [finding('hv', 'L1/PG3')] }]), evaluation(1, [{ state: 'no_data', detail: 'no runs' }])]);
    expect(brief(days[1])).toEqual(['hv|*|no_data|raised|notify']);
  });

  it('silences cover by report, check and device pattern while they are active, and are not notified', () => {
    const silence = (o: Partial<Silence>): Silence => ({
      id: 1,
      report: '*',
      check: '*',
      groupPattern: '*',
      author: 'jdoe',
      reason: 'PG3 HV under repair',
      startsAt: day(0).start,
      endsAt: day(1).end,
      createdAt: day(0).start,
      ...o,
    });
    const e = evaluation(0, [
      { state: 'alarm', findings: [finding('hv', 'L1/PG3'), finding('hv', 'L2/PG7')] },
      { state: 'alarm', findings: [finding('temp', 'L1/PG3')] },
    ]);
    const rows = alarmStates(def, e, [], [silence({ report: 'pix', check: 'hv', groupPattern: 'PG3' })]);
    expect(brief(rows)).toEqual(['hv|L1/PG3|firing|raised|-', 'hv|L2/PG7|firing|raised|notify', 'temp|L1/PG3|firing|raised|notify']);
    expect(rows.find((r) => r.silenceId === 1)!.groupKey).toBe('L1/PG3');
    // a glob on the group key, another report, an expired silence
    expect(
      alarmStates(def, e, [], [silence({ groupPattern: 'L1/*' })])
        .filter((r) => r.silenceId)
        .map((r) => `${r.check}|${r.groupKey}`)
        .sort(),
    ).toEqual(['hv|L1/PG3', 'temp|L1/PG3']);
    expect(alarmStates(def, e, [], [silence({ report: 'other' })]).some((r) => r.silenceId)).toBe(false);
    expect(alarmStates(def, e, [], [silence({ endsAt: day(0).end })]).some((r) => r.silenceId)).toBe(false);
  });

  it('an alarm silenced while it was raised is notified once the silence ends', () => {
    const s: Silence = { id: 4, report: '*', check: 'hv', groupPattern: '*', author: 'jdoe', reason: 'known', startsAt: day(0).start, endsAt: '2018-06-17T01:00:00Z', createdAt: day(0).start };
    const on = (k: number) => evaluation(k, [{ state: 'alarm', findings: [finding('hv', 'L1/PG3')] }]);
    const days = chain([on(0), on(1), on(2)], [s]);
    expect(days.map(brief)).toEqual([['hv|L1/PG3|firing|raised|-'], ['hv|L1/PG3|firing|firing|-'], ['hv|L1/PG3|firing|firing|notify']]);
  });
});
