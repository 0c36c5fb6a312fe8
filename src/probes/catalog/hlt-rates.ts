// HLT path rates per lumisection for chosen paths of a run, with prescale-column changes marked and,
// when `omsagg score` has scored the run, the flagged lumisections shaded.
import { defineProbe } from '../types.js';
import { latestRunIn, runInfo } from '../lookups.js';
import { busiestPaths, readPerPath } from '../paths.js';
import { anomalyModels, chooseModel, flaggedEpisodes, predictedRates, readModelScores } from '../anomaly.js';
import { omsQuery } from '../query.js';
import { num } from '../values.js';
import { LS_SECONDS } from '../../shared/physics.js';
import { paletteColor } from '../../plot/palette.js';
import type { Annotation, Series } from '../../plot/types.js';

interface P extends Record<string, unknown> {
  run_number: number;
  paths: string[];
  scale: 'linear' | 'log';
}

export default defineProbe<P>({
  id: 'hlt-rates',
  group: 'Trigger',
  title: 'HLT path rates per lumisection',
  description: 'Accept rate of selected HLT paths in each lumisection of a run. Prescale-column changes are marked; lumisections flagged by the anomaly model are shaded.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      run_number: { type: 'integer', title: 'Run', description: 'Run number (default: the latest run with HLT rates)', unit: null, minimum: 1, 'x-picker': 'run' },
      paths: { type: 'array', title: 'HLT paths', description: 'HLT path names (default: the four busiest physics paths of the run)', items: { type: 'string' }, maxItems: 12, 'x-picker': 'hltpaths' },
      scale: { type: 'string', title: 'Rate axis', description: 'Linear or logarithmic rate axis', enum: ['linear', 'log'], default: 'linear', 'x-picker': 'enum' },
    },
  },
  seriesParam: 'paths',
  async defaults(ctx, given) {
    const run = given.run_number ?? (await latestRunIn(ctx, 'hltpathrates'));
    return { run_number: run, paths: given.paths ?? (await busiestPaths(ctx, run, 4)) };
  },
  async run(ctx, p) {
    const run = await runInfo(ctx, p.run_number);
    const byPath = await readPerPath(ctx, p.paths, (path) =>
      ctx.read(
        'hltpathrates',
        omsQuery({
          filters: [
            ['run_number', 'EQ', p.run_number],
            ['path_name', 'EQ', path],
          ],
          fields: ['lumisection_number', 'rate', 'prescale_index'],
          sort: ['lumisection_number'],
        }),
        `rates of ${path}`,
      ),
    );
    const lines: Series[] = p.paths.map((name, i) => {
      const mine = byPath.get(name)!;
      return { key: name, name, kind: 'line', step: true, color: paletteColor(i), x: mine.map((r) => Number(r.lumisection_number)), y: mine.map((r) => num(r.rate)) };
    });
    const models = await anomalyModels(ctx, p.run_number);
    const model = chooseModel(models);
    // the rate model's prediction ±2σ (Poisson) where the scorer recorded it for a path, drawn under the data
    // (an unscored run has no predictions: not asked for)
    const predictions = models.length ? await Promise.all(p.paths.map((name) => predictedRates(ctx, p.run_number, name))) : [];
    const bands: Series[] = [];
    for (const [i, name] of p.paths.entries()) {
      const pred = predictions[i];
      if (!pred?.size) continue;
      const xs = (lines[i] as { x: number[] }).x;
      const sigma = (hz: number) => Math.sqrt(Math.max(hz, 0) * LS_SECONDS) / LS_SECONDS;
      bands.push({
        key: `predicted_${name}`,
        name: `${name}: rate-model prediction ±2σ`,
        kind: 'band',
        color: paletteColor(i),
        x: xs,
        lower: xs.map((ls) => (pred.has(ls) ? Math.max(0, pred.get(ls)! - 2 * sigma(pred.get(ls)!)) : null)),
        upper: xs.map((ls) => (pred.has(ls) ? pred.get(ls)! + 2 * sigma(pred.get(ls)!) : null)),
      });
    }
    const series: Series[] = [...bands, ...lines];
    // prescale-column changes: a known cause of rate steps, not an anomaly
    const annotations: Annotation[] = [];
    const byLs = new Map<number, number | null>();
    for (const rows of byPath.values()) for (const r of rows) byLs.set(Number(r.lumisection_number), num(r.prescale_index));
    let prev: number | null | undefined;
    for (const [ls, idx] of [...byLs.entries()].sort((a, b) => a[0] - b[0])) {
      if (prev !== undefined && idx !== prev) annotations.push({ x: ls - 0.5, text: `prescale column ${prev ?? '?'}→${idx ?? '?'}` });
      prev = idx;
    }
    const spans = model ? flaggedEpisodes(await readModelScores(ctx, p.run_number, model), model) : [];
    const notes: string[] = [];
    if (!model) notes.push('This run has not been scored for anomalies (omsagg score); no lumisections are shaded.');
    return {
      title: `HLT path rates — run ${p.run_number}`,
      subtitle: `${run.end_time ? 'ended ' + run.end_time.replace('T', ' ').replace('Z', ' UTC') : 'ongoing'}${run.fill_number ? ` · fill ${run.fill_number}` : ''}${model ? ` · anomaly model: ${model}` : ''}`,
      axes: { x: { label: 'Lumisection', unit: null, scale: 'linear' }, y: { label: 'Rate', unit: 'Hz', scale: p.scale } },
      series,
      annotations,
      spans,
      notes,
      live: run.end_time === null,
    };
  },
});
