// Generic routes: every resource of the registry under every API prefix. Each handler parses,
// plans, executes and renders through the read engine (src/jsonapi/engine.ts) and sends what it
// returns; errors are thrown as ApiErrors and mapped to HTTP in one place (src/app.ts).
//   GET {prefix}/{type}                                  collection (JSON:API, or CSV by Accept)
//   GET {prefix}/{type}/meta | /csv                      field metadata | CSV export
//   GET {prefix}/{type}/{id}                             one resource
//   GET {prefix}/{type}/{id}/{relationship}              related resource(s)
//   GET {prefix}/{type}/{id}/relationships/{relationship} resource linkage
// The query string is parsed from the raw URL by src/jsonapi/querystring.ts, never by Fastify.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cacheControlOf, etagOf, ifNoneMatch, type HttpCaching } from '../http/caching.js';
import type { Scope } from '../http/versions.js';
import { JSONAPI_MEDIA_TYPE, MethodNotAllowedError, NotFoundError, QueryParseError } from '../jsonapi/errors.js';
import type { ReadEngine } from '../jsonapi/engine.js';
import { rowsBeyond } from '../jsonapi/execute.js';
import { metaDocument } from '../jsonapi/meta.js';
import { checkContentType, negotiate } from '../jsonapi/negotiate.js';
import type { ReadPlan } from '../jsonapi/plan.js';
import type { Filter } from '../jsonapi/query.js';
import { rawQueryOf, parseRawQuery, serialiseQuery } from '../jsonapi/querystring.js';
import { ChunkWriter } from '../jsonapi/bytes.js';
import { renderCsvStream, renderJsonStream, renderLinkage, renderPageBody, renderSingleBody, type Body } from '../jsonapi/render.js';
import type { ColumnAttribute, Relationship, ResourceDef } from '../jsonapi/resource.js';
import { equalityFilters } from '../jsonapi/sql.js';
// route schemas only document (OpenAPI); the engine validates, so Fastify validation is off for them
import { openapiOf, documentOnly } from './openapi.js';
import { parseFilterValue, ValueError } from '../jsonapi/values.js';

/**
 * Rendered chunks buffered ahead of the socket: one. Readable.from fills its buffer through promise
 * callbacks without returning to the event loop, so at the default (16 chunks of a few hundred rows)
 * every refill held other requests for tens of milliseconds.
 */
const STREAM_OPTIONS = { highWaterMark: 1 };

export function baseUrlOf(req: FastifyRequest, prefix: string): string {
  return `${req.protocol}://${req.host}${prefix}`;
}

/** The id's parts as attribute values, or undefined when the id cannot be one of this resource. */
function splitId(resource: ResourceDef, id: string): Record<string, unknown> | undefined {
  const cols = resource.id.map((n) => resource.byName.get(n) as ColumnAttribute);
  const parts = id.split('_');
  const textual = (c: ColumnAttribute) => c.type === 'string' || c.type === 'array' || c.type === 'datetime';
  let pieces: string[];
  if (parts.length === cols.length) pieces = parts;
  else if (cols.filter(textual).length === 1 && parts.length > cols.length) {
    // integer parts take one piece each; the one textual part (e.g. a path name) takes the rest
    const i = cols.findIndex(textual);
    const tail = cols.length - i - 1;
    pieces = [...parts.slice(0, i), parts.slice(i, parts.length - tail).join('_'), ...parts.slice(parts.length - tail)];
  } else return undefined;
  const values: Record<string, unknown> = {};
  try {
    cols.forEach((c, i) => (values[c.name] = parseFilterValue(c.type, pieces[i])));
  } catch (e) {
    if (e instanceof ValueError) return undefined;
    throw e;
  }
  return values;
}

function relationFilters(resource: ResourceDef, rel: Relationship, row: unknown[], columns: string[]): Filter[] {
  return Object.entries(rel.keys).map(([local, remote]) => {
    const lc = resource.byName.get(local) as ColumnAttribute;
    return { attribute: remote, op: 'EQ', value: (row[columns.indexOf(lc.column)] ?? null) as Filter['value'], parameter: local };
  });
}

/** Ties a stream's statement to the response: released when the response closes, however it ends
 *  (a client gone before the first byte never starts the stream's consumer). */
