// The probe API, under every API prefix the app serves (config.prefixes, default /api/v1 and
// /agg/api/v1):
//   GET {prefix}/probes                              JSON:API list of probes (parameters schema, defaults)
//   GET {prefix}/probes/{id}                         one probe
//   GET {prefix}/probes/{id}/plot?…                  JSON:API resource `plots`, attributes = the plot object
//   GET {prefix}/probes/{id}/plotly?…                the Plotly figure {data, layout}
//   GET {prefix}/probes/{id}/csv?…                   the plotted data as CSV
//   GET {prefix}/probes/{id}/points[/meta|/csv]      the points form for the OMS GUI's generic portlets
//   GET {prefix}/probes/{id}/series/{key}/points[/meta|/csv]   one series (the chart portlet cannot add filters)
// Probe parameters come as `name=value` or as OMS filters `filter[name][EQ]=value`. Probes read
// through the app's read engine (AppPluginOptions.engine). The points collections go through the
// JSON:API engine's parse → memory → document stages (src/jsonapi/memory.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cacheControlOf, etagOf, ifNoneMatch, type HttpCaching } from '../http/caching.js';
import type { Db } from '../db/connection.js';
import { ReadEngine } from '../jsonapi/engine.js';
import { loadResources } from '../resources/loader.js';
import { ApiError, JSONAPI_MEDIA_TYPE, NotFoundError } from '../jsonapi/errors.js';
import { memoryCollection, memoryCsv, memoryMeta, memorySingle } from '../jsonapi/memory.js';
import { parseQuery } from '../jsonapi/query.js';
import { rawQueryOf, serialiseQuery } from '../jsonapi/querystring.js';
import { toPlotly } from '../plot/to-plotly.js';
import { plotToCsv } from '../plot/csv.js';
import { plotToPoints } from '../plot/points.js';
import { loadProbes, type ProbeRegistry } from './registry.js';
import { ProbeService } from './service.js';
import type { CatalogReader } from './context.js';
import { pointsResource, pointRowsFor, patchRowUnits } from './points-resource.js';
import { rejectUnknown, splitQuery } from './params.js';
import type { Params, Probe } from './types.js';
import type { Series } from '../plot/types.js';

export interface ProbesPluginOptions {
  /** the read engine probes read through (buildApp passes the app's own) */
  engine?: CatalogReader;
  /** without an engine: one is built over this database and resources/ */
  db?: Db;
  config: { prefixes?: string[]; maxPageLimit?: number; defaultPageLimit?: number; statementTimeoutMs?: number; resourcesDir?: string };
  /** for tests: a registry other than src/probes/catalog/ */
  registry?: ProbeRegistry;
  /** validators and freshness (buildApp passes the app's); without it answers carry none */
  http?: HttpCaching;
}

export const DEFAULT_PREFIXES = ['/api/v1', '/agg/api/v1'];

/** OpenAPI documentation only (no validation: parameters are parsed from the raw query string). */
const doc = (summary: string, description: string) => ({ tags: ['probes'], summary, description });

function jsonApi(reply: FastifyReply, body: unknown) {
  return reply.type(JSONAPI_MEDIA_TYPE).send(body);
}

function rootUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

function probeSummary(p: Probe, prefix: string, root: string, defaults?: Params) {
  const statics = Object.fromEntries(
    Object.entries(p.params.properties)
      .filter(([, v]) => v.default !== undefined)
      .map(([k, v]) => [k, v.default]),
  );
  return {
    id: p.id,
    type: 'probes',
    attributes: {
      title: p.title,
      description: p.description,
      parameters: p.params,
      defaults: { ...statics, ...(defaults ?? {}) },
    },
    links: { self: `${root}${prefix}/probes/${p.id}` },
    // JSON:API allows only its own link names; the other forms are listed here
    meta: {
      plot: `${root}${prefix}/probes/${p.id}/plot`,
      plotly: `${root}${prefix}/probes/${p.id}/plotly`,
      csv: `${root}${prefix}/probes/${p.id}/csv`,
      points: `${root}${prefix}/probes/${p.id}/points`,
      page: `${root}/probes/${p.id}`,
    },
  };
}

/** `/series/{key}/points` of a probe whose series are chosen by a parameter: choose that one. */
function seriesDefault(probe: Probe, given: Record<string, string | string[]>, key: string | undefined): boolean {
  if (key === undefined || !probe.seriesParam || given[probe.seriesParam] !== undefined) return false;
  given[probe.seriesParam] = [probe.seriesValue ? probe.seriesValue(key) : key];
  return true;
}

