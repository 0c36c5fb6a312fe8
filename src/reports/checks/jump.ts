// Steps between consecutive readings of a run: a rise of at least `rise` or a fall of at least
// `fall` (in the attribute's unit) from one reading to the next.
import { alarmPlot, attributeTitle, finding, occurrence, unitLabel, whereWhen, worst } from '../findings.js';
import { unitsIn } from '../readings.js';
import { withUnit } from '../units.js';
import type { Occurrence } from '../types.js';
import { noReadings, type CheckKindImpl } from './kind.js';

export const jump: CheckKindImpl = {
  fields: (c, levels) => [...levels, c.attribute!],
  rule(c, r) {
    const parts = [c.rise !== undefined ? `rise by ${withUnit(c.rise, c.unit)} or more` : '', c.fall !== undefined ? `fall by ${withUnit(c.fall, c.unit)} or more` : ''].filter(Boolean);
    return `${attributeTitle(r.info(c.resource), c.attribute!)} must not ${parts.join(' or ')} from one reading to the next`;
  },
  async run(c, r, levels) {
    const info = r.info(c.resource);
    const { data, series } = await r.series(c, levels);
    if (!series.length) return noReadings(data);
    const findings = [];
    for (const s of series) {
      const occs: (Occurrence & { from: number })[] = [];
      s.points.forEach((p, i) => {
        const prev = s.points[i - 1];
        if (!prev || prev.run !== p.run || (p.ls !== null && prev.ls !== null && p.ls !== prev.ls + 1)) return;
        const d = p.value - prev.value;
        const ex = Math.max(c.rise !== undefined ? d - c.rise : -Infinity, c.fall !== undefined ? -d - c.fall : -Infinity);
        if (ex >= 0) occs.push({ ...occurrence([p], d, ex + Math.abs(d)), from: prev.value });
      });
      if (!occs.length) continue;
      const o = worst(occs) as Occurrence & { from: number };
      const dir = o.value > 0 ? 'rose' : 'fell';
      const sentence = `${unitLabel(s.unit, info)}: ${attributeTitle(info, c.attribute!)} ${dir} by ${withUnit(Math.abs(o.value), c.unit)} in one step, from ${withUnit(o.from, c.unit)} to ${withUnit(o.from + o.value, c.unit)}, ${whereWhen(o, false)}${occs.length > 1 ? `; ${occs.length} such steps in the period` : ''}.`;
      findings.push(finding(c, s.unit, occs, sentence));
    }
    return {
      findings,
      units: unitsIn(data.rows, levels),
      sources: data.url ? [data.url] : [],
      coverage: { timeBased: data.timeBased, runs: data.runs },
      plot: findings.length ? alarmPlot(info, c.attribute!, c.unit ?? null, findings, series) : undefined,
    };
  },
};
