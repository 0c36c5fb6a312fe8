// npm run bench:http — the figures of issue 12 (HTTP caching, compression, scale-out), printed:
//   1. a repeated dashboard request on a closed run answered from its validator (If-None-Match →
//      304) against the uncached floor of the same request (a server without its answer cache, no
//      validator), autocannon for a fixed time, interleaved rounds; the database statements each
//      server ran during the measurement (from /health), to show the 304s touched nothing;
//   2. the same answer on the wire as identity, gzip and br;
//   3. one and two omsagg replicas behind Debian's nginx on loopback, a read mix, throughput and
//      errors, and whether the replicas give identical ETags. The load generator shares the 2 cores
//      with the replicas here, so the 2-replica ratio is a lower bound.
// Options: --db URL (default the month SQLite of the bench data dir), --run N, --duration S,
// --rounds N, --data-dir DIR. CI does not run it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import autocannon from 'autocannon';
import { freePort, startServer, type Server } from './lib/proc.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (s: string) => process.stderr.write(`${s}\n`);
const NGINX = '/usr/sbin/nginx';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    'data-dir': { type: 'string', default: process.env.OMSAGG_BENCH_DATA ?? path.join(root, 'data/bench') },
    run: { type: 'string' },
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log('usage: npm run bench:http -- [--db URL] [--data-dir DIR] [--run N] [--duration S] [--rounds N]');
  process.exit(0);
}
const duration = Number(values.duration);
const rounds = Number(values.rounds);
if (!(duration > 0) || !Number.isInteger(rounds) || rounds < 1) throw new Error('--duration must be > 0 s and --rounds a whole number ≥ 1');
const dbUrl = values.db ?? `sqlite:${path.join(values['data-dir']!, 'month.sqlite')}`;

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

async function omsagg(env: Record<string, string>, core?: number): Promise<Server> {
  const port = await freePort();
  return startServer({
    name: `omsagg-${port}`,
    cmd: process.execPath,
    args: [path.join(root, 'bin/omsagg.js'), 'serve', '--db', dbUrl, '--port', String(port), '--log-level', 'warn'],
    core: core ?? -1,
    port,
    readyPath: '/health',
    logDir: os.tmpdir(),
    cwd: root,
    env: { ...process.env, ...env },
  });
}

async function statements(base: string): Promise<number> {
  return JSON.parse((await get(`${base}/health`)).body.toString()).pool.statements as number;
}

async function cannon(url: string | string[], headers: Record<string, string>, connections = 10) {
  const urls = Array.isArray(url) ? url : [url];
  const r = await autocannon({
    url: urls[0],
    connections,
    duration,
    headers,
    requests: urls.map((u) => ({ method: 'GET', path: new URL(u).pathname + new URL(u).search })),
  });
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx - (r['3xx'] ?? 0), n2xx: r['2xx'], n3xx: r['3xx'] ?? 0 };
}

const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '—');

