// Reading anomalyscores (v_anomalyscores, written by `omsagg score`) for overlays: flagged episodes
// as spans. Works without it: no view, or no rows for the run, gives no spans.
import { ApiError } from '../jsonapi/errors.js';
import type { Span } from '../plot/types.js';
import { omsQuery } from './query.js';
import type { ProbeContext, Row } from './types.js';

export interface ScoreRow {
  lumisection_number: number;
  model: string;
  score: number | null;
  threshold: number | null;
  flag: boolean;
  contributors: ScoreContributor[];
}

/** A path or channel that drove the score: its own score (model-specific scale) and what changed. */
export interface ScoreContributor {
  name: string;
  score: number;
  detail?: string;
}

export function parseContributors(v: unknown): ScoreContributor[] {
  if (v === null || v === undefined || v === '') return [];
  try {
    const parsed = typeof v === 'string' ? JSON.parse(v) : v;
    return Array.isArray(parsed)
      ? parsed.filter((c) => c && typeof c === 'object').map((c) => ({ name: String(c.name), score: Number(c.score), ...(c.detail ? { detail: String(c.detail) } : {}) }))
      : [];
  } catch {
    return [];
  }
}

/** A read of anomalyscores; where the view is missing (a database never scored, or older than the
 *  prediction columns) the engine's schema_mismatch means "no scores". */
async function readScores(ctx: ProbeContext, query: string, description?: string): Promise<Row[]> {
  try {
    return await ctx.read('anomalyscores', query, description);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'schema_mismatch') return [];
    throw err;
  }
}

/** The latest scored run, or undefined when nothing is scored. */
export async function latestScoredRun(ctx: ProbeContext): Promise<number | undefined> {
  const [r] = await readScores(ctx, omsQuery({ filters: [['run_number', 'NEQ', null]], fields: ['run_number'], sort: ['-run_number'], limit: 1 }));
  return r ? Number(r.run_number) : undefined;
}

/** The models that scored the run, sorted: the run fold (one row per run and model) is the distinct list. */
export async function anomalyModels(ctx: ProbeContext, run: number): Promise<string[]> {
  const rows = await readScores(ctx, omsQuery({ filters: [['run_number', 'EQ', run]], granularity: 'run', fields: ['model'], sort: ['model'] }), 'the models that scored the run');
  return rows.map((r) => String(r.model));
}

export async function readModelScores(ctx: ProbeContext, run: number, model: string): Promise<ScoreRow[]> {
  const rows = await readScores(
    ctx,
    omsQuery({
      filters: [
        ['run_number', 'EQ', run],
        ['model', 'EQ', model],
      ],
      fields: ['lumisection_number', 'model', 'score', 'threshold', 'flag', 'contributors'],
      sort: ['lumisection_number'],
    }),
    `scores of model ${model}`,
  );
  return rows.map((r) => ({
    lumisection_number: Number(r.lumisection_number),
    model: String(r.model),
    score: r.score === null ? null : Number(r.score),
    threshold: r.threshold === null ? null : Number(r.threshold),
    flag: r.flag === true,
    contributors: parseContributors(r.contributors),
  }));
}

/** Consecutive flagged lumisections merged into episodes, as x spans on a lumisection axis (±0.5 LS). */
export function flaggedEpisodes(rows: ScoreRow[], model: string): Span[] {
  const spans: Span[] = [];
  let start: ScoreRow | undefined;
  let prev: ScoreRow | undefined;
  let top = new Map<string, number>();
  const close = () => {
    if (!start || !prev) return;
    const names = [...top.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 2)
      .map(([n]) => n);
    const ls = start.lumisection_number === prev.lumisection_number ? `LS ${start.lumisection_number}` : `LS ${start.lumisection_number}–${prev.lumisection_number}`;
    spans.push({
      from: start.lumisection_number - 0.5,
      to: prev.lumisection_number + 0.5,
      kind: 'anomaly',
      short_label: ls,
      label: `${ls} flagged (${model})${names.length ? ': ' + names.join(', ') : ''}`,
    });
    start = undefined;
    top = new Map();
  };
  for (const r of rows) {
    if (r.flag) {
      if (!start || !prev || r.lumisection_number !== prev.lumisection_number + 1) {
        close();
        start = r;
      }
      for (const c of r.contributors) top.set(c.name, Math.max(top.get(c.name) ?? 0, c.score));
      prev = r;
    } else {
      close();
      prev = r;
    }
  }
  close();
  return spans;
}

/** Picks the model to show: the requested one, else a combined model if present, else the first. */
export function chooseModel(models: string[], wanted?: string): string | undefined {
  if (wanted) return models.includes(wanted) ? wanted : undefined;
  return models.find((m) => /combined|overall|total/i.test(m)) ?? models[0];
}

/**
 * The rate model's prediction for a path, where the view carries it (v_anomalyscores.predicted_rate is
 * the prediction for the lumisection's top contributing path only): lumisection → predicted rate in Hz.
 */
export async function predictedRates(ctx: ProbeContext, run: number, path: string): Promise<Map<number, number>> {
  const rows = await readScores(
    ctx,
    omsQuery({
      filters: [
        ['run_number', 'EQ', run],
        ['top_contributor', 'EQ', path],
        ['predicted_rate', 'NEQ', null],
      ],
      fields: ['lumisection_number', 'predicted_rate'],
    }),
    `rate-model prediction for ${path}`,
  );
  return new Map(rows.map((r) => [Number(r.lumisection_number), Number(r.predicted_rate)]));
}
