// No readings in the period although CMS had runs in it: a source that stopped reporting.
import type { CheckKindImpl } from './kind.js';
import { WHOLE } from '../readings.js';

export const noData: CheckKindImpl = {
  fields: () => [],
  rule: (c, r) => `${r.info(c.resource).title} must have readings whenever CMS has runs in the period`,
  async run(c, r) {
    const data = await r.anyInPeriod(c);
    const coverage = { timeBased: data.timeBased, runs: data.runs };
    // per-run resources judge the runs that ended in the period
    const runs = data.timeBased ? r.runs.map((x) => x.run) : data.runs;
    if (!runs.length) return { findings: [], units: [], sources: [], noData: data.timeBased ? 'no runs in the period' : 'no run ended in the period', coverage };
    const sources = data.url ? [data.url] : [];
    if (data.any) return { findings: [], units: [WHOLE], sources, coverage };
    const title = r.info(c.resource).title;
    const sentence = `${title}: no readings in the period although CMS had ${runs.length} run${runs.length === 1 ? '' : 's'} in it (${runs.length > 4 ? `${runs.slice(0, 4).join(', ')} …` : runs.join(', ')}).`;
    return { findings: [{ check: c.id, unit: WHOLE, severity: c.severity, sentence, occurrences: [], devices: ['*'] }], units: [WHOLE], sources, coverage };
  },
};
