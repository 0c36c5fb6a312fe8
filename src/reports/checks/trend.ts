// Slow drifts (ageing, calibration): each unit's run means over the last `over` (e.g. 7 d), a
// robust straight line through them (Theil–Sen: the median of pairwise slopes, so one odd run
// does not tilt it), and an alarm when the slope passes `max_slope` — per day, in % of the
// unit's level or in the attribute's unit. Leakage currents can be normalised to a reference
// temperature first (× s(T_ref)/s(T), s(T) = T²·exp(−1.21 eV/2kT)).
import { leakageScale } from '../../probes/catalog/pixel-leakage.js';
import { attributeTitle, finding, unitLabel } from '../findings.js';
import { timeAttribute, unitOf, WHOLE } from '../readings.js';
import { formatNumber, parseDuration, utcMinute, withUnit } from '../units.js';
import type { Unit } from '../types.js';
import type { CheckKindImpl } from './kind.js';

const DAY_MS = 86_400_000;

function theilSen(pts: { x: number; y: number }[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < pts.length; i++) for (let j = i + 1; j < pts.length; j++) if (pts[j].x !== pts[i].x) slopes.push((pts[j].y - pts[i].y) / (pts[j].x - pts[i].x));
  slopes.sort((a, b) => a - b);
  const m = slopes.length >> 1;
  return slopes.length % 2 ? slopes[m] : (slopes[m - 1] + slopes[m]) / 2;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const trend: CheckKindImpl = {
  // trends read their own window, not the period
  fields: () => [],
  rule(c, r) {
    const t = attributeTitle(r.info(c.resource), c.attribute!);
    const norm = c.normalise ? ` (normalised to ${withUnit(c.normalise.to, '°C')})` : '';
    const lim = c.slope_unit === '%/d' ? `${formatNumber(c.max_slope!)} % per day` : `${withUnit(c.max_slope!, c.unit)} per day`;
    return `${t}${norm}: the slope of its run means over the last ${c.over} must stay within ±${lim} (needs ${c.min_runs ?? 4} runs spanning a day or more)`;
  },
  async run(c, r, levels) {
    const info = r.info(c.resource);
    const time = timeAttribute(info);
    const seconds = parseDuration(c.over!);
    const fields = [...levels, c.attribute!, 'run_number', ...(time ? [time] : []), ...(c.normalise ? [c.normalise.temperature] : [])];
    const res = await r.window(c, seconds, fields, info.granularities.run ? 'run' : undefined);
    const coverage = { timeBased: !!time, runs: r.runs.map((x) => x.run) };
    const byUnit = new Map<string, { unit: Unit; pts: Map<number, { t: number; ys: number[] }> }>();
    for (const row of res.rows) {
      const v = row[c.attribute!];
      const t = time ? Date.parse(String(row[time])) : NaN;
      if (v === null || !Number.isFinite(t)) continue;
      let y = Number(v);
      if (c.normalise) {
        const temp = Number(row[c.normalise.temperature]);
        if (!Number.isFinite(temp)) continue;
        y *= leakageScale(c.normalise.to) / leakageScale(temp);
      }
      const unit = unitOf(row, levels);
      let u = byUnit.get(unit.key);
      if (!u) byUnit.set(unit.key, (u = { unit, pts: new Map() }));
      const run = Number(row.run_number);
      const p = u.pts.get(run) ?? { t, ys: [] };
      p.t = Math.min(p.t, t);
      p.ys.push(y);
      u.pts.set(run, p);
    }
    const minRuns = c.min_runs ?? 4;
    const findings = [];
    const units: Unit[] = [];
    for (const { unit, pts } of byUnit.values()) {
      const xy = [...pts.values()].map((p) => ({ x: p.t / DAY_MS, y: p.ys.reduce((a, b) => a + b, 0) / p.ys.length })).sort((a, b) => a.x - b.x);
      if (xy.length < minRuns || xy[xy.length - 1].x - xy[0].x < 1) continue;
      units.push(unit);
      const slope = theilSen(xy);
      const level = median(xy.map((p) => p.y));
      const rel = level !== 0 ? (100 * slope) / Math.abs(level) : Infinity;
      const judged = c.slope_unit === '%/d' ? rel : slope;
      if (Math.abs(judged) <= c.max_slope!) continue;
      const t = attributeTitle(info, c.attribute!);
      const from = new Date(xy[0].x * DAY_MS).toISOString();
      const lim = c.slope_unit === '%/d' ? `${formatNumber(c.max_slope!)} % per day` : `${withUnit(c.max_slope!, c.unit)} per day`;
      const sentence = `${unitLabel(unit, info)}: ${t}${c.normalise ? ` at ${withUnit(c.normalise.to, '°C')}` : ''} ${slope > 0 ? 'rising' : 'falling'} by ${withUnit(Math.abs(slope), c.unit)} per day (${formatNumber(Math.abs(rel))} % of its level ${withUnit(level, c.unit)} per day) over ${xy.length} runs since ${utcMinute(from)}, beyond the allowed ${lim}.`;
      findings.push(
        finding(
          c,
          unit,
          [{ run: [...pts.keys()].pop()!, firstLs: null, lastLs: null, start: from, end: r.period.end, points: xy.length, value: slope, excess: Math.abs(judged) - c.max_slope! }],
          sentence,
        ),
      );
    }
    if (!units.length) return { findings: [], units: [], sources: [res.url], noData: `fewer than ${minRuns} runs spanning a day in the last ${c.over}`, coverage };
    units.sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }));
    return { findings, units: units.length ? units : [WHOLE], sources: [res.url], coverage };
  },
};
