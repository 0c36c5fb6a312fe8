// The seeded `demo` databases of this test run (see test/global-setup.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import type { Reader } from '../../src/db/reader.js';
import { createViews } from '../../src/db/schema.js';
import { TABLES } from '../../src/db/tables.js';

export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  /** use read-only: openDb(url, { readonly: true }) */
  url: string;
}

/** [{name:'sqlite', url}, {name:'postgres', url}] — shared by every test file: open read-only. */
export function testDatabases(): TestDatabase[] {
  let dbs: TestDatabase[] | undefined;
  try {
    dbs = inject('omsaggDatabases');
  } catch {
    dbs = undefined;
  }
  if (!dbs && process.env.OMSAGG_TEST_DATABASES) dbs = JSON.parse(process.env.OMSAGG_TEST_DATABASES) as TestDatabase[];
  if (!dbs || dbs.length === 0) throw new Error('test databases are not set up: run the tests through vitest (globalSetup test/global-setup.ts)');
  return dbs;
}

export function testDatabase(name: 'sqlite' | 'postgres'): TestDatabase {
  const d = testDatabases().find((x) => x.name === name);
  if (!d) throw new Error(`no ${name} test database`);
  return d;
}

export interface WritableDatabase {
  name: 'sqlite' | 'postgres';
  url: string;
  cleanup(): Promise<void>;
}

/** A private copy of the SQLite demo database that a test may write (e.g. scoring jobs). */
export async function writableSqliteCopy(): Promise<WritableDatabase> {
  const src = testDatabase('sqlite').url.slice('sqlite:'.length);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-demo-'));
  const file = path.join(dir, 'demo.sqlite');
  fs.copyFileSync(src, file);
  return { name: 'sqlite', url: `sqlite:${file}`, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

let overlayCounter = 0;

/** A private writable PostgreSQL schema over the shared demo: the monitoring tables are views onto
 *  the shared schema (read-only data), omsagg's own tables (omsagg_*) are real, empty except
 *  omsagg_injected_anomalies/meta/jobs which are copied; the v_* views are created on top. */
export async function writablePostgresOverlay(): Promise<WritableDatabase> {
  const shared = testDatabase('postgres').url;
  const sharedSchema = new URL(shared).searchParams.get('schema')!;
  const schema = `omsagg_w${process.pid}_${++overlayCounter}`;
  const u = new URL(shared);
  u.searchParams.set('schema', schema);
  const url = u.toString().replace(/%2C/g, ',');
  const db = await openDb(url);
  try {
    await db.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
    await db.knex.raw('CREATE SCHEMA ??', [schema]);
    for (const t of TABLES) {
      if (t.own) {
        await db.knex.raw(`CREATE TABLE ??.?? (LIKE ??.?? INCLUDING ALL)`, [schema, t.name, sharedSchema, t.name]);
        if (t.name !== 'omsagg_anomaly_scores') await db.knex.raw(`INSERT INTO ??.?? SELECT * FROM ??.??`, [schema, t.name, sharedSchema, t.name]);
      } else {
        await db.knex.raw(`CREATE VIEW ??.?? AS SELECT * FROM ??.??`, [schema, t.name, sharedSchema, t.name]);
      }
    }
    await createViews(db);
  } finally {
    await db.close();
  }
  return {
    name: 'postgres',
    url,
    cleanup: async () => {
      const d = await openDb(url);
      try {
        await d.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      } finally {
        await d.close();
      }
    },
  };
}

/** A writable private database of either dialect. */
export function writableDatabase(name: 'sqlite' | 'postgres'): Promise<WritableDatabase> {
  return name === 'sqlite' ? writableSqliteCopy() : writablePostgresOverlay();
}

/** The same database with a reader that counts the statements it runs (internal ones excepted). */
export function counting(db: Db): { db: Db; count: () => number } {
  let n = 0;
  const reader = db.reader;
  const wrapped: Reader = {
    all: (st, o) => ((n += o?.internal ? 0 : 1), reader.all(st, o)),
    stream: (st, o) => ((n += 1), reader.stream(st, o)),
    ping: (o) => reader.ping(o),
    stats: () => reader.stats(),
    close: () => reader.close(),
  };
  return { db: Object.create(db, { reader: { value: wrapped } }) as Db, count: () => n };
}
