// The built-in page: /probes (index of every probe) and /probes/{id}?… (parameter form, the plot,
// links to the JSON, the Plotly figure and the CSV). Plain HTML + one small ES module; plotly.js-dist-min
// is served from node_modules at a versioned URL with immutable caching. No build step.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Db } from '../db/connection.js';
import { loadProbes, type ProbeRegistry } from '../probes/registry.js';
import type { Probe } from '../probes/types.js';

export interface WebPluginOptions {
  db?: Db;
  config: { prefixes?: string[] };
  registry?: ProbeRegistry;
  /** the resources served (for the landing page) */
  resources?: { all: { type: string; title: string; description: string }[] };
}

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

function staticDir(): string {
  // src/web/static under tsx; the compiled dist/web has no copy, so fall back to the source tree
  const candidates = [path.join(here, 'static'), path.resolve(here, '../../src/web/static'), path.resolve(here, '../../../src/web/static')];
  const dir = candidates.find((d) => fs.existsSync(path.join(d, 'page.js')));
  if (!dir) throw new Error(`web page assets not found (looked in ${candidates.join(', ')})`);
  return dir;
}

export const PLOTLY_VERSION: string = (require('plotly.js-dist-min/package.json') as { version: string }).version;
export const PLOTLY_URL = `/probes/static/vendor/plotly-${PLOTLY_VERSION}.min.js`;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** JSON inside <script type="application/json">: keep "</script>" from closing the element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

function shell(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(title)} · omsagg</title>
<link rel="stylesheet" href="/probes/static/page.css?v=${ASSET_VERSION}">
${head}
</head>
<body>
<header class="top"><a class="brand" href="/">omsagg</a><span class="sep">›</span><a href="/probes">Probes</a><span class="sep">·</span><a href="/reports/">Reports</a><span class="sep">·</span><a href="/docs">API</a></header>
<main>
${body}
</main>
</body>
</html>`;
}

let ASSET_VERSION = '0';

const GROUP_ORDER = ['Trigger', 'Luminosity', 'Pixel', 'Anomalies'];

/** `/`: what this server is and where everything is. */
function landingPage(probes: Probe[], resources: { type: string; title: string; description: string }[], apiPrefix: string): string {
  const res = resources
    .map(
      (r) =>
        `<li><a href="${esc(apiPrefix)}/${esc(r.type)}"><code>${esc(r.type)}</code></a> — ${esc(r.title)} <span class="muted">(<a href="${esc(apiPrefix)}/${esc(r.type)}/meta">fields and units</a> · <a href="${esc(apiPrefix)}/${esc(r.type)}/csv?page[limit]=100">CSV</a>)</span></li>`,
    )
    .join('\n');
  const plots = probes.map((p) => `<li><a href="/probes/${esc(p.id)}">${esc(p.title)}</a></li>`).join('\n');
  return shell(
    'CMS OMS aggregation server',
    `<h1>omsagg</h1>
<p class="lead">A read-only aggregation server for the CMS Online Monitoring System: monitoring tables published as JSON:API resources in the OMS aggregation-API dialect (<code>filter[attr][OP]=value</code>, <code>fields</code>, <code>sort</code>, <code>page[offset]</code>/<code>page[limit]</code>, <code>group[granularity]</code>), plots drawn from them, lumisections scored for anomalies, and daily status reports.</p>
<section><h2>Start here</h2><ul>
<li><a href="${esc(apiPrefix)}">${esc(apiPrefix)}</a> — the resources index (JSON:API)</li>
<li><a href="/probes">Probes</a> — interactive plots (also as JSON, Plotly figures, CSV and OMS portlet points)</li>
<li><a href="/reports/">Reports</a> — daily status reports and alarms</li>
<li><a href="/docs">API documentation</a> (OpenAPI, <a href="${esc(apiPrefix)}/openapi.json">JSON</a>)</li>
<li><a href="/health">Health</a> — database, pool and cache</li>
</ul></section>
<section><h2>Resources</h2><ul class="resources">
${res}
</ul></section>
<section><h2>Plots</h2><ul>
${plots}
</ul></section>`,
  );
}

function indexPage(probes: Probe[], apiPrefix: string): string {
  const groups = [...new Set(probes.map((p) => p.group ?? 'Other'))].sort((a, b) => (GROUP_ORDER.indexOf(a) + 1 || 99) - (GROUP_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b));
  const sections = groups
    .map(
      (g) =>
        `<section><h2 class="group">${esc(g)}</h2>\n<ul class="cards">${cards(
          probes.filter((p) => (p.group ?? 'Other') === g),
          apiPrefix,
        )}</ul></section>`,
    )
    .join('\n');
  return shell(
    'Probes',
    `<h1>Probes</h1>
