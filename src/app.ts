// buildApp(config, deps) → FastifyInstance, without listen: the whole HTTP surface as plugins.
// Other concerns (probes, the web page) plug in through `deps.plugins` or src/server/plugins.ts;
// each receives AppPluginOptions (config, db, resources, prefixes).
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from './config.js';
import type { Db } from './db/connection.js';
import { ApiError, DatabaseError, errorDocument, JSONAPI_MEDIA_TYPE, NotFoundError } from './jsonapi/errors.js';
import { ReadEngine } from './jsonapi/engine.js';
import { loadResources, type ResourceRegistry } from './resources/loader.js';
import { registerResourceRoutes } from './resources/routes.js';
import compress from '@fastify/compress';
import zlib from 'node:zlib';
import { DataVersions } from './http/versions.js';
import { DEFAULT_CACHING, ResponseCache, type HttpCaching } from './http/caching.js';
import { clientErrorHandler } from './http/client-errors.js';
import { htmlErrorPage, prefersHtml } from './http/html-errors.js';
import { refuseWrites } from './http/security/read-only.js';
import { registerSecurity } from './http/security/index.js';

export interface AppPluginOptions {
  config: Config;
  db: Db;
  resources: ResourceRegistry;
  /** the read engine every route, probe and report reads through */
  engine: ReadEngine;
  /** HTTP validators and freshness: what the data behind an answer is at, and the answer cache */
  http: HttpCaching;
  /** every API prefix ('/api/v1', '/agg/api/v1', configured extras) */
  prefixes: string[];
}

export type AppPlugin = FastifyPluginAsync<AppPluginOptions>;

export interface AppDeps {
  db: Db;
  /** defaults to loading resources/ (config.resourcesDir) */
  resources?: ResourceRegistry;
  /** extra plugins registered after the resource routes (e.g. probes, the web page) */
  plugins?: AppPlugin[];
  /** Fastify logger option (default: pino at config.logLevel) */
  logger?: FastifyServerOptions['logger'];
  /** rows per batch when streaming (default STREAM_BATCH_ROWS, jsonapi/execute.ts) */
  csvBatchRows?: number;
  /** most related resources included per relationship per request (default 1000) */
  includeLimit?: number;
}

export const API_VERSION = '0.1.0';

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { statusCode?: number; code?: string; message?: string };
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const code = (e.code ?? 'bad_request').toLowerCase().replace(/^fst_err_/, '');
    const title = e.statusCode === 415 ? 'Unsupported media type' : e.statusCode === 413 ? 'Payload too large' : 'Bad request';
    return new ApiError(e.statusCode, code, title, e.message ?? title);
  }
  return new ApiError(500, 'internal_error', 'Internal server error', 'unexpected server error; the server log has the details');
}

