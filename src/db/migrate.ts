// Brings a database's schema up to the code: missing base tables, indexes whose definition changed,
// and views whose SELECT changed (tracked by hash in omsagg_meta), so a database made by an older
// omsagg serves the current resources instead of answering 500 schema_mismatch until a re-seed.
// A job's connection only (the server never writes): `omsagg migrate`, and `omsagg serve` on its
// embedded database before opening it read-only. Data are never touched.
import type { Db } from './connection.js';
import { viewSources } from './ddl.js';
import { createViewsNamed, definitionHash as hash, getMeta, SchemaError, setMeta, tableStatements } from './schema.js';

export interface MigrateResult {
  tables: string[];
  indexes: string[];
  views: string[];
}

async function viewExists(db: Db, name: string): Promise<boolean> {
  try {
    await db.knex.raw(`SELECT 1 FROM ${name} WHERE 1 = 0`);
    return true;
  } catch {
    return false;
  }
}

export async function migrateSchema(db: Db): Promise<MigrateResult> {
  if (db.readonly) throw new SchemaError('migrating the schema needs a writable connection');
  if (db.dialect === 'postgres' && db.schema) await db.knex.raw('CREATE SCHEMA IF NOT EXISTS ??', [db.schema]);
  const out: MigrateResult = { tables: [], indexes: [], views: [] };
  const meta = (await db.knex.schema.hasTable('omsagg_meta')) ? await getMeta(db) : {};
  const groups = tableStatements(db.dialect);
  for (const [table, statements] of groups) {
    if (!(await db.knex.schema.hasTable(table))) {
      for (const sql of statements) await db.knex.raw(sql);
      out.tables.push(table);
      continue;
    }
    // indexes of an existing table: created when missing, rebuilt when their definition changed
    for (const sql of statements.slice(1)) {
      const m = /^create (?:unique )?index\s+[`"]?(\w+)[`"]?/i.exec(sql);
      if (!m || db.dialect === 'oracle') continue;
      const key = `index_hash:${m[1]}`;
      if (meta[key] === hash(sql)) continue;
      await db.knex.raw(`DROP INDEX IF EXISTS ${m[1]}`);
      await db.knex.raw(sql);
      await setMeta(db, { [key]: hash(sql) });
      out.indexes.push(m[1]);
    }
  }
  const stale: string[] = [];
  for (const v of viewSources(db.dialect)) {
    if (meta[`view_hash:${v.name}`] !== hash(v.select) || !(await viewExists(db, v.name))) stale.push(v.name);
  }
  if (stale.length) {
    await createViewsNamed(db, stale);
    await setMeta(db, Object.fromEntries(viewSources(db.dialect).filter((v) => stale.includes(v.name)).map((v) => [`view_hash:${v.name}`, hash(v.select)])));
    out.views.push(...stale);
  }
  return out;
}
