// Anomaly scores over a run: the score per lumisection, the threshold, flagged episodes shaded and
// the top contributing paths/channels in the hover.
import { defineProbe } from '../types.js';
import { runInfo } from '../lookups.js';
import { anomalyModels, chooseModel, flaggedEpisodes, latestScoredRun, readModelScores } from '../anomaly.js';
import type { Annotation, Series } from '../../plot/types.js';
import { NotFoundError, QueryValidationError } from '../../jsonapi/errors.js';

interface P extends Record<string, unknown> {
  run_number: number;
  model?: string;
}

export default defineProbe<P>({
  id: 'anomaly-scores',
  group: 'Anomalies',
  needs: ['anomaly_scores'],
  title: 'Anomaly scores over a run',
  description:
    'Anomaly score per lumisection from `omsagg score` (0 = normal, 1 = certainly anomalous), the flagging threshold, flagged episodes shaded, and the top contributing paths or channels in the hover.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      run_number: { type: 'integer', title: 'Run', description: 'Run number (default: the latest scored run)', unit: null, minimum: 1, 'x-picker': 'run' },
      model: { type: 'string', title: 'Model', description: 'Scoring model (default: the combined model, else the first one)', 'x-picker': 'text' },
    },
  },
  async defaults(ctx, given) {
    if (given.run_number !== undefined) return {};
    const run = await latestScoredRun(ctx);
    if (run === undefined) throw new NotFoundError('no anomaly scores in this database (run `omsagg score`)', 'no_data');
    return { run_number: run };
  },
  async run(ctx, p) {
    const run = await runInfo(ctx, p.run_number);
    const models = await anomalyModels(ctx, p.run_number);
    if (!models.length) throw new NotFoundError(`run ${p.run_number} has no anomaly scores (run \`omsagg score --runs ${p.run_number}\`)`, 'no_data');
    const model = chooseModel(models, p.model);
    if (!model) throw new QueryValidationError('unknown_model', `run ${p.run_number} has no scores of model '${p.model}' (models: ${models.join(', ')})`, 'model');
    const rows = await readModelScores(ctx, p.run_number, model);
    const x = rows.map((r) => r.lumisection_number);
    const hover = rows.map((r) =>
      r.contributors.length
        ? 'top: ' +
          r.contributors
            .slice(0, 3)
            .map((c) => `${c.name} (${c.score.toFixed(2)}${c.detail ? `: ${c.detail}` : ''})`)
            .join('<br>     ')
        : 'no contributors',
    );
    const series: Series[] = [{ key: 'score', name: `Score (${model})`, kind: 'line', step: true, x, y: rows.map((r) => r.score), hover }];
    const thresholds = [...new Set(rows.map((r) => r.threshold).filter((t): t is number => t !== null))];
    const annotations: Annotation[] = [];
    if (thresholds.length === 1) annotations.push({ y: thresholds[0], text: `threshold ${thresholds[0].toPrecision(3)}` });
    else if (thresholds.length > 1) series.push({ key: 'threshold', name: 'Threshold', kind: 'line', dash: 'dash', color: '#D55E00', step: true, x, y: rows.map((r) => r.threshold) });
    const spans = flaggedEpisodes(rows, model);
    const flagged = rows.filter((r) => r.flag).length;
    return {
      title: `Anomaly scores — run ${p.run_number}`,
      subtitle: `model ${model} · ${flagged} of ${rows.length} lumisections flagged in ${spans.length} episode${spans.length === 1 ? '' : 's'}${models.length > 1 ? ` · other models: ${models.filter((m) => m !== model).join(', ')}` : ''}`,
      axes: { x: { label: 'Lumisection', unit: null, scale: 'linear' }, y: { label: 'Anomaly score', unit: null, scale: 'linear', range: [0, 1.02] } },
      series,
      annotations,
      spans,
      live: run.end_time === null,
    };
  },
});
