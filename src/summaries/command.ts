// omsagg summarize: writes the summary tables (folded rows per run) of every resource that keeps
// them, for the runs not summarized yet; --runs A-B (re)does a range. Resumable: one run per
// transaction, done runs are skipped.
import { command, databaseUrl, dbOptionHelp, numberRange, UsageError } from '../command-line/options.js';
import { openDb } from '../db/connection.js';
import { makeProgress } from '../shared/progress.js';
import { loadResources } from '../resources/loader.js';
import { summarize } from './summarize.js';

const USAGE = `usage: omsagg summarize [--db URL] [--runs A-B] [--refresh]
  ${dbOptionHelp(14)}
  --runs A-B    only these runs (one number or a range)
  --refresh     redo those runs even if summarized (after a job added lumisections to them)`;

const OPTIONS = { db: { type: 'string' }, runs: { type: 'string' }, refresh: { type: 'boolean' } } as const;

export const run = command('summarize', USAGE, OPTIONS, async ({ values }) => {
  const range = numberRange('runs', values.runs);
  if (range && range[1] - range[0] > 1_000_000) throw new UsageError(`--runs ${String(values.runs)}: the range is too large`);
  const runs = range && Array.from({ length: range[1] - range[0] + 1 }, (_, i) => range[0] + i);
  const url = databaseUrl(values.db);
  const db = await openDb(url);
  const t0 = Date.now();
  try {
    let current = '';
    const display = makeProgress({ unit: 'runs', everyMs: 1000 });
    const res = await summarize(db, loadResources().all, {
      runs,
      refresh: values.refresh === true,
      progress: (done, total, resource) => {
        if (resource !== current) {
          if (current) display.stop();
          current = resource;
          display.start(total, `summarize ${resource}`);
        }
        display.update(done);
      },
    });
    display.stop();
    console.error(`summarize: ${res.runs} run summaries, ${res.rows} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  } finally {
    await db.close();
  }
});
