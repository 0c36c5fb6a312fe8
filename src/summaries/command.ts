// omsagg summarize: writes the summary tables (folded rows per run) of every resource that keeps
// them, for the runs not summarized yet; --runs A-B (re)does a range. Resumable: one run per
// transaction, done runs are skipped.
import { parseArgs } from 'node:util';
import { openDb } from '../db/connection.js';
import { loadResources } from '../resources/loader.js';
import { summarize } from './summarize.js';

const USAGE = `usage: omsagg summarize [--db URL] [--runs A-B] [--refresh]
  --db URL      database (default: env OMSAGG_DB, else sqlite:data/omsagg.sqlite)
  --runs A-B    only these runs (one number or a range)
  --refresh     redo those runs even if summarized (after a job added lumisections to them)`;

function parseRuns(v: string): number[] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(v.trim());
  if (!m) throw new Error(`--runs must be a run number or a range A-B, got '${v}'`);
  const a = Number(m[1]);
  const b = m[2] ? Number(m[2]) : a;
  if (b < a) throw new Error(`--runs ${v}: the range is empty`);
  if (b - a > 1_000_000) throw new Error(`--runs ${v}: the range is too large`);
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { db: { type: 'string' }, runs: { type: 'string' }, refresh: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (err) {
    console.error(`omsagg summarize: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let runs: number[] | undefined;
  try {
    runs = values.runs ? parseRuns(values.runs) : undefined;
  } catch (err) {
    console.error(`omsagg summarize: ${(err as Error).message}`);
    return 2;
  }
  const url = values.db ?? process.env.OMSAGG_DB ?? 'sqlite:data/omsagg.sqlite';
  const db = await openDb(url);
  const t0 = Date.now();
  try {
    let last = 0;
    const res = await summarize(db, loadResources().all, {
      runs,
      refresh: values.refresh,
      progress: (done, total, resource) => {
        if (Date.now() - last > 1000 || done === total) {
          last = Date.now();
          console.error(`summarize ${resource}: ${done}/${total} runs, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
        }
      },
    });
    console.error(`summarize: ${res.runs} run summaries, ${res.rows} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  } finally {
    await db.close();
  }
}
