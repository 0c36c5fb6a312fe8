// Measures `omsagg import` on a seeded omsagg: serves the source database with `omsagg serve` in a
// child process, imports the selected runs into a fresh database (SQLite file or a scratch
// PostgreSQL schema), prints rows/s, requests and bytes, checks the row counts of every base table
// the import writes against the source, then runs the same import again (everything skipped).
//   npx tsx scripts/import-bench.ts [--source sqlite:test-output/demo.sqlite] [--target sqlite|postgres]
//                                   [--runs A-B] [--page-size N] [--paging auto|offset]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDb } from '../src/db/connection.js';
import { harvest, RESOURCES } from '../src/import/harvest.js';
import { SourceClient } from '../src/import/http.js';
import { prepareTarget } from '../src/import/store.js';

const { values: v } = parseArgs({
  options: {
    source: { type: 'string', default: 'sqlite:test-output/demo.sqlite' },
    target: { type: 'string', default: 'sqlite' },
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    runs: { type: 'string', default: '1-999999' },
    'page-size': { type: 'string', default: '5000' },
    paging: { type: 'string', default: 'auto' },
    port: { type: 'string', default: '18931' },
  },
});

const PER_RUN = [
  'runs',
  'lumisections',
  'hlt_path_counts',
  'hlt_path_run_summary',
  'l1_trigger_counts',
  'l1_algorithm_counts',
  'deadtimes_ls',
  'pixel_readings',
  'masked_roc_counts',
  'fed_error_counts',
  'fed_channel_status',
];

async function counts(url: string, runs: number[]): Promise<Record<string, number>> {
  const db = await openDb(url, { readonly: true, inProcessReads: true });
  try {
    const out: Record<string, number> = {};
    for (const t of PER_RUN) out[t] = Number(((await db.knex(t).whereIn('run_number', runs).count({ n: '*' })) as { n: unknown }[])[0].n);
    return out;
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  const [a, b] = v.runs!.split('-').map(Number);
  const port = Number(v.port);
  const server = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      "import { main } from './src/cli.ts'; process.exitCode = await main(process.argv.slice(1));",
      'serve',
      '--db',
      v.source!,
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const base = `http://127.0.0.1:${port}/api/v1`;
  try {
    for (let i = 0; ; i++) {
      try {
        const res = await fetch(`${base}/runs?page[limit]=1`);
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      if (i > 300) throw new Error('the source server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    let targetUrl: string;
    let cleanup: () => Promise<void>;
    if (v.target === 'postgres') {
      const schema = `omsagg_import_bench_${process.pid}`;
      targetUrl = `${v.pg}${v.pg!.includes('?') ? '&' : '?'}schema=${schema}`;
      cleanup = async () => {
        const d = await openDb(targetUrl);
        await d.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
        await d.close();
      };
    } else {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-import-bench-'));
      targetUrl = `sqlite:${path.join(dir, 'imported.sqlite')}`;
      cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
    }
    try {
      const db = await openDb(targetUrl, { inProcessReads: true });
      const client = new SourceClient({ ratePerSecond: 0 });
      try {
        await prepareTarget(db);
        const opts = { source: base, selection: { runs: [a, b ?? a] as [number, number] }, resources: RESOURCES, pageSize: Number(v['page-size']), paging: v.paging as 'auto' | 'offset' };
        const s = await harvest(db, client, opts);
        const failed = s.units.filter((u) => u.status === 'failed');
        console.log(`source ${v.source} (omsagg serve, child process) → ${v.target}; runs ${s.runs[0]}–${s.runs.at(-1)} (${s.runs.length}); page size ${opts.pageSize}; paging ${opts.paging}`);
        console.log(
          `import: ${s.rows} rows in ${s.seconds.toFixed(1)} s = ${Math.round(s.rows / s.seconds)} rows/s; ${s.requests} requests, ${(s.bytes / 1e6).toFixed(1)} MB decoded JSON (${(s.bytes / 1e6 / s.seconds).toFixed(1)} MB/s); ${failed.length} units failed`,
        );
        const [src, dst] = await Promise.all([counts(v.source!, s.runs), counts(targetUrl, s.runs)]);
        const diff = PER_RUN.filter((t) => src[t] !== dst[t]);
        console.log(
          `row counts of ${PER_RUN.length} base tables: ${diff.length ? `DIFFER in ${diff.map((t) => `${t} ${dst[t]}/${src[t]}`).join(', ')}` : `equal to the source (${Object.values(dst).reduce((x, y) => x + y, 0)} rows)`}`,
        );
        const again = await harvest(db, client, opts);
        console.log(
          `again: ${again.units.filter((u) => u.reason === 'already imported').length} of ${again.units.length} units skipped as already imported, ${again.requests - s.requests} requests, ${again.seconds.toFixed(1)} s`,
        );
      } finally {
        client.close();
        await db.close();
      }
    } finally {
      await cleanup();
    }
  } finally {
    server.kill('SIGTERM');
  }
}

await main();
