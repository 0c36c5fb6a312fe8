// Flat-lined readings: a value that does not move by more than `tolerance` over `for` consecutive
// readings (a frozen sensor or a dead readout that repeats its last value).
import { alarmPlot, attributeTitle, finding, moreText, occurrence, unitLabel, whereWhen, worst } from '../findings.js';
import { stretches, unitsIn } from '../readings.js';
import { durationLs, lsDuration, withUnit } from '../units.js';
import { noReadings, type CheckKindImpl } from './kind.js';

export const stuck: CheckKindImpl = {
  fields: (c, levels) => [...levels, c.attribute!],
  rule(c, r) {
    return `${attributeTitle(r.info(c.resource), c.attribute!)} must move by more than ${withUnit(c.tolerance ?? 0, c.unit)} within ${lsDuration(durationLs(c.for!))}`;
  },
  async run(c, r, levels) {
    const info = r.info(c.resource);
    const { data, series } = await r.series(c, levels);
    if (!series.length) return noReadings(data);
    const minPts = durationLs(c.for!);
    const tol = c.tolerance ?? 0;
    const findings = [];
    for (const s of series) {
      // a point is "flat" when it equals the first reading of its flat stretch within the tolerance
      let anchor = Number.NaN;
      const flat = s.points.map((p, i) => {
        const prev = s.points[i - 1];
        const contiguous = prev && prev.run === p.run && (p.ls === null || prev.ls === null || p.ls === prev.ls + 1);
        if (contiguous && Math.abs(p.value - anchor) <= tol) return true;
        anchor = p.value;
        return false;
      });
      // the anchor of a flat stretch belongs to it
      const marks = flat.map((f, i) => f || flat[i + 1] === true);
      const occs = stretches(s.points, (_p, i) => marks[i])
        .filter((st) => st.length >= minPts)
        .map((st) => occurrence(st, st[0].value, st.length));
      if (!occs.length) continue;
      const o = worst(occs);
      const sentence = `${unitLabel(s.unit, info)}: ${attributeTitle(info, c.attribute!)} stuck at ${withUnit(o.value, c.unit)} (no change beyond ${withUnit(tol, c.unit)}) ${whereWhen(o)}${moreText(occs)}.`;
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
