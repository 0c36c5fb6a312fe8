// The three servers under test, each started pinned to the server core:
//   omsagg        node bin/omsagg.js serve (the worktree's build), talked to only over HTTP
//   platformatic  Platformatic DB 3.x on Node 22 (bench/servers/platformatic.mjs)
//   bare          Fastify + knex with omsagg's SQL shape and envelope (bench/servers/bare.mjs)
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fetchJson } from './http.js';
import type { BenchDb } from './data.js';
import type { Target } from './options.js';
import { freePort, startServer, type Server } from './proc.js';

export interface Running extends Server {
  target: Target;
  /** where the server answers quickly when idle */
  idlePath: string;
  version: string;
  /** platformatic: view name → { route, field lookup } */
  routes?: Map<string, PlatformaticRoute>;
}

export interface PlatformaticRoute {
  path: string;
  /** omsagg column name → Platformatic field name */
  field(name: string): string;
}

export async function startTarget(target: Target, db: BenchDb, o: { root: string; core: number; logDir: string; node22: string; maxRows: number }): Promise<Running> {
  const port = await freePort();
  const url = db.url;
  const name = `${target}-${db.dialect}-${db.scale}`;
  const maxRows = String(Math.max(o.maxRows, 100_000));
  if (target === 'omsagg') {
    const s = await startServer({
      name,
      cmd: process.execPath,
      // the response cache off: the same URL asked again and again would be answered from memory,
      // and the engine is what is measured here (npm run bench:http measures the cache)
      args: [path.join(o.root, 'bin', 'omsagg.js'), 'serve', '--db', url, '--port', String(port), '--log-level', 'warn', '--max-page-limit', maxRows, '--cache-mb', '0'],
      core: o.core,
      port,
      readyPath: '/health',
      logDir: o.logDir,
      cwd: o.root,
    });
    return { ...s, target, idlePath: '/health', version: `omsagg (this worktree), node ${process.version}` };
  }
  if (target === 'bare') {
    const s = await startServer({
      name,
      cmd: process.execPath,
      args: [path.join(o.root, 'bench', 'servers', 'bare.mjs'), '--db', url, '--port', String(port), '--max-limit', maxRows],
      core: o.core,
      port,
      readyPath: '/health',
      logDir: o.logDir,
      cwd: o.root,
    });
    return { ...s, target, idlePath: '/health', version: `bare Fastify + knex, node ${process.version}` };
  }
  const s = await startServer({
    name,
    cmd: o.node22,
    args: [path.join(o.root, 'bench', 'servers', 'platformatic.mjs'), '--db', url, '--port', String(port), '--max-limit', maxRows],
    core: o.core,
    port,
    readyPath: '/documentation/json',
    logDir: o.logDir,
    cwd: path.join(o.root, 'bench'),
    timeoutMs: 300_000,
  });
  const routes = await platformaticRoutes(s.base);
  const pkg = JSON.parse(readFileSync(path.join(o.root, 'bench', 'node_modules', '@platformatic', 'db', 'package.json'), 'utf8')) as { version: string };
  const node = spawnSync(o.node22, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return { ...s, target, idlePath: '/', version: `Platformatic DB ${pkg.version}, node ${node}`, routes };
}

interface OpenApi {
  paths: Record<string, Record<string, { tags?: string[]; responses?: Record<string, { content?: Record<string, { schema?: { items?: { $ref?: string } } }> }> }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

/** Each view's collection route and field names, from Platformatic's own OpenAPI document. */
async function platformaticRoutes(base: string): Promise<Map<string, PlatformaticRoute>> {
  const { body } = await fetchJson<OpenApi>(`${base}/documentation/json`);
  const out = new Map<string, PlatformaticRoute>();
  for (const [p, ops] of Object.entries(body.paths)) {
    const get = ops.get;
    if (!get || p.includes('{') || !get.tags?.length) continue;
    const table = get.tags[0];
    const ref = get.responses?.['200']?.content?.['application/json']?.schema?.items?.$ref;
    const schema = ref ? body.components.schemas[ref.split('/').pop()!] : undefined;
    const fields = Object.keys(schema?.properties ?? {});
    const norm = (s: string) => s.replace(/_/g, '').toLowerCase();
    const byNorm = new Map(fields.map((f) => [norm(f), f]));
    out.set(table, {
      path: p.endsWith('/') ? p : `${p}/`,
      field: (name: string) => {
        const f = byNorm.get(norm(name));
        if (!f) throw new Error(`Platformatic: ${table} has no field for '${name}'`);
        return f;
      },
    });
  }
  return out;
}
