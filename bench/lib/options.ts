// Command-line options of `npm run bench` (util.parseArgs).
import path from 'node:path';
import { parseArgs } from 'node:util';

export const TARGETS = ['omsagg', 'platformatic', 'bare'] as const;
export type Target = (typeof TARGETS)[number];
export const DIALECTS = ['sqlite', 'postgres'] as const;
export type Dialect = (typeof DIALECTS)[number];
export const SCALES = ['week', 'month', 'year'] as const;
export type Scale = (typeof SCALES)[number];

export interface Options {
  dbs: Dialect[];
  scale: Scale;
  /** seconds of load per comparison scenario, target and round */
  duration: number;
  /** seconds per page, probe and /health measurement (omsagg only, latency) */
  pageDuration: number;
  rounds: number;
  /** connections for the throughput scenarios (the three comparisons) */
  connections: number;
  /** connections for the latency scenarios (pages, probes, /health) */
  latencyConnections: number;
  only?: RegExp;
  targets: Target[];
  dataDir: string;
  /** PostgreSQL server URL without schema; the schema is bench_<scale> */
  pgUrl: string;
  run?: number;
  path?: string;
  exportRows: number;
  exportTimeout: number;
  /** a page or probe whose first request takes longer is not measured (reported as not answered) */
  slowLimit: number;
  /** a server still busy this long after an abandoned request is restarted */
  busyLimit: number;
  /** filter shapes per resource: all, or only the unfiltered first page (quick mode) */
  shapes: 'all' | 'first';
  serverCore: number;
  loadCore: number;
  out?: string;
  list: boolean;
  quick: boolean;
}

export const USAGE = `usage: npm run bench -- [options]
  --db sqlite|postgres|both      databases (default sqlite)
  --scale week|month|year        data set (default month); seeded into the data directory when missing
  --duration S                   seconds of load per comparison scenario, target and round (default 10)
  --page-duration S              seconds per page, probe and /health measurement (default 3)
  --rounds N                     rounds; targets interleaved in every round (default 2)
  --connections N                autocannon connections, comparison scenarios (default 10)
  --latency-connections N        connections for pages, probes and /health (default 1)
  --only REGEX                   run only the scenarios whose id matches
  --targets LIST                 comma list of omsagg,platformatic,bare (default all three)
  --data-dir DIR                 bench databases (default data/bench; env OMSAGG_BENCH_DATA)
  --pg-url URL                   PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test; env OMSAGG_BENCH_PG)
  --run N                        the run of the comparisons (default 319579 when present, else the longest run)
  --path NAME                    the HLT path of the comparison (default the first HLT_ path of the run)
  --export-rows N                rows of the export scenarios (default 1000000)
  --export-timeout S             give up an export after S seconds (default 120)
  --slow-limit S                 a page or probe whose first request takes longer is reported, not measured (default 30)
  --busy-limit S                 restart a server still busy S seconds after an abandoned request (default 20)
  --server-core N / --load-core N  CPU cores for the servers / the load generator (default 0 / 1)
  --out FILE                     also write the raw figures as JSON (default <data-dir>/results/…)
  --list                         print the scenarios and exit (starts omsagg only)
  --quick                        try it: 2 s comparisons, 1 s pages, 1 round, 100k-row exports, unfiltered pages only
  -h, --help`;

function num(name: string, v: string | undefined, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min} (got '${v}')`);
  return n;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env, root = process.cwd()): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string', default: 'sqlite' },
      scale: { type: 'string', default: 'month' },
      duration: { type: 'string' },
      'page-duration': { type: 'string' },
      rounds: { type: 'string' },
      connections: { type: 'string' },
      'latency-connections': { type: 'string' },
      only: { type: 'string' },
      targets: { type: 'string' },
      'data-dir': { type: 'string' },
      'pg-url': { type: 'string' },
      run: { type: 'string' },
      path: { type: 'string' },
      'export-rows': { type: 'string' },
      'export-timeout': { type: 'string' },
      'slow-limit': { type: 'string' },
      'busy-limit': { type: 'string' },
      'server-core': { type: 'string' },
      'load-core': { type: 'string' },
      out: { type: 'string' },
      list: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const db = values.db as string;
  const dbs: Dialect[] = db === 'both' ? ['sqlite', 'postgres'] : DIALECTS.includes(db as Dialect) ? [db as Dialect] : [];
  if (!dbs.length) throw new Error(`--db must be sqlite, postgres or both (got '${db}')`);
  const scale = values.scale as Scale;
  if (!SCALES.includes(scale)) throw new Error(`--scale must be one of ${SCALES.join(', ')} (got '${scale}')`);
  const targets = (values.targets ?? TARGETS.join(',')).split(',').map((t) => t.trim()) as Target[];
  for (const t of targets) if (!TARGETS.includes(t)) throw new Error(`--targets: unknown target '${t}' (${TARGETS.join(', ')})`);
  if (!targets.includes('omsagg')) throw new Error('--targets must include omsagg (the scenarios are derived from it)');
  const quick = values.quick as boolean;
  const serverCore = num('server-core', values['server-core'], 0, 0);
  const loadCore = num('load-core', values['load-core'], 1, 0);
  if (serverCore === loadCore) throw new Error('--server-core and --load-core must differ');
  return {
    dbs,
    scale,
    duration: num('duration', values.duration, quick ? 2 : 10, 1),
    pageDuration: num('page-duration', values['page-duration'], quick ? 1 : 3, 1),
    rounds: Math.round(num('rounds', values.rounds, quick ? 1 : 2, 1)),
    connections: Math.round(num('connections', values.connections, 10, 1)),
    latencyConnections: Math.round(num('latency-connections', values['latency-connections'], 1, 1)),
    only: values.only ? new RegExp(values.only) : undefined,
    targets: TARGETS.filter((t) => targets.includes(t)),
    dataDir: path.resolve(root, values['data-dir'] ?? env.OMSAGG_BENCH_DATA ?? 'data/bench'),
    pgUrl: values['pg-url'] ?? env.OMSAGG_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test',
    run: values.run === undefined ? undefined : num('run', values.run, 0, 1),
    path: values.path,
    exportRows: Math.round(num('export-rows', values['export-rows'], quick ? 100_000 : 1_000_000, 1)),
    exportTimeout: num('export-timeout', values['export-timeout'], 120, 1),
    slowLimit: num('slow-limit', values['slow-limit'], 30, 1),
    busyLimit: num('busy-limit', values['busy-limit'], 20, 1),
    shapes: quick ? 'first' : 'all',
    serverCore,
    loadCore,
    out: values.out,
    list: values.list as boolean,
    quick,
  };
}
