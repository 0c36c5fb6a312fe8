// The bench databases: <data-dir>/<scale>.sqlite and the PostgreSQL schema bench_<scale>.
// Reused when they hold a finished seed of that scale (omsagg_meta) — brought up to this omsagg's
// views with `omsagg migrate` — otherwise seeded (or an interrupted seed resumed) with `omsagg seed`.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import type DatabaseT from 'better-sqlite3';
import type pgT from 'pg';
import type { Dialect, Scale } from './options.js';

export interface BenchDb {
  dialect: Dialect;
  scale: Scale;
  /** omsagg's --db URL */
  url: string;
  /** for messages */
  where: string;
}

// omsagg's own drivers (the root's node_modules): bench/node_modules holds Platformatic's tree,
// whose better-sqlite3 is built for Node 22
const requireRoot = createRequire(new URL('../../package.json', import.meta.url));
const Database = requireRoot('better-sqlite3') as typeof DatabaseT;
const pg = requireRoot('pg') as typeof pgT;

type Meta = Record<string, string>;

function sqliteMeta(file: string): Meta | undefined {
  if (!existsSync(file)) return undefined;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const has = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'omsagg_meta'`).get();
    if (!has) return {};
    return Object.fromEntries((db.prepare('SELECT key, value FROM omsagg_meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
  } finally {
    db.close();
  }
}

async function pgMeta(server: string, schema: string): Promise<Meta | undefined> {
  const client = new pg.Client({ connectionString: server, application_name: 'omsagg-bench' });
  await client.connect();
  try {
    const t = await client.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'omsagg_meta'`, [schema]);
    if (!t.rowCount) return undefined;
    const r = await client.query(`SELECT key, value FROM ${schema}.omsagg_meta`);
    return Object.fromEntries(r.rows.map((x: { key: string; value: string }) => [x.key, x.value]));
  } finally {
    await client.end();
  }
}

function finished(meta: Meta | undefined, scale: Scale): boolean {
  return !!meta && meta.seed_state === 'finished' && meta.scale === scale && meta.fills_limit === 'all' && meta.ls_limit === 'all';
}

function seed(root: string, url: string, scale: Scale, where: string): void {
  process.stderr.write(`bench: seeding ${scale} into ${where} (omsagg seed; resumable if interrupted)\n`);
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'omsagg.js'), 'seed', '--scale', scale, '--db', url], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`seeding ${where} failed (exit ${r.status}); run the same command again to resume`);
}

/** A reused database made by an older omsagg gets this one's tables, views and summaries (cheap when current). */
function migrate(root: string, url: string, where: string): void {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'omsagg.js'), 'migrate', '--db', url], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`migrating ${where} failed (exit ${r.status})`);
}

export async function ensureDatabase(root: string, dialect: Dialect, scale: Scale, dataDir: string, pgServer: string): Promise<BenchDb> {
  if (dialect === 'sqlite') {
    mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, `${scale}.sqlite`);
    const url = `sqlite:${file}`;
    const meta = sqliteMeta(file);
    if (meta?.scale && meta.scale !== scale) throw new Error(`${file} holds scale '${meta.scale}', not '${scale}'`);
    if (!finished(meta, scale)) seed(root, url, scale, file);
    else migrate(root, url, file);
    return { dialect, scale, url, where: file };
  }
  const schema = `bench_${scale}`;
  const u = new URL(pgServer);
  u.searchParams.set('schema', schema);
  const url = u.toString();
  const where = `${u.host}${u.pathname} schema ${schema}`;
  const meta = await pgMeta(pgServer, schema);
  if (meta?.scale && meta.scale !== scale) throw new Error(`${where} holds scale '${meta.scale}', not '${scale}'`);
  if (!finished(meta, scale)) seed(root, url, scale, where);
  else migrate(root, url, where);
  return { dialect, scale, url, where };
}
