// Alarm state between report periods, per check and device group: raised, still firing (notified
// again after the definition's repeat interval), resolved; inhibited alarms are kept but never
// notified; "no data" and "check failed" are states of their own. Everything is decided from the
// period's times, never the wall clock, so re-running a period gives the same alarms.
import { activeAt, silences as covers, type Silence } from './silences.js';
import type { AlarmRow } from './store.js';
import type { Evaluation, ReportDefinition } from './types.js';

export interface Alarm extends AlarmRow {
  title: string;
  silence: Silence | null;
}

const ACTIVE = new Set(['firing', 'no_data', 'failed']);

export function alarmStates(def: ReportDefinition, e: Evaluation, previous: AlarmRow[], silenceList: Silence[]): Alarm[] {
  const { period } = e;
  const prev = new Map(previous.filter((r) => r.state !== 'resolved').map((r) => [`${r.check}|${r.groupKey}`, r]));
  const out: Alarm[] = [];
  const seen = new Set<string>();
  const endMs = Date.parse(period.end);
  const push = (check: string, title: string, groupKey: string, state: AlarmRow['state'], severity: string, sentence: string, inhibitedBy: string | null) => {
    const key = `${check}|${groupKey}`;
    seen.add(key);
    const p = prev.get(key);
    const continuing = !!p && p.state === state;
    const silence = state === 'inhibited' ? null : (silenceList.find((s) => activeAt(s, period.end) && covers(s, def.id, check, groupKey)) ?? null);
    const firstRaised = continuing || (p && p.state === 'inhibited') ? p!.firstRaised : period.end;
    let lastNotified = continuing ? p!.lastNotified : null;
    let transition: AlarmRow['transition'] = state === 'inhibited' ? 'inhibited' : continuing ? 'firing' : 'raised';
    let notified = false;
    if (ACTIVE.has(state) && !silence) {
      if (transition === 'raised' || lastNotified === null) notified = true;
      else if (endMs - Date.parse(lastNotified) >= def.repeatSeconds * 1000) {
        notified = true;
        transition = 'repeated';
      }
      if (notified) lastNotified = period.end;
    }
    out.push({
      report: def.id,
      check,
      title,
      groupKey,
      periodStart: period.start,
      periodEnd: period.end,
      state,
      transition,
      severity,
      sentence,
      firstRaised,
      lastNotified,
      notified,
      silenceId: silence?.id ?? null,
      inhibitedBy,
      silence,
    });
  };
  const judged = new Set<string>();
  for (const c of e.checks) {
    if (c.state === 'no_data' || c.state === 'failed') {
      const sentence = c.state === 'no_data' ? `${c.title}: no data to judge — ${c.detail ?? 'no readings'}.` : `${c.title}: the check failed — ${c.detail ?? 'unknown error'}.`;
      push(c.id, c.title, '*', c.state, c.severity, sentence, null);
      continue;
    }
    judged.add(c.id);
    for (const f of c.findings) push(c.id, c.title, f.unit.key, f.inhibitedBy ? 'inhibited' : 'firing', f.severity, f.sentence, f.inhibitedBy ?? null);
  }
  // what fired before and not now is resolved; a check without data now cannot say
  for (const [key, p] of prev) {
    if (seen.has(key)) continue;
    const judgedNow = p.groupKey === '*' && (p.state === 'no_data' || p.state === 'failed') ? true : judged.has(p.check);
    if (!judgedNow || p.state === 'inhibited') continue;
    const title = def.checks.find((c) => c.id === p.check)?.title ?? p.check;
    out.push({
      ...p,
      periodStart: period.start,
      periodEnd: period.end,
      state: 'resolved',
      transition: 'resolved',
      title,
      silence: null,
      silenceId: null,
      inhibitedBy: null,
      notified: p.lastNotified !== null,
      sentence: p.sentence,
    });
  }
  return out;
}

export const isActive = (a: Alarm) => a.state === 'firing';
