// Reading v_anomalyscores (written by `omsagg score`) for overlays: flagged episodes as spans.
// Works without it: no view, or no rows for the run, gives no spans.
import type { Db } from '../db/connection.js';
import type { Span } from '../plot/types.js';
import { viewExists } from './sql.js';

export interface ScoreRow {
  lumisection_number: number;
  model: string;
  score: number | null;
  threshold: number | null;
  flag: boolean;
  contributors: Contributor[];
}

/** A path or channel that drove the score: its own score (model-specific scale) and what changed. */
export interface Contributor {
  name: string;
  score: number;
  detail?: string;
}

export function parseContributors(v: unknown): Contributor[] {
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

const truthy = (v: unknown) => v === true || v === 1 || v === '1' || v === 't';

export async function anomalyModels(db: Db, run: number): Promise<string[]> {
  if (!(await viewExists(db, 'v_anomalyscores'))) return [];
  return (await db.knex('v_anomalyscores').distinct('model').where('run_number', run).orderBy('model')).map((r) => String(r.model));
}

export async function scoreRows(db: Db, run: number, model: string): Promise<ScoreRow[]> {
  if (!(await viewExists(db, 'v_anomalyscores'))) return [];
  const rows = await db.knex('v_anomalyscores').select('lumisection_number', 'model', 'score', 'threshold', 'flag', 'contributors')
    .where({ run_number: run, model }).orderBy('lumisection_number');
  return rows.map((r) => ({
    lumisection_number: Number(r.lumisection_number),
    model: String(r.model),
    score: r.score === null ? null : Number(r.score),
    threshold: r.threshold === null ? null : Number(r.threshold),
    flag: truthy(r.flag),
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
    const names = [...top.entries()].sort((a, b) => b[1] - a[1]).slice(0, 2).map(([n]) => n);
    const ls = start.lumisection_number === prev.lumisection_number ? `LS ${start.lumisection_number}` : `LS ${start.lumisection_number}–${prev.lumisection_number}`;
    spans.push({ from: start.lumisection_number - 0.5, to: prev.lumisection_number + 0.5, kind: 'anomaly', short_label: ls, label: `${ls} flagged (${model})${names.length ? ': ' + names.join(', ') : ''}` });
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
export async function predictedRates(db: Db, run: number, path: string): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (!(await viewExists(db, 'v_anomalyscores'))) return out;
  let rows: { lumisection_number: unknown; predicted_rate: unknown }[];
  try {
    rows = await db.knex('v_anomalyscores').select('lumisection_number', 'predicted_rate')
      .where({ run_number: run, top_contributor: path }).whereNotNull('predicted_rate');
  } catch {
    return out; // an older view without the prediction columns
  }
  for (const r of rows) out.set(Number(r.lumisection_number), Number(r.predicted_rate));
  return out;
}
