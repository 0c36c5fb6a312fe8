// Serves the report repository read-only at /reports: the index pages, every report with its CSV
// and JSON, the shared assets; /reports/run/{run} shows the reports of the UTC day the run started
// (the probe pages link there). Files are only read, never written. Errors are JSON:API documents.
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppPluginOptions } from '../app.js';
import { ApiError, errorDocument, JSONAPI_MEDIA_TYPE, NotFoundError, QueryValidationError } from '../jsonapi/errors.js';
import { openCatalog } from './data.js';
import { DEFAULT_OUT } from './defaults.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.png': 'image/png',
  '.pdf': 'application/pdf',
};

export interface ReportsPluginOptions extends Partial<AppPluginOptions> {
  /** the repository (default $OMSAGG_REPORTS_DIR or data/reports) */
  root?: string;
}

function fail(reply: FastifyReply, e: ApiError) {
  return reply
    .status(e.status)
    .type(JSONAPI_MEDIA_TYPE)
    .send(errorDocument([e]));
}

/** The file a URL path names inside the root, or null when it would leave it. */
export function resolveInside(root: string, rel: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rel);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  return full === root || full.startsWith(root + path.sep) ? full : null;
}

export async function reportsPlugin(app: FastifyInstance, opts: ReportsPluginOptions): Promise<void> {
  const root = path.resolve(opts.root ?? process.env.OMSAGG_REPORTS_DIR ?? DEFAULT_OUT);
  const catalog = opts.db ? openCatalog(opts.db, { resources: opts.resources, apiPrefix: opts.prefixes?.[0] }) : undefined;
  const hide = { schema: { hide: true } as Record<string, unknown> };

  const sendFile = async (reply: FastifyReply, file: string, base?: string) => {
    const ext = path.extname(file);
    const type = TYPES[ext] ?? 'application/octet-stream';
    const immutable = file.includes(`${path.sep}assets${path.sep}plotly-`);
    reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache').header('x-content-type-options', 'nosniff');
    if (base && ext === '.html') {
      // a directory asked for without its slash: relative links must still resolve
      const html = (await fs.promises.readFile(file, 'utf8')).replace('<head>', `<head>\n<base href="${base}">`);
      return reply.type(type).send(html);
    }
    return reply.type(type).send(await fs.promises.readFile(file));
  };

  const serve = async (rel: string, url: string, reply: FastifyReply) => {
    if (!fs.existsSync(path.join(root, 'index.html'))) {
      // the repository's own index before the first report: say so in a page, not an error
      if (rel === '' || rel === '/') {
        return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Reports · omsagg</title><link rel="icon" href="data:,"></head>
<body><h1>Reports</h1><p>No reports yet. <code>omsagg report</code> writes the daily status reports here (every definition in <code>reports/</code> over yesterday, UTC).</p>
<p><a href="/">omsagg</a> · <a href="/probes">Probes</a></p></body></html>`);
      }
      return fail(reply, new NotFoundError('no reports yet (omsagg report writes them)', 'no_reports'));
    }
    const full = resolveInside(root, rel);
    if (!full) return fail(reply, new ApiError(400, 'bad_path', 'Bad request', `'${rel}' is not a path inside the report repository`));
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(full);
    } catch {
      return fail(reply, new NotFoundError(`no file /reports/${rel} in the report repository`, 'not_found'));
    }
    if (stat.isDirectory()) {
      const index = path.join(full, 'index.html');
      if (!fs.existsSync(index)) return fail(reply, new NotFoundError(`no report at /reports/${rel}`, 'not_found'));
      const urlPath = url.split('?')[0];
      return sendFile(reply, index, urlPath.endsWith('/') ? undefined : `${urlPath}/`);
    }
    return sendFile(reply, full);
  };

  app.get('/reports', hide, async (req, reply) => serve('', req.url, reply));
  app.get<{ Params: { run: string } }>('/reports/run/:run', hide, async (req, reply) => {
    const run = req.params.run;
    if (!/^\d{1,9}$/.test(run)) return fail(reply, new QueryValidationError('invalid_run', `run '${run}' is not a run number`, 'run'));
    if (!catalog) return fail(reply, new NotFoundError('no database to look the run up in', 'no_database'));
    const res = await catalog.read('runs', { filters: [['run_number', 'EQ', Number(run)]], fields: ['run_number', 'start_time'], limit: 1 });
    if (!res.rows.length) return fail(reply, new NotFoundError(`run ${run} is not in the database`, 'unknown_run'));
    const day = String(res.rows[0].start_time).slice(0, 10);
    const file = path.join(root, 'days', `${day}.html`);
    if (!fs.existsSync(file)) return fail(reply, new NotFoundError(`no report covers ${day}, the day run ${run} started (omsagg report --at ${day} writes it)`, 'no_report'));
    return sendFile(reply, file);
  });
  app.get<{ Params: { '*': string } }>('/reports/*', hide, async (req, reply) => serve(req.params['*'] ?? '', req.url, reply));
}

export default reportsPlugin;
