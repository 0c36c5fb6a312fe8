// Brings a database's schema up to the code: missing base tables, indexes whose definition changed,
// and views whose SELECT changed (tracked by hash in omsagg_meta), so a database made by an older
// omsagg serves the current resources instead of answering 500 schema_mismatch until a re-seed.
// A job's connection only (the server never writes): `omsagg migrate`, and `omsagg serve` on its
// embedded database before opening it read-only. Data are never touched.
import type { Db } from './connection.js';
import { viewSources } from './ddl.js';
import { createViewsNamed, definitionHash as hash, getMeta, SchemaError, setMeta, tableStatements } from './schema.js';
import { addColumnsDdl, TABLES } from './tables.js';

export interface MigrateResult {
  tables: string[];
  /** `table.column` added to existing tables */
  columns: string[];
  indexes: string[];
  views: string[];
}

/** The columns of an existing index, or undefined when it does not exist (or cannot be read). */
async function indexColumns(db: Db, name: string): Promise<string[] | undefined> {
  try {
    if (db.dialect === 'sqlite') {
      const rows = (await db.knex.raw(`PRAGMA index_info(${name})`)) as { name: string }[];
      return rows.length ? rows.map((r) => r.name.toLowerCase()) : undefined;
    }
    if (db.dialect === 'postgres') {
      const res = (await db.knex.raw('SELECT indexdef FROM pg_indexes WHERE indexname = ? AND schemaname = current_schema()', [name])) as { rows: { indexdef: string }[] };
      const def = res.rows[0]?.indexdef;
      return def
        ? /\(([^)]*)\)\s*$/
            .exec(def)?.[1]
            .split(',')
            .map((c) => c.trim().replace(/"/g, '').toLowerCase())
        : undefined;
    }
  } catch {
    // fall through: treat as unknown
  }
  return undefined;
}

function declaredColumns(sql: string): string[] {
  return (/\(([^)]*)\)\s*$/.exec(sql)?.[1] ?? '').split(',').map((c) => c.trim().replace(/[`"]/g, '').toLowerCase());
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
  const out: MigrateResult = { tables: [], columns: [], indexes: [], views: [] };
  const meta = (await db.knex.schema.hasTable('omsagg_meta')) ? await getMeta(db) : {};
  const groups = tableStatements(db.dialect);
  for (const [table, statements] of groups) {
    if (!(await db.knex.schema.hasTable(table))) {
      for (const sql of statements) await db.knex.raw(sql);
      out.tables.push(table);
      continue;
    }
    // columns the code added since the table was made (nullable: older rows have no value)
    const def = TABLES.find((t) => t.name === table);
    if (def) {
      const have = Object.keys(await db.knex(table).columnInfo()).map((c) => c.toLowerCase());
      const missing = def.columns.map((c) => c.name).filter((c) => !have.includes(c));
      for (const sql of addColumnsDdl(db.knex, def, missing, db.dialect)) await db.knex.raw(sql);
      out.columns.push(...missing.map((c) => `${table}.${c}`));
    }
    // indexes of an existing table: created when missing, rebuilt when their definition changed
    for (const sql of statements.slice(1)) {
      const m = /^create (?:unique )?index\s+[`"]?(\w+)[`"]?/i.exec(sql);
      if (!m || db.dialect === 'oracle') continue;
      const key = `index_hash:${m[1]}`;
      const have = await indexColumns(db, m[1]);
      if (meta[key] === hash(sql) && have) continue;
      // never recorded (a database made before hashes were): rebuilt only if its columns differ —
      // rebuilding an index of a year's rates costs minutes
      if (!have || meta[key] !== undefined || have.join(',') !== declaredColumns(sql).join(',')) {
        await db.knex.raw(`DROP INDEX IF EXISTS ${m[1]}`);
        await db.knex.raw(sql);
        out.indexes.push(m[1]);
      }
      await setMeta(db, { [key]: hash(sql) });
    }
  }
  const stale: string[] = [];
  for (const v of viewSources(db.dialect)) {
    if (meta[`view_hash:${v.name}`] !== hash(v.select) || !(await viewExists(db, v.name))) stale.push(v.name);
  }
  if (stale.length) {
    await createViewsNamed(db, stale);
    await setMeta(
      db,
      Object.fromEntries(
        viewSources(db.dialect)
          .filter((v) => stale.includes(v.name))
          .map((v) => [`view_hash:${v.name}`, hash(v.select)]),
      ),
    );
    out.views.push(...stale);
  }
  return out;
}
