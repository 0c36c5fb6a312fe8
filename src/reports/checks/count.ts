// How many members of a unit (e.g. channels of a FED) read above a value in one run, against the
// most allowed: "FED 1214: 6 channels with more than 1 000 errors in run 317392".
import { attributeTitle, finding, nounOf, unitLabel } from '../findings.js';
import { unitsIn } from '../readings.js';
import { withUnit } from '../units.js';
import type { Occurrence } from '../types.js';
import type { CheckKindImpl } from './kind.js';

export const count: CheckKindImpl = {
  fields: (c, levels) => [...levels, c.attribute!, c.member!],
  rule(c, r) {
    const info = r.info(c.resource);
    const m = nounOf(info, c.member!);
    return `at most ${c.max} ${m}${c.max === 1 ? '' : 's'} per run may have ${attributeTitle(info, c.attribute!).toLowerCase()} above ${withUnit(c.above!, c.unit)}`;
  },
  async run(c, r, levels) {
    const info = r.info(c.resource);
    const { data, series } = await r.series(c, levels);
    const member = nounOf(info, c.member!);
    const findings = [];
    for (const s of series) {
      // a count check judges a run as a whole: each member's readings of the run summed
      const perRun = new Map<number, Map<string, number>>();
      for (const p of s.points) {
        const m = perRun.get(p.run) ?? new Map<string, number>();
        for (const x of p.members ?? []) m.set(x.name, (m.get(x.name) ?? 0) + x.value);
        perRun.set(p.run, m);
      }
      const occs: (Occurrence & { over: { name: string; value: number }[] })[] = [];
      for (const [run, members] of perRun) {
        const over = [...members]
          .map(([name, value]) => ({ name, value }))
          .filter((m) => m.value > c.above!)
          .sort((a, b) => b.value - a.value || a.name.localeCompare(b.name, 'en', { numeric: true }));
        if (over.length > c.max!) occs.push({ run, firstLs: null, lastLs: null, start: null, end: null, points: 1, value: over.length, excess: over.length - c.max!, over });
      }
      if (!occs.length) continue;
      const o = occs.reduce((a, b) => (b.excess > a.excess ? b : a));
      const top = o.over[0];
      const sentence = `${unitLabel(s.unit, info)}: ${o.value} ${member}s with ${attributeTitle(info, c.attribute!).toLowerCase()} above ${withUnit(c.above!, c.unit)} in run ${o.run} (at most ${c.max} allowed; largest ${withUnit(top.value, c.unit)} on ${member} ${top.name})${occs.length > 1 ? `; ${occs.length} runs like this in the period` : ''}.`;
      findings.push(finding(c, s.unit, occs, sentence));
    }
    return { findings, units: unitsIn(data.rows, levels), sources: data.url ? [data.url] : [], coverage: { timeBased: data.timeBased, runs: data.runs } };
  },
};
