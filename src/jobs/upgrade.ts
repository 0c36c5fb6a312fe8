// Brings a database up to this omsagg: the schema (src/db/migrate.ts) and the summary tables of the
// runs not summarized yet (src/summaries/summarize.ts); statistics refreshed when anything changed.
// Resumable and idempotent: run it again and it does only what is left.
import type { Db } from '../db/connection.js';
import { migrateSchema } from '../db/migrate.js';
import type { ResourceDef } from '../jsonapi/resource.js';
import { summarize } from '../summaries/summarize.js';

export interface UpgradeResult {
  tables: string[];
  columns: string[];
  indexes: string[];
  views: string[];
  summarizedRuns: number;
}

export async function upgradeDatabase(db: Db, resources: readonly ResourceDef[], log: (line: string) => void = () => {}): Promise<UpgradeResult> {
  const schema = await migrateSchema(db);
  if (schema.tables.length) log(`created tables: ${schema.tables.join(', ')}`);
  if (schema.columns.length) log(`added columns: ${schema.columns.join(', ')}`);
  if (schema.indexes.length) log(`created or rebuilt indexes: ${schema.indexes.join(', ')}`);
  if (schema.views.length) log(`created or refreshed views: ${schema.views.join(', ')}`);
  const folded = await summarize(db, resources);
  if (folded.runs) log(`summarized ${folded.runs} run folds (${folded.rows} rows)`);
  if (schema.tables.length || schema.columns.length || schema.indexes.length || folded.runs) {
    if (db.dialect === 'sqlite') await db.knex.raw('PRAGMA analysis_limit = 0');
    if (db.dialect !== 'oracle') await db.knex.raw('ANALYZE');
  }
  return { ...schema, summarizedRuns: folded.runs };
}