export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? { level: config.logLevel },
    // clients send /runs/?… and /agg/api//v1/runs; both must answer directly (never a redirect)
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 500 },
    // the resource routes parse the raw query string themselves (src/jsonapi/querystring.ts)
    exposeHeadRoutes: true,
    // what Node's HTTP parser refuses (oversized headers, malformed requests): JSON:API errors too
    clientErrorHandler,
    // malformed percent-encoding in the path never reaches a route
    frameworkErrors: (error, _req, reply) => {
      const e = new ApiError(400, 'bad_url', 'Bad request', error.code === 'FST_ERR_BAD_URL' ? 'the URL path has a malformed percent-encoding' : error.message);
      const r = reply as unknown as { status(n: number): { type(t: string): { send(b: unknown): void } } };
      r.status(400)
        .type(JSONAPI_MEDIA_TYPE)
        .send(errorDocument([e]));
    },
  });
  const resources = deps.resources ?? loadResources(config.resourcesDir);
  const prefixes = config.prefixes;
  app.addHook('onRequest', refuseWrites(prefixes));
  await registerSecurity(app, config);

  app.setErrorHandler((err, req, reply) => {
    const api = toApiError(err);
    if (api.status >= 500 && !(api instanceof DatabaseError)) req.log.error({ err, cause: (err as { cause?: unknown }).cause }, 'request failed');
    else if (api.status >= 500) req.log.warn({ code: api.code }, api.message);
    if (api.retryAfter !== undefined) reply.header('retry-after', String(api.retryAfter));
    // validators and freshness belong to the answer that was not given
    reply.removeHeader('etag');
    reply.header('cache-control', 'no-store');
    reply
      .status(api.status)
      .type(JSONAPI_MEDIA_TYPE)
      .send(errorDocument([api]));
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0].replace(/\/{2,}/g, '/');
    let detail = `nothing at ${path}`;
    for (const p of prefixes) {
      if (path.startsWith(`${p}/`)) {
        const type = path.slice(p.length + 1).split('/')[0];
        if (type && !resources.get(type)) detail = `unknown resource type '${type}' (known: ${resources.all.map((r) => r.type).join(', ')})`;
      }
    }
    const e = new NotFoundError(detail);
    if (!prefixes.some((p) => path === p || path.startsWith(`${p}/`)) && prefersHtml(req.headers.accept)) {
      return reply
        .status(404)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(htmlErrorPage(404, 'Not found', detail));
    }
    reply
      .status(404)
      .type(JSONAPI_MEDIA_TYPE)
      .send(errorDocument([e]));
  });

  // br/gzip by Accept-Encoding, streamed for large answers; never for tiny ones; quick brotli
  // settings (quality 5): the server compresses on the fly, often on one core
  await app.register(compress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip', 'deflate'],
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } },
    zlibOptions: { level: 5 },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'omsagg — OMS aggregation API',
        version: API_VERSION,
        description:
          'Read-only JSON:API resources in the CMS OMS aggregation-API query dialect: filter[attr][OP]=value (EQ NEQ LT GT LE GE LIKE CT), fields, sort, page[offset]/page[limit]/page[cursor], include (meta, presentation_timestamp, data_only, relationships), group[granularity]. Also served under /agg/api/v1 and configured prefixes.',
      },
      tags: resources.all.map((r) => ({ name: r.type, description: r.title })),
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/health', { schema: { hide: true } as Record<string, unknown> }, async (req, reply) => {
    try {
      await deps.db.reader.ping({ timeoutMs: 2000 });
      return reply.type('application/json').header('cache-control', 'no-store').send({ status: 'ok', database: deps.db.dialect, pool: deps.db.reader.stats(), cache: http.cache.stats() });
    } catch (err) {
      req.log.warn({ err }, 'health check: database unreachable');
      return reply.status(503).type('application/json').header('cache-control', 'no-store').send({ status: 'unavailable', database: deps.db.dialect, pool: deps.db.reader.stats() });
    }
  });
  for (const p of prefixes) {
    app.get(`${p}/openapi.json`, { schema: { hide: true } as Record<string, unknown> }, async () => app.swagger());
  }

  const engine = new ReadEngine(deps.db, resources, {
    defaultPageLimit: config.defaultPageLimit,
    maxPageLimit: config.maxPageLimit,
    statementTimeoutMs: config.statementTimeoutMs,
    batchRows: deps.csvBatchRows,
    includeLimit: deps.includeLimit,
  });
  await engine.watchSummaries();
  const caching = { ...DEFAULT_CACHING, cacheBytes: config.cacheMb * (1 << 20) };
  const http: HttpCaching = { versions: new DataVersions(deps.db.reader, config.versionRefreshMs), cache: new ResponseCache(caching), options: caching };
  await http.versions.start();
  app.addHook('onClose', async () => {
    engine.close();
    http.versions.stop();
  });
  registerResourceRoutes(app, engine, http, prefixes);

  const pluginOptions: AppPluginOptions = { config, db: deps.db, resources, engine, http, prefixes };
  for (const plugin of deps.plugins ?? []) await app.register(plugin, pluginOptions);
  return app;
}
