// A content hash of the seeded tables, independent of dialect (booleans as 0/1, datetimes as
// ISO strings): same seed → same hash, on SQLite and PostgreSQL alike.
import { createHash } from 'node:crypto';
import type { Db } from '../db/connection.js';
import { TABLE_BY_NAME } from '../db/tables.js';
import { SEEDED_TABLES } from './seed.js';

function normalise(v: unknown, kind: string): unknown {
  if (v === null || v === undefined) return null;
  if (kind === 'bool') return v === true || v === 1 || v === '1' ? 1 : 0;
  if (v instanceof Date) return v.toISOString().slice(0, 19) + 'Z';
  if (kind === 'int' || kind === 'bigint' || kind === 'real') return Number(v);
  return v;
}

/** sha256 over every seeded table (except the job markers) in primary-key order, per table. */
export async function datasetHashes(db: Db, tables = SEEDED_TABLES.filter((t) => t !== 'omsagg_jobs')): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const runs = ((await db.knex('runs').select('run_number').orderBy('run_number')) as { run_number: number }[]).map((r) => Number(r.run_number));
  for (const name of tables) {
    const def = TABLE_BY_NAME.get(name)!;
    const h = createHash('sha256');
    const cols = def.columns.map((c) => c.name);
    const chunks: (number | undefined)[] = cols.includes('run_number') && name !== 'omsagg_injected_anomalies' ? runs : [undefined];
    let n = 0;
    for (const run of chunks) {
      let q = db.knex(name).select(cols);
      if (run !== undefined) q = q.where('run_number', run);
      for (const k of def.primaryKey) q = q.orderBy(k);
      const rows = (await q) as Record<string, unknown>[];
      for (const r of rows) h.update(JSON.stringify(def.columns.map((c) => normalise(r[c.name], c.kind))) + '\n');
      n += rows.length;
    }
    out[name] = `${n}:${h.digest('hex').slice(0, 16)}`;
  }
  return out;
}
