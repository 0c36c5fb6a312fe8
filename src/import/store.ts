// The import's side of omsagg's database: the target is checked (never a seeded demo, never Oracle),
// pages are upserted table by table, and the checkpoint of the (resource, run) they belong to is
// written in the same transaction — a killed import finds exactly the pages it committed.
// Checkpoints live in omsagg's own job table omsagg_jobs (job 'import', unit '<resource>:<run>').
import type { Knex } from 'knex';
import type { Db } from '../db/connection.js';
import { createSchema, getMeta, setMeta } from '../db/schema.js';
import { TABLE_BY_NAME } from '../db/tables.js';
import type { Row } from './mapping.js';

export const IMPORT_JOB = 'import';

export class TargetError extends Error {
  constructor(
    readonly code: 'seeded_database' | 'unsupported_database' | 'embedded_demo',
    message: string,
  ) {
    super(message);
  }
}

export type CheckpointState = 'running' | 'done' | 'open';

export interface Checkpoint {
  state: CheckpointState;
  /** the source the unit came from */
  source: string;
  /** the next page to fetch (state running) */
  next?: string | null;
  /** rows received so far and ids seen (for the completeness check) */
  rows: number;
  /** meta.totalResourceCount of the first page when the source counts exactly */
  expected?: number | null;
}

/** Creates or completes the schema; refuses a database holding the synthetic seed. */
export async function prepareTarget(db: Db): Promise<void> {
  if (db.dialect === 'oracle') throw new TargetError('unsupported_database', 'import writes SQLite or PostgreSQL databases; Oracle (production OMDS) is read by omsagg, never written');
  await createSchema(db);
  const meta = await getMeta(db);
  if (meta.seed !== undefined) {
    throw new TargetError(
      'seeded_database',
      `the database holds the synthetic ${meta.scale ?? ''} seed ${meta.seed} (with its injected-anomaly ground truth); import into an empty database so real and synthetic data never mix`,
    );
  }
  await setMeta(db, { data_origin: 'import' });
}

export function unitKey(resource: string, key: number): string {
  return `${resource}:${key}`;
}

export async function readCheckpoints(db: Db): Promise<Map<string, Checkpoint>> {
  if (!(await db.knex.schema.hasTable('omsagg_jobs'))) return new Map();
  const rows = (await db.knex('omsagg_jobs').where('job', IMPORT_JOB).select('unit', 'state', 'detail')) as { unit: string; state: string; detail: string | null }[];
  const out = new Map<string, Checkpoint>();
  for (const r of rows) {
    try {
      out.set(r.unit, { ...(JSON.parse(r.detail ?? '{}') as Omit<Checkpoint, 'state'>), state: r.state as CheckpointState });
    } catch {
      // an unreadable detail: the unit is fetched again
    }
  }
  return out;
}

function nowText(): string {
  return new Date().toISOString().slice(0, 19) + 'Z';
}

export async function writeCheckpoint(trx: Knex | Knex.Transaction, unit: string, cp: Checkpoint): Promise<void> {
  const { state, ...rest } = cp;
  const detail = JSON.stringify(rest);
  // omsagg_jobs.detail holds 1000 characters: a longer checkpoint could not be resumed from
  if (detail.length > 1000) throw new Error(`checkpoint of ${unit} is ${detail.length} characters (at most 1000): the source's next-page link is too long`);
  await trx('omsagg_jobs').insert({ job: IMPORT_JOB, unit, state, detail, updated_at: nowText() }).onConflict(['job', 'unit']).merge(['state', 'detail', 'updated_at']);
}

// SQLite binds at most 32766 variables per statement, PostgreSQL 65535
const MAX_BINDINGS = 30_000;

/** Upserts rows into a base table: inserted, or the given columns replaced when the key exists. */
export async function upsert(trx: Knex | Knex.Transaction, dialect: Db['dialect'], table: string, rows: Row[]): Promise<void> {
  if (!rows.length) return;
  const def = TABLE_BY_NAME.get(table);
  if (!def) throw new Error(`internal: unknown table ${table}`);
  const bools = new Set(def.columns.filter((c) => c.kind === 'bool').map((c) => c.name));
  // one row per key (the last wins): PostgreSQL refuses to update a row twice in one statement
  const byKey = new Map<string, Row>();
  for (const r of rows) byKey.set(def.primaryKey.map((k) => String(r[k])).join('\u0000'), r);
  const columns = Object.keys(rows[0]);
  const values = [...byKey.values()].map((r) => {
    if (dialect !== 'sqlite' || !bools.size) return r;
    const o = { ...r };
    for (const b of bools) if (typeof o[b] === 'boolean') o[b] = o[b] ? 1 : 0;
    return o;
  });
  const merge = columns.filter((c) => !def.primaryKey.includes(c));
  // knex writes a multi-row SQLite insert as a compound SELECT: at most 500 terms
  const chunk = Math.max(1, Math.min(dialect === 'sqlite' ? 500 : Infinity, Math.floor(MAX_BINDINGS / columns.length)));
  for (let i = 0; i < values.length; i += chunk) {
    const q = trx(table)
      .insert(values.slice(i, i + chunk))
      .onConflict(def.primaryKey);
    await (merge.length ? q.merge(merge) : q.ignore());
  }
}

/**
 * path_ids for HLT path names: an existing name keeps its id; a new name takes the source's id when
 * that is free, else the next free one. New paths are inserted (hlt_paths keeps names unique).
 */
export async function resolvePathIds(trx: Knex.Transaction, wanted: Map<string, number | null>, known: Map<string, number>): Promise<void> {
  const missing = [...wanted.keys()].filter((n) => !known.has(n));
  if (!missing.length) return;
  for (let i = 0; i < missing.length; i += 500) {
    const rows = (await trx('hlt_paths')
      .whereIn('path_name', missing.slice(i, i + 500))
      .select('path_id', 'path_name')) as { path_id: number; path_name: string }[];
    for (const r of rows) known.set(r.path_name, Number(r.path_id));
  }
  const fresh = missing.filter((n) => !known.has(n));
  if (!fresh.length) return;
  const candidates = fresh.map((n) => wanted.get(n)).filter((v): v is number => typeof v === 'number');
  const taken = new Set<number>();
  for (let i = 0; i < candidates.length; i += 500) {
    const rows = (await trx('hlt_paths')
      .whereIn('path_id', candidates.slice(i, i + 500))
      .select('path_id')) as { path_id: number }[];
    for (const r of rows) taken.add(Number(r.path_id));
  }
  const [{ m }] = (await trx('hlt_paths').max({ m: 'path_id' })) as { m: unknown }[];
  let next = Math.max(Number(m ?? 0), ...candidates, 0) + 1;
  const inserts: Row[] = [];
  for (const name of fresh) {
    const want = wanted.get(name);
    const id = typeof want === 'number' && !taken.has(want) ? want : next++;
    taken.add(id);
    known.set(name, id);
    inserts.push({ path_id: id, path_name: name });
  }
  for (let i = 0; i < inserts.length; i += 1000) await trx('hlt_paths').insert(inserts.slice(i, i + 1000));
}

/** The run's keys the mappings need (HLT key for prescales, L1 menu for bit names). */
export async function runKeys(db: Db, run: number): Promise<{ hlt_key: string | null; l1_menu: string | null }> {
  const r = (await db.knex('runs').where('run_number', run).first('hlt_key', 'l1_menu')) as { hlt_key: string | null; l1_menu: string | null } | undefined;
  return { hlt_key: r?.hlt_key ?? null, l1_menu: r?.l1_menu ?? null };
}