/** A series key that the probe rejects as a parameter value is an unknown series (404), not a bad parameter. */
async function asSeries<T>(probe: Probe, key: string | undefined, chosen: boolean, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (chosen && err instanceof ApiError && err.status === 400 && err.parameter === probe.seriesParam) {
      throw new NotFoundError(`probe ${probe.id} has no series '${key}' (${err.message})`, 'unknown_series');
    }
    throw err;
  }
}

/** The engine probes read through: the app's, or (plugin registered on its own) one over `db`. */
function engineOf(opts: ProbesPluginOptions, limits: { maxLimit: number; defaultLimit: number }): CatalogReader {
  if (opts.engine) return opts.engine;
  if (!opts.db) throw new Error('probesPlugin needs an engine (from buildApp) or a db');
  return new ReadEngine(opts.db, loadResources(opts.config.resourcesDir), {
    defaultPageLimit: limits.defaultLimit,
    maxPageLimit: limits.maxLimit,
    statementTimeoutMs: opts.config.statementTimeoutMs,
  });
}

/**
 * Validators and freshness of a probe answer (as for resources, src/http/caching.ts): the version of
 * the runs its parameters name (the run, or the fill's runs; all data otherwise). True when the
 * client's copy is current: the reply is then a 304 and the probe does not run.
 */
function probeConditional(http: HttpCaching | undefined, req: FastifyRequest, reply: FastifyReply, probe: Probe, params: Params): boolean {
  if (!http) return false;
  const v = http.versions;
  const runs =
    typeof params.run_number === 'number'
      ? v.runsOf([{ attribute: 'run_number', op: 'EQ', value: params.run_number }])
      : typeof params.fill_number === 'number'
        ? v.runsOf([{ attribute: 'fill_number', op: 'EQ', value: params.fill_number }])
        : undefined;
  // probes draw anomaly scores too, which omsagg may revise for closed runs
  const scope = v.scopeOf(runs, { scores: true });
  const resolved = Object.entries(params)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, x]) => `${k}=${Array.isArray(x) ? x.join(',') : String(x)}`);
  const etag = etagOf([`${req.protocol}://${req.host}`, req.url.split('?')[0].replace(/\/{2,}/g, '/'), rawQueryOf(req.url), resolved.join('&'), scope.version, probe.id]);
  reply
    .header('etag', etag)
    .header('cache-control', cacheControlOf(scope, false, http.options))
    .header('vary', 'Accept, Accept-Encoding');
  return ifNoneMatch(req.headers['if-none-match'] as string | undefined, etag);
}

