// omsagg migrate: brings a database made by an older omsagg up to this one — missing tables, changed
// indexes and views, summary tables — without touching the monitoring data.
import { command, databaseUrl, dbOptionHelp } from '../command-line/options.js';
import { openDb, redact } from '../db/connection.js';
import { loadResources } from '../resources/loader.js';
import { upgradeDatabase } from './upgrade.js';

const USAGE = `usage: omsagg migrate [--db URL]
  ${dbOptionHelp(11, '; needs a writable account')}`;

export const run = command('migrate', USAGE, { db: { type: 'string' } }, async ({ values }) => {
  const url = databaseUrl(values.db);
  const db = await openDb(url);
  const t0 = Date.now();
  try {
    const r = await upgradeDatabase(db, loadResources().all, (line) => console.error(`omsagg migrate: ${line}`));
    const nothing = !r.tables.length && !r.columns.length && !r.indexes.length && !r.views.length && !r.summarizedRuns;
    console.error(`omsagg migrate: ${redact(url)} ${nothing ? 'is up to date' : `migrated in ${((Date.now() - t0) / 1000).toFixed(1)} s`}`);
    return 0;
  } finally {
    await db.close();
  }
});
