// npm run bench:cpu — CPU time per request (the server process and its SQLite readers, from
// /proc/<pid>/stat) of omsagg builds side by side: for each round, each build in turn is started
// pinned to the server core and asked the three comparison requests of `npm run bench` one after
// another from the load core. CPU time does not count the time another tenant of a shared host
// holds the core, so builds can be compared on a host whose speed varies from minute to minute,
// where req/s cannot. Prints per build and request the median CPU ms per request (min–max over
// rounds). CI does not run it.
// Options: --builds DIR[,DIR…] checkouts with a built dist/ (default this one), --db URL (default
// the month SQLite of the bench data dir), --run N (319579), --path NAME (HLT_AK4CaloJet100_v5),
// --requests N per request and round (30), --rounds N (3), --server-core / --load-core (0 / 1).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fetchText } from './lib/http.js';
import { cpuSeconds, freePort, pinSelf, startServer } from './lib/proc.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: o } = parseArgs({
  options: {
    builds: { type: 'string', default: root },
    db: { type: 'string', default: `sqlite:${path.join(root, 'data', 'bench', 'month.sqlite')}` },
    run: { type: 'string', default: '319579' },
    path: { type: 'string', default: 'HLT_AK4CaloJet100_v5' },
    requests: { type: 'string', default: '30' },
    rounds: { type: 'string', default: '3' },
    'server-core': { type: 'string', default: '0' },
    'load-core': { type: 'string', default: '1' },
  },
});
const builds = o.builds.split(',').map((b) => path.resolve(b));
const requests = Math.max(1, Number(o.requests));
const rounds = Math.max(1, Number(o.rounds));
const asked: [string, string][] = [
  ['100 runs, newest first', '/api/v1/runs?sort=-run_number&page[limit]=100'],
  ['one HLT path over the run', `/api/v1/hltpathrates?filter[run_number][EQ]=${o.run}&filter[path_name][EQ]=${encodeURIComponent(o.path)}&page[limit]=5000`],
  ["the run's lumisections", `/api/v1/lumisections?filter[run_number][EQ]=${o.run}&page[limit]=5000`],
];

pinSelf(Number(o['load-core']));
const perRound = new Map<string, number[]>(); // `${build}\t${request}` → CPU ms per request, per round
for (let round = 1; round <= rounds; round++) {
  for (const build of builds) {
    const port = await freePort();
    const server = await startServer({
      name: `cpu-${path.basename(build)}`,
      cmd: process.execPath,
      args: [path.join(build, 'bin', 'omsagg.js'), 'serve', '--db', o.db, '--port', String(port), '--log-level', 'warn', '--cache-mb', '0'],
      core: Number(o['server-core']),
      port,
      readyPath: '/health',
      logDir: path.join(root, 'data', 'bench', 'logs'),
      cwd: build,
    });
    try {
      for (const [title, url] of asked) {
        for (let i = 0; i < 3; i++) await fetchText(server.base + url, 120_000); // warm: plans, writers, page cache
        const before = cpuSeconds(server.pid);
        for (let i = 0; i < requests; i++) {
          const r = await fetchText(server.base + url, 120_000);
          if (r.status !== 200) throw new Error(`${build}: ${url} answered ${r.status}: ${r.text.slice(0, 200)}`);
        }
        const ms = ((cpuSeconds(server.pid) - before) * 1000) / requests;
        const key = `${build}\t${title}`;
        perRound.set(key, [...(perRound.get(key) ?? []), ms]);
        process.stderr.write(`round ${round}/${rounds} ${build}: ${title} ${ms.toFixed(1)} ms CPU per request\n`);
      }
    } finally {
      await server.stop();
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`CPU ms per request (server + readers), median (min–max) over ${rounds} round(s) of ${requests} requests; ${o.db}`);
console.log(`| build | ${asked.map(([t]) => t).join(' | ')} |`);
console.log(`|---|${asked.map(() => '---|').join('')}`);
for (const build of builds) {
  const cells = asked.map(([t]) => {
    const xs = perRound.get(`${build}\t${t}`)!;
    return `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
  });
  console.log(`| ${build} | ${cells.join(' | ')} |`);
}