function held<T extends { close(): Promise<void> }>(reply: FastifyReply, stream: T): T {
  if (reply.raw.destroyed || reply.raw.writableEnded) void stream.close();
  else reply.raw.once('close', () => void stream.close());
  return stream;
}

/** The request's path in one spelling (doubled and trailing slashes gone), for validators. */
function pathOf(req: FastifyRequest): string {
  return req.url
    .split('?')[0]
    .replace(/\/{2,}/g, '/')
    .replace(/(.)\/$/, '$1');
}

export function registerResourceRoutes(app: FastifyInstance, engine: ReadEngine, http: HttpCaching, prefixes: string[]): void {
  const resources = engine.resources;
  const sendJson = (reply: FastifyReply, body: string | Readable) => reply.type(JSONAPI_MEDIA_TYPE).send(body);

  /**
   * Validators and freshness for an answer of `plan`; true when the client's copy is current (the
   * reply is then a 304 and no query runs). The ETag covers the path, the canonical parameters,
   * the representation, the base URL (links carry it) and the version of the data read.
   */
  function conditional(req: FastifyRequest, reply: FastifyReply, plan: ReadPlan, representation: string): { etag: string; scope: Scope; fresh: boolean } {
    const scope = http.versions.scopeOfPlan(plan);
    const base = `${req.protocol}://${req.host}`;
    const etag = etagOf([base, pathOf(req), representation, plan.params.map((p) => `${p.key}=${p.value}`).join('&'), scope.version, plan.resource.type]);
    reply
      .header('etag', etag)
      .header('cache-control', cacheControlOf(scope, !plan.resource.revisable, http.options))
      .header('vary', 'Accept, Accept-Encoding');
    return { etag, scope, fresh: ifNoneMatch(req.headers['if-none-match'] as string | undefined, etag) };
  }

  /**
   * Sends a built answer (UTF-8 in a pooled buffer, see src/jsonapi/bytes.ts), keeping a copy
   * (compressed) when it is about closed runs only. The buffer goes back to the pool once the
   * response has finished, i.e. the socket holds no reference to it any more.
   */
  function sendBuilt(reply: FastifyReply, type: string, body: Body, v: { etag: string; scope: Scope }) {
    if (v.scope.closed && http.cache.keeps(body.bytes.length)) void http.cache.put(v.etag, Buffer.from(body.bytes), type);
    reply.raw.once('finish', body.release);
    return reply.type(type).send(body.bytes);
  }

  function request(req: FastifyRequest): { params: ReturnType<typeof parseRawQuery> } {
    checkContentType(req.headers['content-type']);
    return { params: parseRawQuery(rawQueryOf(req.url)) };
  }

  /** The row a resource id names (404 when none), with the columns its relationships need. */
  async function findRow(resource: ResourceDef, id: string): Promise<{ row: unknown[]; columns: string[] }> {
    const values = splitId(resource, id);
    const notFound = new NotFoundError(`${resource.type} '${id}' does not exist`);
    if (!values) throw notFound;
    const q = engine.query(resource, 'page[limit]=1');
    const plan = engine.plan(resource, { ...q, count: 'none' }, { fixedFilters: equalityFilters(values), extraColumns: resource.relationships.flatMap((r) => Object.keys(r.keys)) });
    const res = await engine.page(plan);
    if (!res.rows.rows.length) throw notFound;
    return { row: res.rows.rows[0], columns: res.rows.columns };
  }

  /** A collection in the negotiated representation: built whole, or streamed batch by batch. */
  async function sendCollection(
    req: FastifyRequest,
    reply: FastifyReply,
    resource: ResourceDef,
    prefix: string,
    extra: { filters?: Filter[]; collectionUrl?: string; forceCsv?: boolean; single?: boolean } = {},
  ) {
    const { params } = request(req);
    const representation = extra.forceCsv ? 'csv' : negotiate(req.headers.accept);
    const q = engine.query(resource, params);
    const urls = { baseUrl: baseUrlOf(req, prefix), collectionUrl: extra.collectionUrl };
    if (representation === 'csv') {
      const plan = engine.plan(resource, { ...q, include: { ...q.include, relationships: [] } }, { representation: 'csv', fixedFilters: extra.filters });
      const v = conditional(req, reply, plan, 'csv');
      if (v.fresh) return reply.code(304).send();
      // an export cut by page[limit] says so before the first byte: a header and a link to the rest
      if (plan.page.mode === 'offset' && (await rowsBeyond(engine.db, plan, plan.page.offset + plan.page.limit))) {
        const next =
          (extra.collectionUrl ?? `${urls.baseUrl}/${resource.type}`) +
          '/csv?' +
          serialiseQuery([
            ...plan.params.filter((p) => !(p.name === 'page' && p.path[0] === 'offset')).map((p) => ({ key: p.key, value: p.value })),
            { key: 'page[offset]', value: String(plan.page.offset + plan.page.limit) },
          ]);
        reply.header('omsagg-truncated', `true; page[limit]=${plan.page.limit}`).header('link', `<${next}>; rel="next"`);
      }
      const stream = held(reply, await engine.stream(plan));
      reply.type('text/csv; charset=utf-8').header('content-disposition', `inline; filename="${resource.type}.csv"`);
      return reply.send(Readable.from(renderCsvStream(plan, stream.batches), STREAM_OPTIONS));
    }
    const rels = q.include.relationships.flatMap((n) => Object.keys(resource.relationships.find((r) => r.name === n)!.keys));
    const plan = extra.single
      ? engine.plan(resource, { ...q, count: 'none', page: { offset: 0, limit: 1 } }, { fixedFilters: extra.filters, extraColumns: rels })
      : engine.plan(resource, q, { fixedFilters: extra.filters, extraColumns: rels });
    const v = conditional(req, reply, plan, 'json');
    if (v.fresh) return reply.code(304).send();
    const hit = v.scope.closed ? http.cache.get(v.etag) : undefined;
    if (hit) return http.cache.send(req, reply, hit);
    if (extra.single) return sendBuilt(reply, JSONAPI_MEDIA_TYPE, renderSingleBody(plan, await engine.page(plan), urls, extra.collectionUrl), v);
    if (engine.streams(plan)) {
      const chunks = engine.streamsPooled(plan) ? new ChunkWriter() : undefined;
      if (chunks) reply.raw.once('finish', () => chunks.release());
      return sendJson(reply, Readable.from(renderJsonStream(plan, held(reply, await engine.stream(plan)), urls, chunks), STREAM_OPTIONS));
    }
    return sendBuilt(reply, JSONAPI_MEDIA_TYPE, renderPageBody(plan, await engine.page(plan), urls), v);
  }

  for (const prefix of prefixes) {
    const hide = prefix !== prefixes[0];
    // discovery: the resources served under this prefix
    app.get(prefix, documentOnly({ hide, tags: ['index'], summary: 'List of the resources served here' }), async (req, reply) => {
      const { params } = request(req);
      negotiate(req.headers.accept);
      if (params.length) throw new QueryParseError('unknown_parameter', `the resource index takes no parameters (got '${params[0].key}')`, params[0].key);
      const base = baseUrlOf(req, prefix);
      return sendJson(
        reply,
        JSON.stringify({
          data: resources.all.map((r) => ({
            type: 'resources',
            id: r.type,
            attributes: { title: r.title, description: r.description, id_attributes: r.id, granularities: Object.keys(r.granularity), relationship_names: r.relationships.map((x) => x.name) },
            links: { self: `${base}/${r.type}` },
            meta: { meta_url: `${base}/${r.type}/meta`, csv_url: `${base}/${r.type}/csv` },
          })),
          links: { self: base },
          meta: { totalResourceCount: resources.all.length },
        }),
      );
    });
    for (const resource of resources.all) {
      const base = `${prefix}/${resource.type}`;
      const tags = [resource.type];
      const doc = (summary: string, description = resource.description) => ({ hide, tags, summary, description });

      app.get(base, documentOnly({ ...doc(`${resource.title}: collection`), ...openapiOf(resource, 'collection') }), (req, reply) => sendCollection(req, reply, resource, prefix));
      app.get(`${base}/meta`, documentOnly({ ...doc(`${resource.title}: field metadata`), ...openapiOf(resource, 'meta') }), async (req, reply) => {
        const { params } = request(req);
        negotiate(req.headers.accept);
        if (params.length)
          engine.query(
            resource,
            params.filter((p) => p.name !== 'include'),
          );
        return sendJson(reply, JSON.stringify(metaDocument(resource)));
      });
      app.get(`${base}/csv`, documentOnly({ ...doc(`${resource.title}: CSV export`), ...openapiOf(resource, 'csv') }), (req, reply) =>
        sendCollection(req, reply, resource, prefix, { forceCsv: true }),
      );
      app.get(`${base}/:id`, documentOnly({ ...doc(`${resource.title}: one resource by id (${resource.id.join('_')})`), ...openapiOf(resource, 'single') }), async (req, reply) => {
        const { params } = request(req);
        negotiate(req.headers.accept);
        const id = (req.params as { id: string }).id;
        const values = splitId(resource, id);
        // a segment that cannot be an id is an OMS sub-endpoint omsagg does not serve (runs/autocomplete, …)
        if (!values)
          throw new NotFoundError(
            `${resource.type}/${id} is not served here: '${id}' is not a ${resource.type} id (${resource.id.join('_')}) and ${resource.type} has no sub-endpoint '${id}' (served: meta, csv, {id}, {id}/{relationship})`,
          );
        const q = engine.query(resource, params);
        const rels = q.include.relationships.flatMap((n) => Object.keys(resource.relationships.find((r) => r.name === n)!.keys));
        const plan = engine.plan(resource, { ...q, count: 'none', page: { offset: 0, limit: 1 } }, { fixedFilters: equalityFilters(values), extraColumns: rels });
        const v = conditional(req, reply, plan, 'json');
        if (v.fresh) return reply.code(304).send();
        const hit = v.scope.closed ? http.cache.get(v.etag) : undefined;
        if (hit) return http.cache.send(req, reply, hit);
        const res = await engine.page(plan);
        if (!res.rows.rows.length) throw new NotFoundError(`${resource.type} '${(req.params as { id: string }).id}' does not exist`);
        return sendBuilt(reply, JSONAPI_MEDIA_TYPE, renderSingleBody(plan, res, { baseUrl: baseUrlOf(req, prefix) }), v);
      });
      const related = async (req: FastifyRequest, reply: FastifyReply, linkage: boolean) => {
        const { id, relationship } = req.params as { id: string; relationship: string };
        const rel = resource.relationships.find((r) => r.name === relationship);
        if (!rel) throw new NotFoundError(`${resource.type} has no relationship '${relationship}'${resource.relationships.length ? ` (${resource.relationships.map((r) => r.name).join(', ')})` : ''}`);
        const found = await findRow(resource, id);
        const target = engine.resource(rel.type);
        const filters = relationFilters(resource, rel, found.row, found.columns);
        const self = `${baseUrlOf(req, prefix)}/${resource.type}/${encodeURIComponent(id)}`;
        if (!linkage) return sendCollection(req, reply, target, prefix, { filters, collectionUrl: `${self}/${rel.name}`, single: rel.cardinality === 'one' });
        const { params } = request(req);
        negotiate(req.headers.accept);
        const q = engine.query(target, params);
        const plan = engine.plan(target, q, { fixedFilters: filters });
        return sendJson(reply, renderLinkage(plan, await engine.page(plan), { self: `${self}/relationships/${rel.name}`, related: `${self}/${rel.name}` }, rel.cardinality === 'many'));
      };
      app.get(`${base}/:id/:relationship`, documentOnly({ ...doc(`${resource.title}: related resources`), ...openapiOf(resource, 'related') }), (req, reply) => related(req, reply, false));
      app.get(`${base}/:id/relationships/:relationship`, documentOnly({ ...doc(`${resource.title}: relationship linkage`), ...openapiOf(resource, 'linkage') }), (req, reply) =>
        related(req, reply, true),
      );
      for (const url of [base, `${base}/meta`, `${base}/csv`, `${base}/:id`, `${base}/:id/:relationship`]) {
        app.route({
          method: ['POST', 'PUT', 'PATCH', 'DELETE'],
          url,
          schema: { hide: true } as Record<string, unknown>,
          handler: async () => {
            throw new MethodNotAllowedError('this API is read-only: only GET (and HEAD) are allowed');
          },
        });
      }
    }
  }
}
