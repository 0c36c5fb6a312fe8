// vitest globalSetup: seeds the `demo` data set once per test run into test-output/demo.sqlite (an
// existing file of the same generator version, seed and scale is reused) and into a fresh PostgreSQL
// scratch schema omsagg_test_<pid>, dropped at teardown (OMSAGG_TEST_DIALECTS=sqlite: SQLite alone). Tests read the URLs through
// test/helpers/databases.ts. PostgreSQL is required: an unreachable server fails the run loudly.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDb } from '../src/db/connection.js';
import { dropSchema } from '../src/db/schema.js';
import { seedDatabase, seedIsComplete } from '../src/synth/seed.js';
import { upgradeDatabase } from '../src/jobs/upgrade.js';
import { loadResources } from '../src/resources/loader.js';

export const PG_BASE_URL = process.env.OMSAGG_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const OUT_DIR = path.resolve('test-output');
const SQLITE_FILE = path.join(OUT_DIR, 'demo.sqlite');
const SQLITE_KEY_FILE = `${SQLITE_FILE}.key`;

/** The reused demo file is only valid for the DDL and views it was created with. */
function schemaKey(): string {
  const hash = crypto.createHash('sha256');
  const files = [path.resolve('sql/sqlite/tables.sql')];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.sql')) files.push(full);
    }
  };
  walk(path.resolve('views'));
  for (const f of files) hash.update(f).update(fs.readFileSync(f));
  return hash.digest('hex');
}

declare module 'vitest' {
  export interface ProvidedContext {
    omsaggDatabases: { name: 'sqlite' | 'postgres'; url: string }[];
  }
}

async function ensureSqliteDemo(log: (s: string) => void): Promise<string> {
  const key = schemaKey();
  const keyMatches = fs.existsSync(SQLITE_KEY_FILE) && fs.readFileSync(SQLITE_KEY_FILE, 'utf8') === key;
  if (fs.existsSync(SQLITE_FILE)) {
    const db = await openDb(`sqlite:${SQLITE_FILE}`, { readonly: true });
    let complete = false;
    try {
      complete = await seedIsComplete(db, 'demo');
    } catch {
      // unreadable or foreign file: reseed below
    } finally {
      await db.close();
    }
    if (complete && keyMatches) {
      log(`reusing ${path.relative(process.cwd(), SQLITE_FILE)}`);
      return SQLITE_FILE;
    }
    // views or tables changed since the seed: upgraded as omsagg migrate does, on a private copy
    if (complete && (await upgradedCopy(key, log))) return SQLITE_FILE;
  }
  // seed into a private file and rename it into place: concurrent test runs never see half a file
  const tmp = path.join(OUT_DIR, `demo.${process.pid}.sqlite`);
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true });
  const t0 = Date.now();
  const db = await openDb(`sqlite:${tmp}`);
  try {
    await seedDatabase(db, { scale: 'demo' });
  } finally {
    await db.close();
  }
  fs.renameSync(tmp, SQLITE_FILE);
  fs.writeFileSync(SQLITE_KEY_FILE, key);
  log(`seeded demo into ${path.relative(process.cwd(), SQLITE_FILE)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return SQLITE_FILE;
}

/** Brings the existing demo file up to the current views and tables (omsagg migrate) instead of reseeding. */
async function upgradedCopy(key: string, log: (s: string) => void): Promise<boolean> {
  const tmp = path.join(OUT_DIR, `demo.${process.pid}.upgrade.sqlite`);
  const t0 = Date.now();
  try {
    fs.copyFileSync(SQLITE_FILE, tmp);
    const db = await openDb(`sqlite:${tmp}`);
    try {
      await upgradeDatabase(db, loadResources().all, () => {});
    } finally {
      await db.close();
    }
    fs.renameSync(tmp, SQLITE_FILE);
    fs.writeFileSync(SQLITE_KEY_FILE, key);
    log(`upgraded ${path.relative(process.cwd(), SQLITE_FILE)} to the current views in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return true;
  } catch (err) {
    log(`cannot upgrade ${path.relative(process.cwd(), SQLITE_FILE)} (${(err as Error).message}): reseeding`);
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true });
    return false;
  }
}

async function seedPostgres(schema: string, log: (s: string) => void): Promise<string> {
  const url = `${PG_BASE_URL}${PG_BASE_URL.includes('?') ? '&' : '?'}schema=${schema}`;
  const probe = await openDb(PG_BASE_URL);
  try {
    await probe.knex.raw('select 1');
  } catch (err) {
    throw new Error(
      `PostgreSQL is required by the tests and is unreachable at ${PG_BASE_URL} (${(err as Error).message}). ` +
        `Start it (pg_ctlcluster --skip-systemctl-redirect <version> main start) or set OMSAGG_TEST_PG.`,
    );
  } finally {
    await probe.close();
  }
  await dropOrphanSchemas(log);
  const t0 = Date.now();
  const db = await openDb(url);
  try {
    await dropSchema(db);
    await seedDatabase(db, { scale: 'demo' });
  } finally {
    await db.close();
  }
  log(`seeded demo into PostgreSQL schema ${schema} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return url;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Scratch schemas of test runs on this machine that were killed before their teardown
 *  (omsagg_test_<pid>, omsagg_data_seed_<pid>, writable overlays omsagg_w<pid>_<n>). */
async function dropOrphanSchemas(log: (s: string) => void): Promise<void> {
  const db = await openDb(PG_BASE_URL);
  try {
    const res = (await db.knex.raw(`SELECT nspname FROM pg_namespace WHERE nspname ~ '^omsagg_(test_|data_seed_|w)[0-9]+(_[0-9]+)?$'`)) as { rows: { nspname: string }[] };
    for (const { nspname } of res.rows) {
      const pid = Number(/^omsagg_(?:test_|data_seed_|w)(\d+)/.exec(nspname)![1]);
      if (pid === process.pid || alive(pid)) continue;
      await db.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [nspname]);
      log(`dropped orphaned schema ${nspname} (process ${pid} is gone)`);
    }
  } finally {
    await db.close();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const log = (s: string) => process.stderr.write(`[global-setup] ${s}\n`);
  const schema = `omsagg_test_${process.pid}`;
  // OMSAGG_TEST_DIALECTS=sqlite runs the suites on SQLite alone (the nested runs of test/repo/); CI runs both
  const only = process.env.OMSAGG_TEST_DIALECTS?.split(',').map((d) => d.trim());
  const withPg = !only || only.includes('postgres');
  // one after the other: seeding SQLite holds the event loop for seconds (better-sqlite3 is synchronous),
  // which would time out the PostgreSQL connections being opened meanwhile (connect timeout 5 s)
  const sqliteFile = await ensureSqliteDemo(log);
  const pgUrl = withPg ? await seedPostgres(schema, log) : undefined;
  const dbs = [{ name: 'sqlite' as const, url: `sqlite:${sqliteFile}` }, ...(pgUrl ? [{ name: 'postgres' as const, url: pgUrl }] : [])];
  project.provide('omsaggDatabases', dbs);
  process.env.OMSAGG_TEST_DATABASES = JSON.stringify(dbs);
  return async () => {
    if (!pgUrl) return;
    const db = await openDb(pgUrl);
    try {
      await dropSchema(db);
    } finally {
      await db.close();
    }
  };
}
