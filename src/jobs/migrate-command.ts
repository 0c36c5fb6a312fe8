// omsagg migrate: brings a database made by an older omsagg up to this one — missing tables, changed
// indexes and views, summary tables — without touching the monitoring data.
import { parseArgs } from 'node:util';
import { openDb, redact } from '../db/connection.js';
import { loadResources } from '../resources/loader.js';
import { upgradeDatabase } from './upgrade.js';

const USAGE = `usage: omsagg migrate [--db URL]
  --db URL   database (default: env OMSAGG_DB, else sqlite:data/omsagg.sqlite); needs a writable account`;

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { db: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (err) {
    console.error(`omsagg migrate: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const url = values.db ?? process.env.OMSAGG_DB ?? 'sqlite:data/omsagg.sqlite';
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
}