<p class="lead">Plots built from omsagg's resources. Every plot is also available as a generic plot object (JSON), a Plotly figure, CSV, and as points for the OMS GUI's chart and table portlets. API: <a href="${esc(apiPrefix)}/probes">${esc(apiPrefix)}/probes</a>.</p>
${sections}`,
  );
}

function cards(probes: Probe[], apiPrefix: string): string {
  return probes
    .map(
      (p) => `<li class="card"><a href="/probes/${esc(p.id)}"><h2>${esc(p.title)}</h2></a><p>${esc(p.description)}</p>
<p class="links"><a href="/probes/${esc(p.id)}">open</a> · <a href="${esc(apiPrefix)}/probes/${esc(p.id)}/plot">plot JSON</a> · <a href="${esc(apiPrefix)}/probes/${esc(p.id)}/points?include=meta">points</a></p></li>`,
    )
    .join('\n');
}

function probePage(p: Probe, apiPrefix: string): string {
  const def = { id: p.id, title: p.title, description: p.description, params: p.params, api: apiPrefix };
  return shell(
    p.title,
    `<h1 id="probe-title">${esc(p.title)}</h1>
<p class="lead">${esc(p.description)}</p>
<form id="params" class="params" autocomplete="off"></form>
<div id="status" class="status" role="status" aria-live="polite"></div>
<div id="plot" class="plot"></div>
<section class="below">
  <div id="links" class="links"></div>
  <div id="notes" class="notes"></div>
  <details id="sources-box"><summary>Data sources (equivalent API queries)</summary><ul id="sources"></ul></details>
</section>
<script type="application/json" id="probe-def">${scriptJson(def)}</script>
<script src="${PLOTLY_URL}" defer></script>
<script type="module" src="/probes/static/page.js?v=${ASSET_VERSION}"></script>`,
  );
}

export async function webPlugin(app: FastifyInstance, opts: WebPluginOptions): Promise<void> {
  const registry = opts.registry ?? (await loadProbes());
  const apiPrefix = opts.config.prefixes?.[0] ?? '/api/v1';
  const dir = staticDir();
  const assets: Record<string, { body: Buffer; type: string }> = {
    'page.js': { body: fs.readFileSync(path.join(dir, 'page.js')), type: 'text/javascript; charset=utf-8' },
    'page.css': { body: fs.readFileSync(path.join(dir, 'page.css')), type: 'text/css; charset=utf-8' },
  };
  ASSET_VERSION = String(assets['page.js'].body.length + assets['page.css'].body.length);
  const plotly = fs.readFileSync(require.resolve('plotly.js-dist-min/plotly.min.js'));

  const html = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(body);

  const hide = { schema: { hide: true } as Record<string, unknown> }; // pages, not API: kept out of the OpenAPI document
  app.get('/', hide, async (_req, reply) => html(reply, landingPage(registry.list(), opts.resources?.all ?? [], apiPrefix)));
  app.get('/probes', hide, async (_req, reply) => html(reply, indexPage(registry.list(), apiPrefix)));
  app.get<{ Params: { id: string } }>('/probes/:id', hide, async (req, reply) => {
    const p = registry.get(req.params.id);
    if (!p) {
      return reply
        .status(404)
        .type('text/html; charset=utf-8')
        .send(shell('Unknown probe', `<h1>No probe “${esc(req.params.id)}”</h1><p>See the <a href="/probes">list of probes</a>.</p>`));
    }
    return html(reply, probePage(p, apiPrefix));
  });
  app.get<{ Params: { file: string } }>('/probes/static/:file', hide, async (req, reply) => {
    const a = assets[req.params.file];
    if (!a) return reply.status(404).type('text/plain').send('not found');
    return reply.type(a.type).header('cache-control', 'public, max-age=300').send(a.body);
  });
  app.get(PLOTLY_URL, hide, async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=31536000, immutable').send(plotly));
}

export default webPlugin;
