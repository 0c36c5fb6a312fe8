// Anomaly-score episodes: stretches of lumisections a model flagged (the scoring job's own alert
// discipline decides the flag), grouped by the definition's groups at the episode's peak (e.g. by
// model and top contributor), each with its peak score, length and what changed.
import { finding, moreText, occurrence, unitLabel, whereWhen, worst } from '../findings.js';
import { stretches, unitOf, unitsIn, type Point } from '../readings.js';
import { formatNumber } from '../units.js';
import type { Occurrence, Unit } from '../types.js';
import type { CheckKindImpl } from './kind.js';

interface Peak extends Point {
  row: Record<string, unknown>;
}

const pOf = (score: number) => 10 ** (-12 * score);

export const episodes: CheckKindImpl = {
  fields: (_c, levels) => [...levels, 'model', 'flag', 'score', 'top_contributor', 'top_detail'],
  rule: (c) =>
    `no anomaly episode of the ${c.models!.join(', ')} model${c.models!.length > 1 ? 's' : ''} lasting ${c.min_lumisections ?? 1} lumisection${(c.min_lumisections ?? 1) > 1 ? 's' : ''} or more (score = −log10 p / 12; episodes as the scoring job flags them)`,
  async run(c, r, levels) {
    const info = r.info(c.resource);
    const data = await r.inPeriod(c);
    const sources = data.url ? [data.url] : [];
    const coverage = { timeBased: data.timeBased, runs: data.runs };
    const rows = data.rows.filter((x) => c.models!.includes(String(x.model)));
    if (!rows.length) return { findings: [], units: [], sources, noData: `no anomaly scores of the ${c.models!.join(', ')} model in the period (has omsagg score run?)`, coverage };
    const byUnit = new Map<string, { unit: Unit; occs: (Occurrence & { peak: Peak })[] }>();
    for (const model of c.models!) {
      const pts: Peak[] = rows
        .filter((x) => x.model === model)
        .map((x) => ({ run: Number(x.run_number), ls: Number(x.lumisection_number), time: (x.start_time as string) ?? null, value: Number(x.score), row: x }));
      for (const st of stretches(pts, (p) => (p as Peak).row.flag === true || (p as Peak).row.flag === 1)) {
        if (st.length < (c.min_lumisections ?? 1)) continue;
        const peak = st.reduce((a, b) => (b.value > a.value ? b : a)) as Peak;
        const unit = unitOf(peak.row as never, levels);
        const entry = byUnit.get(unit.key) ?? { unit, occs: [] };
        entry.occs.push({ ...occurrence(st, peak.value, peak.value), peak });
        byUnit.set(unit.key, entry);
      }
    }
    const findings = [];
    for (const { unit, occs } of [...byUnit.values()].sort((a, b) => a.unit.key.localeCompare(b.unit.key))) {
      const o = worst(occs) as Occurrence & { peak: Peak };
      const what = o.peak.row.top_contributor ? `; top contributor ${o.peak.row.top_contributor}${o.peak.row.top_detail ? `: ${o.peak.row.top_detail}` : ''}` : '';
      const sentence = `${unitLabel(unit, info)}: ${String(o.peak.row.model)} model anomaly episode, peak score ${formatNumber(o.value)} (p = ${pOf(o.value).toExponential(1)}), ${whereWhen(o)}${what}${moreText(occs)}.`;
      findings.push(finding(c, unit, occs, sentence));
    }
    return { findings, units: unitsIn(rows, levels), sources, coverage };
  },
};
