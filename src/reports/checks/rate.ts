// Counts per lumisection turned into a rate (counts / 23.31 s) above a limit in Hz for at least
// `for` consecutive lumisections.
import { alarmPlot, attributeTitle, finding, moreText, occurrence, unitLabel, whereWhen, worst } from '../findings.js';
import { stretches, unitsIn } from '../readings.js';
import { durationLs, formatNumber, LS_SECONDS, lsDuration, withUnit } from '../units.js';
import type { CheckKindImpl } from './kind.js';

export const rate: CheckKindImpl = {
  fields: (c, levels) => [...levels, c.attribute!],
  rule(c, r) {
    const t = attributeTitle(r.info(c.resource), c.attribute!);
    return `${t} per lumisection / ${LS_SECONDS} s must stay ≤ ${withUnit(c.max!, 'Hz')} (${formatNumber(c.max! * LS_SECONDS)} counts per lumisection); an alarm needs ${lsDuration(durationLs(c.for ?? '1 LS'))} in a row above`;
  },
  async run(c, r, levels) {
    const info = r.info(c.resource);
    const { data, series } = await r.series({ ...c, combine: 'sum' }, levels);
    const minPts = durationLs(c.for ?? '1 LS');
    const hz = (counts: number) => counts / LS_SECONDS;
    const findings = [];
    for (const s of series) {
      const occs = stretches(s.points, (p) => hz(p.value) > c.max!)
        .filter((st) => st.length >= minPts)
        .map((st) => {
          const w = st.reduce((a, b) => (b.value > a.value ? b : a));
          return occurrence(st, hz(w.value), hz(w.value) - c.max!);
        });
      if (!occs.length) continue;
      const o = worst(occs);
      const title = attributeTitle(info, c.attribute!);
      const sentence = `${unitLabel(s.unit, info)}: ${title.replace(/ count$/i, '')} rate up to ${withUnit(o.value, 'Hz')} (${formatNumber(o.value * LS_SECONDS)} counts in one lumisection), above the allowed ${withUnit(c.max!, 'Hz')}, ${whereWhen(o)}${moreText(occs)}.`;
      findings.push(finding(c, s.unit, occs, sentence));
    }
    return {
      findings,
      units: unitsIn(data.rows, levels),
      sources: data.url ? [data.url] : [],
      coverage: { timeBased: data.timeBased, runs: data.runs },
      plot: findings.length
        ? alarmPlot(info, c.attribute!, 'Hz', findings, series, {
            transform: hz,
            yLabel: `${attributeTitle(info, c.attribute!).replace(/ count$/i, '')} rate`,
            limits: [{ label: 'limit', value: c.max! }],
          })
        : undefined,
    };
  },
};