async function main() {
  log(`bench:http on ${dbUrl}: ${duration} s per measurement, ${rounds} rounds`);
  // ---- 1. conditional request vs the uncached floor ----
  const cachedSrv = await omsagg({}, 0);
  const floorSrv = await omsagg({ OMSAGG_CACHE_MB: '0' }, 0);
  let run = values.run ? Number(values.run) : NaN;
  if (!Number.isFinite(run)) {
    const runs = JSON.parse((await get(`${cachedSrv.base}/api/v1/runs?sort=-last_lumisection_number&page[limit]=1&fields=run_number`)).body.toString());
    run = Number(runs.data[0].attributes.run_number);
  }
  const info = JSON.parse((await get(`${cachedSrv.base}/api/v1/hltpathinfo?filter[run_number][EQ]=${run}&sort=-rate&page[limit]=1&fields=path_name`)).body.toString());
  const pathName = String(info.data[0].attributes.path_name);
  const dash = `/api/v1/hltpathrates?filter[run_number][EQ]=${run}&filter[path_name][EQ]=${encodeURIComponent(pathName)}&page[limit]=5000`;
  const first = await get(cachedSrv.base + dash);
  const etag = String(first.headers.etag);
  log(`dashboard request: ${dash} (${first.body.length} bytes, ${first.headers['cache-control']})`);
  const rows: string[] = [];
  const ratios: number[] = [];
  let touched = 0;
  for (let r = 1; r <= rounds; r++) {
    const s0 = await statements(floorSrv.base);
    const floor = await cannon(floorSrv.base + dash, {});
    const s1 = await statements(floorSrv.base);
    const c0 = await statements(cachedSrv.base);
    const cond = await cannon(cachedSrv.base + dash, { 'if-none-match': etag });
    const c1 = await statements(cachedSrv.base);
    touched += c1 - c0;
    ratios.push(cond.rps / floor.rps);
    rows.push(`| ${r} | uncached floor (200) | ${fmt(floor.rps)} | ${floor.p99} ms | ${s1 - s0} |`, `| ${r} | If-None-Match (304) | ${fmt(cond.rps)} | ${cond.p99} ms | ${c1 - c0} |`);
  }
  await floorSrv.stop();
  console.log(`\n## 1. A repeated dashboard request on a closed run (run ${run}, ${pathName}), 10 connections, server on core 0\n`);
  console.log('| round | request | req/s | p99 | database statements run |\n|---|---|---|---|---|\n' + rows.join('\n'));
  const minRatio = Math.min(...ratios);
  console.log(`\n[${minRatio >= 3 ? 'met' : 'NOT MET'}] conditional ≥ 3× the uncached floor: ${ratios.map((x) => fmt(x, 2) + '×').join(', ')}; statements run for the 304s: ${touched}`);

  // ---- 2. compression ----
  const identity = await get(cachedSrv.base + dash, { 'accept-encoding': 'identity' });
  const gz = await get(cachedSrv.base + dash, { 'accept-encoding': 'gzip' });
  const br = await get(cachedSrv.base + dash, { 'accept-encoding': 'br' });
  const sameBr = zlib.brotliDecompressSync(br.body).equals(identity.body);
  console.log(`\n## 2. The same answer on the wire\n\n| encoding | bytes | shrink |\n|---|---|---|`);
  console.log(
    `| identity | ${identity.body.length} | 1× |\n| gzip | ${gz.body.length} | ${fmt(identity.body.length / gz.body.length)}× |\n| br | ${br.body.length} | ${fmt(identity.body.length / br.body.length)}× |`,
  );
  const shrink = identity.body.length / br.body.length;
  console.log(`\n[${shrink >= 10 && sameBr ? 'met' : 'NOT MET'}] br shrinks the path-over-run answer ≥ 10×: ${fmt(shrink)}× (decompresses to the same bytes: ${sameBr})`);
  await cachedSrv.stop();

  // ---- 3. replicas behind nginx ----
  if (!fs.existsSync(NGINX)) {
    console.log('\n## 3. replicas: Debian nginx is not installed (apt-get install nginx-light); skipped');
    return;
  }
  const replicas = [await omsagg({}), await omsagg({})];
  const mix = [
    '/api/v1/runs?sort=-run_number&page[limit]=100',
    `/api/v1/lumisections?filter[run_number][EQ]=${run}&page[limit]=500`,
    dash,
    `/api/v1/l1triggerrates?filter[run_number][EQ]=${run}&page[limit]=200`,
    '/api/v1/probes/fill-summary/plot',
  ];
  const results: string[] = [];
  const byN = new Map<number, number[]>();
  for (let r = 1; r <= rounds; r++) {
    for (const n of [1, 2]) {
      const { base, stop } = await nginx(replicas.slice(0, n));
      const res = await cannon(
        mix.map((u) => base + u),
        {},
        20,
      );
      await stop();
      (byN.get(n) ?? byN.set(n, []).get(n)!).push(res.rps);
      results.push(`| ${r} | ${n} | ${fmt(res.rps)} | ${res.p99} ms | ${res.errors} |`);
    }
  }
  const host = 'bench.omsagg';
  const tags = await Promise.all(mix.map(async (u) => (await Promise.all(replicas.map(async (rp) => (await get(rp.base + u, { host })).headers.etag))).join(' ')));
  const agree = tags.every((t) => t.split(' ')[0] === t.split(' ')[1] && t.split(' ')[0] !== 'undefined');
  for (const rp of replicas) await rp.stop();
  console.log(
    `\n## 3. Replicas behind nginx (read mix of ${mix.length} requests, 20 connections; load generator on the same 2 cores)\n\n| round | replicas | req/s | p99 | errors |\n|---|---|---|---|---|\n${results.join('\n')}`,
  );
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  console.log(`\n2 replicas / 1 replica: ${fmt(med(byN.get(2)!) / med(byN.get(1)!), 2)}× (a lower bound on 2 cores); replicas give identical ETags: ${agree}`);
}

async function nginx(backends: Server[]): Promise<{ base: string; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-bench-nginx-'));
  const port = await freePort();
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path ${dir}/b; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}/f; uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;
  upstream omsagg { ${backends.map((b) => `server ${b.base.replace('http://', '')};`).join(' ')} keepalive 64; }
  server { listen 127.0.0.1:${port}; location / { proxy_pass http://omsagg; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $http_host; } } }
`,
  );
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await get(`${base}/health`)).status === 200) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    base,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
