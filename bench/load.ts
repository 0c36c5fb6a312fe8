// npm run bench:load — the load figures of issue 16: `omsagg serve` (built, bin/omsagg.js) on a
// database, autocannon at 100 connections for a fixed time per round over a mix of resources,
// probes and CSV (bench/lib/load.ts); per round requests, errors, p50/p99 latency and the server's
// RSS (server + reader processes) after the round, to show it stays flat; then SIGTERM under load
// and the exit code and time. Exits 1 on any error, non-2xx answer or unclean stop.
// Options: --db URL (default sqlite:test-output/demo.sqlite, the test demo), --connections N (100),
// --duration S (10), --rounds N (5), --run N (default: the latest run).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { formatRound, loadMix, loadRound, type Round } from './lib/load.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    db: { type: 'string', default: `sqlite:${path.join(root, 'test-output/demo.sqlite')}` },
    connections: { type: 'string', default: '100' },
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
    run: { type: 'string' },
  },
});

const child = spawn(process.execPath, [path.join(root, 'bin/omsagg.js'), 'serve', '--port', '0'], {
  cwd: root,
  env: { ...process.env, OMSAGG_DB: values.db, LOG_LEVEL: 'info' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let out = '';
child.stdout.on('data', (d) => (out += d));
child.stderr.on('data', (d) => (out += d));
const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));

let base = '';
for (let i = 0; i < 600 && !base; i++) {
  base = /"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/.exec(out)?.[1] ?? '';
  if (!base) await new Promise((r) => setTimeout(r, 100));
}
if (!base) {
  child.kill('SIGKILL');
  throw new Error(`omsagg serve did not start:\n${out.slice(-2000)}`);
}

const runs = (await (await fetch(`${base}/api/v1/runs?sort=-run_number&page[limit]=1&fields=run_number`)).json()) as { data: { id: string }[] };
const run = Number(values.run ?? runs.data[0].id);
console.log(
  `omsagg load: ${values.db}, run ${run}, ${values.connections} connections, ${values.rounds} rounds of ${values.duration} s; mix: ${loadMix(run)
    .map((r) => r.path.split('?')[0])
    .join(', ')}`,
);

const rounds: Round[] = [];
for (let i = 1; i <= Number(values.rounds); i++) {
  const r = await loadRound(base, child.pid!, { round: i, seconds: Number(values.duration), connections: Number(values.connections), run });
  rounds.push(r);
  console.log(formatRound(r));
}
const rss = rounds.map((r) => r.rssMb);
console.log(
  `RSS across rounds: ${rss.join(' → ')} MB (first→last ${rss[rss.length - 1] - rss[0] >= 0 ? '+' : ''}${rss[rss.length - 1] - rss[0]} MB); p99 across rounds: ${rounds.map((r) => r.p99Ms).join(', ')} ms`,
);

// SIGTERM under load: the requests in flight finish; autocannon's later connection attempts are refused
const underLoad = autocannon({ url: base, connections: Number(values.connections), duration: 5, requests: loadMix(run).map((r) => ({ method: 'GET', path: r.path, headers: r.headers })) });
await new Promise((r) => setTimeout(r, 1500));
const t0 = Date.now();
child.kill('SIGTERM');
const code = await exited;
const stopMs = Date.now() - t0;
const tail = await underLoad;
const drained = /"msg":"drained"[^\n]*/.exec(out)?.[0] ?? /\{[^\n]*"finished"[^\n]*/.exec(out)?.[0] ?? '(no drain line)';
console.log(
  `SIGTERM under load: exit ${code} after ${stopMs} ms; ${(/"finished":(\d+)/.exec(out) ?? [])[1] ?? '?'} requests finished during the drain; client saw ${tail.non2xx} non-2xx answers before the stop`,
);
void drained;

const errors = rounds.reduce((n, r) => n + r.errors + r.non2xx, 0);
process.exit(errors === 0 && code === 0 && tail.non2xx === 0 ? 0 : 1);
