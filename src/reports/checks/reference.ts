// Comparison against reference runs (AutoDQM's idea): each unit's readings in the period against
// the unit's level in reference runs — named in the definition, or chosen automatically as the
// latest runs before the period with enough lumisections. An alarm needs a deviation beyond the
// tolerance for `for` consecutive readings. Without any earlier run the period's own median is the
// reference (said so in the sentence).
import { alarmPlot, attributeTitle, finding, moreText, occurrence, unitLabel, whereWhen, worst } from '../findings.js';
import { runsBefore } from '../period.js';
import { stretches, unitOf, unitsIn } from '../readings.js';
import { durationLs, lsDuration, withUnit } from '../units.js';
import { noReadings, type CheckKindImpl } from './kind.js';

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function refText(runs: number[]): string {
  if (!runs.length) return 'the median of this period: no earlier run to compare with';
  return `median of run${runs.length > 1 ? 's' : ''} ${runs.join(', ')}`;
}

export const reference: CheckKindImpl = {
  fields: (c, levels) => [...levels, c.attribute!],
  rule(c, r) {
    const how = Array.isArray(c.reference?.runs)
      ? `runs ${c.reference!.runs.join(', ')}`
      : `the latest ${c.reference?.count ?? 3} runs before the period with at least ${c.reference?.min_lumisections ?? 100} lumisections`;
    return `${attributeTitle(r.info(c.resource), c.attribute!)} must stay within ±${withUnit(c.tolerance!, c.unit)} of its level in ${how}; an alarm needs ${lsDuration(durationLs(c.for ?? '1 LS'))} in a row outside`;
  },
  async run(c, r, levels) {
    const info = r.info(c.resource);
    const { data, series } = await r.series(c, levels);
    if (!series.length) return noReadings(data);
    const sources = data.url ? [data.url] : [];
    const coverage = { timeBased: data.timeBased, runs: data.runs };
    const refRuns = Array.isArray(c.reference?.runs)
      ? c.reference!.runs
      : (await runsBefore(r.catalog, r.period.start, c.reference?.count ?? 3, c.reference?.min_lumisections ?? 100)).map((x) => x.run);
    // per unit: the median over reference runs of the unit's run mean
    const perUnit = new Map<string, number[]>();
    const granularity = info.granularities.run ? 'run' : undefined;
    for (const res of await r.ofRuns(c, refRuns, [...levels, c.attribute!], granularity)) {
      sources.push(res.url);
      const sums = new Map<string, { s: number; n: number }>();
      for (const row of res.rows) {
        const v = row[c.attribute!];
        if (v === null) continue;
        const k = unitOf(row, levels).key;
        const acc = sums.get(k) ?? { s: 0, n: 0 };
        acc.s += Number(v);
        acc.n += 1;
        sums.set(k, acc);
      }
      for (const [k, { s, n }] of sums) perUnit.set(k, [...(perUnit.get(k) ?? []), s / n]);
    }
    const minPts = durationLs(c.for ?? '1 LS');
    const findings = [];
    for (const s of series) {
      const refs = perUnit.get(s.unit.key);
      const own = !refs?.length;
      const ref = own ? median(s.points.map((p) => p.value)) : median(refs!);
      const dev = (v: number) => Math.abs(v - ref) - c.tolerance!;
      const occs = stretches(s.points, (p) => dev(p.value) > 0)
        .filter((st) => st.length >= minPts || (st[0].ls === null && st.length >= 1))
        .map((st) => {
          const w = st.reduce((a, b) => (dev(b.value) > dev(a.value) ? b : a));
          return occurrence(st, w.value, dev(w.value));
        });
      if (!occs.length) continue;
      const o = worst(occs);
      const d = o.value - ref;
      const sentence = `${unitLabel(s.unit, info)}: ${attributeTitle(info, c.attribute!)} ${withUnit(o.value, c.unit)}, ${withUnit(Math.abs(d), c.unit)} ${d > 0 ? 'above' : 'below'} its reference ${withUnit(ref, c.unit)} (${refText(own ? [] : refRuns)}), beyond the allowed ±${withUnit(c.tolerance!, c.unit)}, ${whereWhen(o)}${moreText(occs)}.`;
      findings.push(finding(c, s.unit, occs, sentence));
    }
    return { findings, units: unitsIn(data.rows, levels), sources, coverage, plot: findings.length ? alarmPlot(info, c.attribute!, c.unit ?? null, findings, series) : undefined };
  },
};
