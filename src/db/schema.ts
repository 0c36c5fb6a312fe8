// Schema management for dev/test/demo databases: base tables from sql/<dialect>/tables.sql and the
// views from views/. createSchema is idempotent: existing tables are kept, views are recreated.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Db } from './connection.js';
import { splitStatements, tablesSqlPath, viewSources } from './ddl.js';
import { TABLES } from './tables.js';

/** Bumped whenever a table or the generator's output changes incompatibly. */
export const SCHEMA_VERSION = '1';

export class SchemaError extends Error {}

/** The committed DDL of one dialect, grouped per table (create table + its indexes/constraints). */
export function tableStatements(dialect: Db['dialect']): Map<string, string[]> {
  const file = tablesSqlPath(dialect);
  if (!fs.existsSync(file)) throw new SchemaError(`missing ${file} (generate it with: npx tsx scripts/ddl.ts)`);
  const groups = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const stmt of splitStatements(fs.readFileSync(file, 'utf8'))) {
    const m = /^create table\s+[`"]?(\w+)[`"]?/i.exec(stmt);
    if (m) {
      current = [];
      groups.set(m[1].toLowerCase(), current);
    }
    if (!current) throw new SchemaError(`${file}: statement before the first create table: ${stmt.slice(0, 60)}`);
    current.push(stmt);
  }
  for (const t of TABLES) {
    if (!groups.has(t.name)) throw new SchemaError(`${file} lacks table ${t.name}: regenerate with npx tsx scripts/ddl.ts`);
  }
  return groups;
}

async function ensurePgSchema(db: Db): Promise<void> {
  if (db.dialect === 'postgres' && db.schema) {
    await db.knex.raw('CREATE SCHEMA IF NOT EXISTS ??', [db.schema]);
  }
}

/** Creates missing base tables (with indexes) and (re)creates every view. Safe to run again. */
export async function createSchema(db: Db): Promise<void> {
  if (db.readonly) throw new SchemaError('createSchema needs a writable connection');
  await ensurePgSchema(db);
  const groups = tableStatements(db.dialect);
  for (const [table, statements] of groups) {
    if (await db.knex.schema.hasTable(table)) continue;
    for (const sql of statements) await db.knex.raw(sql);
  }
  await ensureIndexes(db);
  await createViews(db);
  await setMeta(db, { schema_version: SCHEMA_VERSION });
  await markSchemaCurrent(db);
}

/** A short hash of a view's SELECT or an index's DDL (src/db/migrate.ts compares them). */
export function definitionHash(sql: string): string {
  return crypto.createHash('sha256').update(sql).digest('hex').slice(0, 16);
}

/** Records the current view and index definitions as applied (after a full schema creation). */
export async function markSchemaCurrent(db: Db): Promise<void> {
  const values: Record<string, string> = {};
  for (const v of viewSources(db.dialect)) values[`view_hash:${v.name}`] = definitionHash(v.select);
  for (const statements of tableStatements(db.dialect).values()) {
    for (const sql of statements.slice(1)) {
      const m = /^create (?:unique )?index\s+[`"]?(\w+)[`"]?/i.exec(sql);
      if (m) values[`index_hash:${m[1]}`] = definitionHash(sql);
    }
  }
  await setMeta(db, values);
}

/** The plain (non-unique) secondary indexes of the large count tables: a bulk load drops them
 *  first and rebuilds them at the end (much faster on PostgreSQL than maintaining them per row). */
export function bulkIndexes(dialect: Db['dialect']): { name: string; create: string }[] {
  const out: { name: string; create: string }[] = [];
  for (const t of TABLES.filter((x) => x.withoutRowid)) {
    for (const sql of tableStatements(dialect).get(t.name) ?? []) {
      const m = /^create index\s+[`"]?(\w+)[`"]?/i.exec(sql);
      if (m) out.push({ name: m[1], create: sql });
    }
  }
  return out;
}

/** Recreates secondary indexes a bulk load dropped (SQLite and PostgreSQL: CREATE INDEX IF NOT EXISTS). */
export async function ensureIndexes(db: Db): Promise<void> {
  if (db.dialect === 'oracle') return;
  for (const ix of bulkIndexes(db.dialect)) await db.knex.raw(ix.create.replace(/^create index/i, 'create index if not exists'));
}

export async function dropBulkIndexes(db: Db): Promise<void> {
  if (db.dialect === 'oracle') return;
  for (const ix of bulkIndexes(db.dialect)) await db.knex.raw(`DROP INDEX IF EXISTS ${ix.name}`);
}

/** Drops and recreates every view; a view that depends on another is retried after the others. */
export async function createViews(db: Db): Promise<void> {
  await createViewsNamed(db);
}

/** Drops and recreates the named views (all when `names` is absent). */
export async function createViewsNamed(db: Db, names?: readonly string[]): Promise<void> {
  let pending = viewSources(db.dialect).filter((v) => !names || names.includes(v.name));
  for (const v of pending) await dropView(db, v.name);
  while (pending.length > 0) {
    const failed: { file: string; err: Error }[] = [];
    const next: typeof pending = [];
    for (const v of pending) {
      try {
        await db.knex.raw(`CREATE VIEW ${v.name} AS\n${v.select}`);
      } catch (err) {
        failed.push({ file: v.file, err: err as Error });
        next.push(v);
      }
    }
    if (next.length === pending.length) {
      const f = failed[0];
      throw new SchemaError(`cannot create view from ${f.file}: ${f.err.message}`);
    }
    pending = next;
  }
}

async function dropView(db: Db, name: string): Promise<void> {
  if (db.dialect === 'oracle') {
    const rows = (await db.knex.raw('SELECT view_name FROM user_views WHERE view_name = ?', [name.toUpperCase()])) as unknown[];
    if (rows.length > 0) await db.knex.raw(`DROP VIEW ${name}`);
    return;
  }
  await db.knex.raw(`DROP VIEW IF EXISTS ${name}${db.dialect === 'postgres' ? ' CASCADE' : ''}`);
}

/** PostgreSQL: drops the scratch schema of the URL (?schema=) with everything in it. SQLite: drops all
 *  omsagg views and tables. Refuses PostgreSQL's public schema and Oracle. */
export async function dropSchema(db: Db): Promise<void> {
  if (db.dialect === 'postgres') {
    if (!db.schema || db.schema === 'public') throw new SchemaError('dropSchema needs a scratch schema (?schema=NAME, not public)');
    await db.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [db.schema]);
    return;
  }
  if (db.dialect === 'oracle') throw new SchemaError('dropSchema is not supported on Oracle');
  for (const v of viewSources(db.dialect)) await dropView(db, v.name);
  for (const t of [...TABLES].reverse()) await db.knex.schema.dropTableIfExists(t.name);
}

export async function setMeta(db: Db, values: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    await db.knex('omsagg_meta').insert({ key, value }).onConflict('key').merge();
  }
}

export async function getMeta(db: Db): Promise<Record<string, string>> {
  if (!(await db.knex.schema.hasTable('omsagg_meta'))) return {};
  const rows = (await db.knex('omsagg_meta').select('key', 'value')) as { key: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}