export async function probesPlugin(app: FastifyInstance, opts: ProbesPluginOptions): Promise<void> {
  const http = opts.http;
  const registry = opts.registry ?? (await loadProbes());
  const prefixes = opts.config.prefixes?.length ? opts.config.prefixes : DEFAULT_PREFIXES;
  const limits = { maxLimit: opts.config.maxPageLimit ?? 100_000, defaultLimit: opts.config.defaultPageLimit ?? 100 };
  const service = new ProbeService(engineOf(opts, limits));

  const probeOf = (id: string): Probe => {
    const p = registry.get(id);
    if (!p)
      throw new NotFoundError(
        `no probe '${id}' (known: ${registry
          .list()
          .map((x) => x.id)
          .join(', ')})`,
        'unknown_probe',
      );
    return p;
  };

  /** parameters for the plot/plotly/csv forms: nothing but probe parameters is accepted */
  const strictParams = async (probe: Probe, req: FastifyRequest, prefix: string) => {
    const { given, rest } = splitQuery(probe, rawQueryOf(req.raw.url ?? ''));
    rejectUnknown(probe, rest);
    return service.resolveParams(probe, given, { apiPrefix: prefix });
  };

  for (const prefix of prefixes) {
    const ctxOf = () => ({ apiPrefix: prefix });

    app.get(
      `${prefix}/probes`,
      { schema: doc('List the probes', 'JSON:API collection of type `probes`: id, title, description, the JSON Schema of the parameters, and the defaults resolved on the current data.') },
      async (req, reply) => {
        const root = rootUrl(req);
        const data = await Promise.all(
          registry.list().map(async (p) => {
            let defaults: Params | undefined;
            try {
              defaults = await service.resolveParams(p, {}, ctxOf());
            } catch {
              defaults = undefined; // no data yet: the list still works
            }
            return probeSummary(p, prefix, root, defaults);
          }),
        );
        return jsonApi(reply, { data, links: { self: `${root}${prefix}/probes` }, meta: { totalResourceCount: data.length } });
      },
    );

    app.get<{ Params: { id: string } }>(`${prefix}/probes/:id`, { schema: doc('One probe', "The probe's title, description, parameter schema and defaults.") }, async (req, reply) => {
      const p = probeOf(req.params.id);
      const root = rootUrl(req);
      let defaults: Params | undefined;
      try {
        defaults = await service.resolveParams(p, {}, ctxOf());
      } catch {
        defaults = undefined;
      }
      const obj = probeSummary(p, prefix, root, defaults);
      return jsonApi(reply, { data: obj, links: { self: obj.links.self } });
    });

    app.get<{ Params: { id: string } }>(
      `${prefix}/probes/:id/plot`,
      {
        schema: doc(
          'Run a probe: generic plot object',
          'JSON:API resource of type `plots` whose attributes are the plot object (src/plot/plot-object.schema.json). Probe parameters as `name=value` or as OMS filters `filter[name][EQ]=value`.',
        ),
      },
      async (req, reply) => {
        const probe = probeOf(req.params.id);
        const params = await strictParams(probe, req, prefix);
        if (probeConditional(http, req, reply, probe, params)) return reply.code(304).send();
        const plot = await service.plot(probe, params, ctxOf());
        const root = rootUrl(req);
        const query = serialiseQuery(Object.entries(params).map(([key, v]) => ({ key, value: Array.isArray(v) ? v.join(',') : String(v) })));
        const self = `${root}${prefix}/probes/${probe.id}/plot?${query}`;
        return jsonApi(reply, {
          data: {
            id: `${probe.id}?${Object.entries(params)
              .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`)
              .join('&')}`,
            type: 'plots',
            attributes: plot,
            links: { self },
          },
          links: { self },
          meta: { probe: probe.id, live: plot.live ?? false, plotly: self.replace('/plot?', '/plotly?'), csv: self.replace('/plot?', '/csv?'), points: self.replace('/plot?', '/points?') },
        });
      },
    );

    app.get<{ Params: { id: string } }>(
      `${prefix}/probes/:id/plotly`,
      { schema: doc('Run a probe: Plotly figure', 'The plot object converted to a Plotly figure {data, layout}; sources, parameters and spans in layout.meta.') },
      async (req, reply) => {
        const probe = probeOf(req.params.id);
        const params = await strictParams(probe, req, prefix);
        if (probeConditional(http, req, reply, probe, params)) return reply.code(304).send();
        const plot = await service.plot(probe, params, ctxOf());
        return reply.type('application/json').send(toPlotly(plot));
      },
    );

    app.get<{ Params: { id: string } }>(
      `${prefix}/probes/:id/csv`,
      { schema: doc('Run a probe: CSV', 'The plotted data as CSV, one line per point, units in the header and in y_unit/z_unit columns.') },
      async (req, reply) => {
        const probe = probeOf(req.params.id);
        const params = await strictParams(probe, req, prefix);
        if (probeConditional(http, req, reply, probe, params)) return reply.code(304).send();
        const plot = await service.plot(probe, params, ctxOf());
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `inline; filename="${probe.id}.csv"`).send(plotToCsv(plot));
      },
    );

    // ---- points: one generic mechanism (the JSON:API engine over in-memory rows) ----
    /** The probe, its parameters and plot, and the selected series, for a points request. */
    const pointsPlot = async (req: FastifyRequest<{ Params: { id: string; key?: string } }>, reply: FastifyReply) => {
      const probe = probeOf(req.params.id);
      const raw = rawQueryOf(req.raw.url ?? '');
      const { given, plainNames } = splitQuery(probe, raw);
      const chosen = seriesDefault(probe, given, req.params.key);
      const params = await asSeries(probe, req.params.key, chosen, () => service.resolveParams(probe, given, ctxOf()));
      if (probeConditional(http, req, reply, probe, params)) return { fresh: true as const };
      const plot = await asSeries(probe, req.params.key, chosen, () => service.plot(probe, params, ctxOf()));
      let series: Series | undefined;
      if (req.params.key !== undefined) {
        series = plot.series.find((s) => s.key === req.params.key);
        if (!series) throw new NotFoundError(`probe ${probe.id} has no series '${req.params.key}' for these parameters (series: ${plot.series.map((s) => s.key).join(', ')})`, 'unknown_series');
      }
      return { fresh: false as const, probe, raw, plainNames, params, plot, series };
    };

    const points = async (req: FastifyRequest<{ Params: { id: string; key?: string } }>, reply: FastifyReply, form: 'collection' | 'csv') => {
      const p = await pointsPlot(req, reply);
      if (p.fresh) return undefined;
      const { probe, raw, plainNames, params, plot, series } = p;
      const resource = pointsResource(probe, plot, series);
      const all = plotToPoints(plot).filter((r) => !series || r.series === series.key);
      const rows = pointRowsFor(all, params, probe);
      const root = rootUrl(req);
      const base = `${root}${prefix}/probes/${probe.id}${series ? `/series/${series.key}` : ''}`;
      const options = { ...limits, extraParams: plainNames };
      if (form === 'csv') return memoryCsv(resource, rows, raw, options);
      const doc = memoryCollection(resource, rows, raw, { ...options, baseUrl: base, collectionUrl: `${base}/points` });
      patchRowUnits(doc, all);
      return doc;
    };

    const metaRoute = async (req: FastifyRequest<{ Params: { id: string; key?: string } }>, reply: FastifyReply) => {
      const probe = probeOf(req.params.id);
      const { given } = splitQuery(probe, rawQueryOf(req.raw.url ?? ''));
      const chosen = seriesDefault(probe, given, req.params.key);
      let params: Params;
      try {
        params = await asSeries(probe, req.params.key, chosen, () => service.resolveParams(probe, given, ctxOf()));
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 404 || err.code === 'unknown_series') throw err;
        // no data yet: meta still lists every field (neutral titles, no units)
        return jsonApi(reply, memoryMeta(pointsResource(probe, undefined, undefined)));
      }
      const plot = await asSeries(probe, req.params.key, chosen, () => service.plot(probe, params, ctxOf()));
      const series = req.params.key !== undefined ? plot.series.find((s) => s.key === req.params.key) : undefined;
      if (req.params.key !== undefined && !series) throw new NotFoundError(`probe ${probe.id} has no series '${req.params.key}'`, 'unknown_series');
      return jsonApi(reply, memoryMeta(pointsResource(probe, plot, series)));
    };

    for (const base of [`${prefix}/probes/:id`, `${prefix}/probes/:id/series/:key`]) {
      app.get<{ Params: { id: string; key?: string } }>(
        `${base}/points`,
        {
          schema: doc(
            'Probe points (OMS generic portlets)',
            'One row per plotted point: series, numeric x (times in epoch ms), y, y_low/y_high for bands, z for heatmap cells, and the probe parameters echoed. The full JSON:API query grammar applies (filter, fields, sort, page, include=meta); probe parameters also as filter[name][EQ].',
          ),
        },
        async (req, reply) => {
          const accept = req.headers.accept ?? '';
          const csv = /text\/csv/.test(accept) && !/json/.test(accept);
          const body = await points(req, reply, csv ? 'csv' : 'collection');
          if (body === undefined) return reply.code(304).send();
          return csv ? reply.type('text/csv; charset=utf-8').send(body) : jsonApi(reply, body);
        },
      );
      app.get<{ Params: { id: string; key?: string } }>(
        `${base}/points/meta`,
        { schema: doc('Probe points: field metadata', 'meta.fields (title, api_type, units, description) and fields_order, as OMS /{resource}/meta.') },
        metaRoute,
      );
      // the `links.self` of every point
      app.get<{ Params: { id: string; key?: string; point: string } }>(
        `${base}/points/:point`,
        { schema: doc('One probe point', 'The point a links.self of the points collection names.') },
        async (req, reply) => {
          const p = await pointsPlot(req, reply);
          if (p.fresh) return reply.code(304).send();
          const { probe, raw, plainNames, params, plot, series } = p;
          const all = plotToPoints(plot).filter((r) => !series || r.series === series.key);
          const point = all.find((r) => r.id === req.params.point);
          if (!point) throw new NotFoundError(`probe ${probe.id} has no point '${req.params.point}' for these parameters`);
          const resource = pointsResource(probe, plot, series);
          const q = parseQuery(raw, resource, { ...limits, extraParams: plainNames, allowRelationships: false });
          const doc = memorySingle(resource, pointRowsFor([point], params, probe)[0], q, `${rootUrl(req)}${prefix}/probes/${probe.id}${series ? `/series/${series.key}` : ''}`);
          patchRowUnits({ data: [doc.data as never] }, [point]);
          return jsonApi(reply, doc);
        },
      );
      app.get<{ Params: { id: string; key?: string } }>(`${base}/points/csv`, { schema: doc('Probe points as CSV', 'The points collection as CSV, same query grammar.') }, async (req, reply) => {
        const body = await points(req, reply, 'csv');
        if (body === undefined) return reply.code(304).send();
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `inline; filename="${req.params.id}-points.csv"`).send(body);
      });
    }
  }
}
