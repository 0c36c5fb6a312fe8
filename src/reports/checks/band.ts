// Values outside an allowed band [min, max] for at least `for` consecutive readings.
import { alarmPlot, attributeTitle, finding, moreText, occurrence, unitLabel, whereWhen, worst } from '../findings.js';
import { stretches, unitsIn } from '../readings.js';
import { durationLs, lsDuration, withUnit } from '../units.js';
import { noReadings, type CheckKindImpl } from './kind.js';

export const band: CheckKindImpl = {
  fields: (c, levels) => [...levels, c.attribute!],
  rule(c, r) {
    const info = r.info(c.resource);
    const t = attributeTitle(info, c.attribute!);
    const lim = [c.min !== undefined ? `≥ ${withUnit(c.min, c.unit)}` : '', c.max !== undefined ? `≤ ${withUnit(c.max, c.unit)}` : ''].filter(Boolean).join(' and ');
    return `${t} must stay ${lim}; an alarm needs ${lsDuration(durationLs(c.for ?? '1 LS'))} in a row outside`;
  },
  async run(c, r, levels) {
    const info = r.info(c.resource);
    const { data, series } = await r.series(c, levels);
    if (!series.length) return noReadings(data);
    const minPts = durationLs(c.for ?? '1 LS');
    const excess = (v: number) => Math.max(c.min !== undefined ? c.min - v : -Infinity, c.max !== undefined ? v - c.max : -Infinity);
    const findings = [];
    for (const s of series) {
      const occs = stretches(s.points, (p) => excess(p.value) > 0)
        .filter((st) => st.length >= minPts || (st[0].ls === null && st.length >= 1))
        .map((st) => {
          const w = st.reduce((a, b) => (excess(b.value) > excess(a.value) ? b : a));
          return occurrence(st, w.value, excess(w.value));
        });
      if (!occs.length) continue;
      const o = worst(occs);
      const low = c.min !== undefined && o.value < c.min;
      const limit = low ? c.min! : c.max!;
      const sentence = `${unitLabel(s.unit, info)}: ${attributeTitle(info, c.attribute!)} ${withUnit(o.value, c.unit)}, ${low ? 'below the allowed minimum' : 'above the allowed maximum'} of ${withUnit(limit, c.unit)}, ${whereWhen(o)}${moreText(occs)}.`;
      findings.push(finding(c, s.unit, occs, sentence));
    }
    return {
      findings,
      units: unitsIn(data.rows, levels),
      sources: data.url ? [data.url] : [],
      coverage: { timeBased: data.timeBased, runs: data.runs },
      plot: findings.length
        ? alarmPlot(info, c.attribute!, c.unit ?? null, findings, series, {
            limits: [...(c.min !== undefined ? [{ label: 'minimum', value: c.min }] : []), ...(c.max !== undefined ? [{ label: 'maximum', value: c.max }] : [])],
          })
        : undefined,
    };
  },
};
