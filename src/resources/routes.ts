// Generic routes: every resource of the registry under every API prefix.
//   GET {prefix}/{type}                                  collection (JSON:API, or CSV by Accept)
//   GET {prefix}/{type}/meta | /csv                      field metadata | CSV export
//   GET {prefix}/{type}/{id}                             one resource
//   GET {prefix}/{type}/{id}/{relationship}              related resource(s)
//   GET {prefix}/{type}/{id}/relationships/{relationship} resource linkage
// The query string is parsed from the raw URL by src/jsonapi/querystring.ts, never by Fastify.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/connection.js';
import { ApiError, DatabaseError, JSONAPI_MEDIA_TYPE, MethodNotAllowedError, NotFoundError, QueryParseError } from '../jsonapi/errors.js';
import { collectionDocument, idOf, metaDocument, resourceObject, singleDocument, type ResourceObject, type Row } from '../jsonapi/document.js';
import { csvStream } from '../jsonapi/csv.js';
import { checkContentType, negotiate } from '../jsonapi/negotiate.js';
import { parseQuery, type Filter, type QueryOptions, type ResourceQuery } from '../jsonapi/query.js';
import { rawQueryOf, parseRawQuery } from '../jsonapi/querystring.js';
import type { ColumnAttribute, Relationship, ResourceDef } from '../jsonapi/resource.js';
import { equalityFilters, pageQueries, runPage } from '../jsonapi/sql.js';
// route schemas only document (OpenAPI); the engine validates, so Fastify validation is off for them
import { openapiOf, documentOnly } from '../server/openapi.js';
import { parseFilterValue, ValueError } from '../jsonapi/values.js';
import type { ResourceRegistry } from './loader.js';

export interface ResourceRoutesOptions {
  db: Db;
  resources: ResourceRegistry;
  prefixes: string[];
  defaultPageLimit: number;
  maxPageLimit: number;
  statementTimeoutMs?: number;
  /** rows fetched per keyset batch when streaming CSV (default 5000) */
  csvBatchRows?: number;
  /** most related resources included per relationship per request (default 1000) */
  includeLimit?: number;
}

/** Any failure of the database becomes a clean 503 (no SQL text); ApiErrors pass through. */
export async function withDb<T>(req: FastifyRequest, fn: () => Promise<T>, timeoutMs?: number): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    req.log.error({ err }, 'database query failed');
    const code = (err as { code?: string }).code;
    const message = String((err as { message?: string }).message ?? '');
    if (code === '42P01' || /no such table|ORA-00942/i.test(message)) {
      throw new DatabaseError('a view this resource reads is missing from the database: the schema is older than the server (re-create the views, e.g. omsagg seed)', 500, 'schema_mismatch');
    }
    if (code === '57014') throw new DatabaseError(`the query exceeded the statement timeout${timeoutMs ? ` of ${timeoutMs} ms` : ''}; narrow the filters or page with page[cursor]`, 503, 'statement_timeout');
    throw new DatabaseError('the database is unavailable or failed to answer; try again later');
  }
}

export function baseUrlOf(req: FastifyRequest, prefix: string): string {
  return `${req.protocol}://${req.host}${prefix}`;
}

function splitId(resource: ResourceDef, id: string): Record<string, unknown> | undefined {
  const cols = resource.id.map((n) => resource.byName.get(n) as ColumnAttribute);
  const parts = id.split('_');
  const textual = cols.filter((c) => c.type === 'string' || c.type === 'array' || c.type === 'datetime').length;
  let pieces: string[];
  if (parts.length === cols.length) pieces = parts;
  else if (textual === 1 && parts.length > cols.length) {
    // integer parts take one piece each; the one textual part (e.g. a path name) takes the rest
    const i = cols.findIndex((c) => c.type === 'string' || c.type === 'array' || c.type === 'datetime');
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

export function registerResourceRoutes(app: FastifyInstance, opts: ResourceRoutesOptions): void {
  const { db, resources } = opts;
  const queryOptions: QueryOptions = { defaultLimit: opts.defaultPageLimit, maxLimit: opts.maxPageLimit };

  const sendJson = (reply: FastifyReply, doc: unknown) => reply.type(JSONAPI_MEDIA_TYPE).send(doc);

  async function findRow(req: FastifyRequest, resource: ResourceDef, id: string): Promise<Row> {
    const values = splitId(resource, id);
    const notFound = new NotFoundError(`${resource.type} '${id}' does not exist`);
    if (!values) throw notFound;
    const q = parseQuery('', resource, queryOptions);
    const rel = resource.relationships.flatMap((r) => Object.keys(r.keys));
    const page = await withDb(req, () => runPage(db, resource, { ...q, page: { offset: 0, limit: 1 } }, { extraFilters: equalityFilters(values), extraColumns: rel }), opts.statementTimeoutMs);
    if (!page.rows.length) throw notFound;
    return page.rows[0];
  }

  /** Included resources (compound document) and the linkage they need in the primary data. */
  async function includeRelated(req: FastifyRequest, resource: ResourceDef, q: ResourceQuery, rows: Row[], data: ResourceObject[], baseUrl: string): Promise<ResourceObject[] | undefined> {
    if (!q.include.relationships.length) return undefined;
    const included = new Map<string, ResourceObject>();
    for (const name of q.include.relationships) {
      const rel = resource.relationships.find((r) => r.name === name)!;
      const target = resources.get(rel.type)!;
      const tq = parseQuery('', target, queryOptions);
      tq.page.limit = opts.maxPageLimit;
      const localCols = Object.keys(rel.keys).map((k) => resource.byName.get(k) as ColumnAttribute);
      const remoteCols = Object.values(rel.keys).map((k) => target.byName.get(k) as ColumnAttribute);
      const tuples = new Map<string, Row>();
      for (const r of rows) tuples.set(JSON.stringify(localCols.map((c) => r[c.column])), r);
      const related: Row[] = [];
      const cap = opts.includeLimit ?? 1000;
      // OR-ed equality groups of the distinct key tuples, in chunks, up to the cap (+1 to detect truncation)
      const all = [...tuples.values()];
      for (let i = 0; i < all.length && related.length <= cap; i += 200) {
        const chunk = all.slice(i, i + 200);
        const page = await withDb(req, async () => {
          const pq = pageQueries(db, target, { ...tq, page: { offset: 0, limit: cap + 1 - related.length } });
          pq.rows.where((w) => {
            for (const r of chunk) {
              w.orWhere((b) => {
                localCols.forEach((lc, j) => {
                  const v = r[lc.column];
                  if (v === null || v === undefined) b.whereNull(`t.${remoteCols[j].column}`);
                  else b.where(`t.${remoteCols[j].column}`, v as string | number);
                });
              });
            }
          });
          return (await pq.rows) as Row[];
        }, opts.statementTimeoutMs);
        related.push(...page);
      }
      const truncated = related.length > cap;
      if (truncated) related.length = cap;
      const byKey = new Map<string, Row[]>();
      for (const r of related) {
        const k = JSON.stringify(remoteCols.map((c) => normKey(r[c.column])));
        (byKey.get(k) ?? byKey.set(k, []).get(k)!).push(r);
        const o = resourceObject(target, r, tq, baseUrl);
        included.set(`${o.type}/${o.id}`, o);
      }
      rows.forEach((r, i) => {
        const matches = byKey.get(JSON.stringify(localCols.map((c) => normKey(r[c.column])))) ?? [];
        const ids = matches.map((m) => ({ type: target.type, id: idOf(target, m) }));
        // full linkage: every included resource is referenced from the primary data, also under `fields`
        const o = data[i];
        if (!o.links) return;
        o.relationships ??= {};
        o.relationships[name] ??= { links: { self: `${o.links.self}/relationships/${name}`, related: `${o.links.self}/${name}` } };
        o.relationships[name].data = rel.cardinality === 'one' ? ids[0] ?? null : ids;
        // the related link pages through all of them
        if (truncated && rel.cardinality === 'many') o.relationships[name].meta = { truncated: true, includeLimit: cap };
      });
    }
    return [...included.values()];
  }

  async function collection(req: FastifyRequest, reply: FastifyReply, resource: ResourceDef, prefix: string, extra: { filters?: Filter[]; collectionUrl?: string; forceCsv?: boolean; single?: boolean } = {}) {
    checkContentType(req.headers['content-type']);
    const representation = extra.forceCsv ? 'csv' : negotiate(req.headers.accept);
    const params = parseRawQuery(rawQueryOf(req.url));
    const q = parseQuery(params, resource, queryOptions);
    const baseUrl = baseUrlOf(req, prefix);
    if (representation === 'csv') {
      if (q.include.relationships.length) q.include.relationships = [];
      if (!params.some((p) => p.name === 'page' && p.path[0] === 'limit')) q.page.limit = opts.maxPageLimit;
      // validate the query (and the database) before the first byte is sent
      await withDb(req, () => runPage(db, resource, { ...q, page: { ...q.page, limit: 0 } }, { extraFilters: extra.filters }), opts.statementTimeoutMs);
      reply.type('text/csv; charset=utf-8').header('content-disposition', `inline; filename="${resource.type}.csv"`);
      return reply.send(csvStream(resource, q, Readable.from(batches(req, resource, q, extra.filters))));
    }
    const rel = q.include.relationships.flatMap((n) => Object.keys(resource.relationships.find((r) => r.name === n)!.keys));
    const page = await withDb(req, () => runPage(db, resource, q, { extraFilters: extra.filters, extraColumns: rel }), opts.statementTimeoutMs);
    if (extra.single) {
      if (!page.rows.length) return sendJson(reply, { data: null, links: { self: extra.collectionUrl } });
      const data = [resourceObject(resource, page.rows[0], q, baseUrl)];
      const included = await includeRelated(req, resource, q, page.rows.slice(0, 1), data, baseUrl);
      return sendJson(reply, { ...singleDocument(resource, page.rows[0], q, baseUrl, included), data: data[0], links: { self: extra.collectionUrl } });
    }
    const doc = collectionDocument(resource, page.rows, q, { baseUrl, collectionUrl: extra.collectionUrl, total: page.total, nextCursor: page.nextCursor });
    const included = await includeRelated(req, resource, q, page.rows, doc.data as ResourceObject[], baseUrl);
    if (included) doc.included = included;
    return sendJson(reply, doc);
  }

  /** Rows of a CSV export in keyset batches (bounded memory on every dialect). */
  async function* batches(req: FastifyRequest, resource: ResourceDef, q: ResourceQuery, filters?: Filter[]): AsyncGenerator<Row> {
    let remaining = q.page.limit;
    let skip = q.page.offset;
    let cursor = q.page.cursor ?? '';
    while (remaining > 0) {
      const limit = Math.min(opts.csvBatchRows ?? 5000, remaining + skip);
      const page = await withDb(req, () => runPage(db, resource, { ...q, page: { offset: 0, limit, cursor } }, { extraFilters: filters }), opts.statementTimeoutMs);
      for (const r of page.rows) {
        if (skip > 0) {
          skip--;
          continue;
        }
        if (remaining-- <= 0) return;
        yield r;
      }
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  for (const prefix of opts.prefixes) {
    const hide = prefix !== opts.prefixes[0];
    // discovery: the resources served under this prefix
    app.get(prefix, documentOnly({ hide, tags: ['index'], summary: 'List of the resources served here' }), async (req, reply) => {
      checkContentType(req.headers['content-type']);
      negotiate(req.headers.accept);
      const params = parseRawQuery(rawQueryOf(req.url));
      if (params.length) throw new QueryParseError('unknown_parameter', `the resource index takes no parameters (got '${params[0].key}')`, params[0].key);
      const base = baseUrlOf(req, prefix);
      return sendJson(reply, {
        data: resources.all.map((r) => ({
          type: 'resources',
          id: r.type,
          attributes: { title: r.title, description: r.description, id_attributes: r.id, granularities: Object.keys(r.granularity), relationship_names: r.relationships.map((x) => x.name) },
          links: { self: `${base}/${r.type}` },
          meta: { meta_url: `${base}/${r.type}/meta`, csv_url: `${base}/${r.type}/csv` },
        })),
        links: { self: base },
        meta: { totalResourceCount: resources.all.length },
      });
    });
    for (const resource of resources.all) {
      const base = `${prefix}/${resource.type}`;
      const tags = [resource.type];
      const doc = (summary: string, description = resource.description) => ({ hide, tags, summary, description });

      app.get(base, documentOnly({ ...doc(`${resource.title}: collection`), ...openapiOf(resource, 'collection') }), (req, reply) => collection(req, reply, resource, prefix));
      app.get(`${base}/meta`, documentOnly({ ...doc(`${resource.title}: field metadata`), ...openapiOf(resource, 'meta') }), async (req, reply) => {
        checkContentType(req.headers['content-type']);
        negotiate(req.headers.accept);
        const params = parseRawQuery(rawQueryOf(req.url));
        if (params.length) parseQuery(params.filter((p) => p.name !== 'include'), resource, { ...queryOptions, extraParams: [] });
        return sendJson(reply, metaDocument(resource));
      });
      app.get(`${base}/csv`, documentOnly({ ...doc(`${resource.title}: CSV export`), ...openapiOf(resource, 'csv') }), (req, reply) => collection(req, reply, resource, prefix, { forceCsv: true }));
      app.get(`${base}/:id`, documentOnly({ ...doc(`${resource.title}: one resource by id (${resource.id.join('_')})`), ...openapiOf(resource, 'single') }), async (req, reply) => {
        checkContentType(req.headers['content-type']);
        negotiate(req.headers.accept);
        const { id } = req.params as { id: string };
        const params = parseRawQuery(rawQueryOf(req.url));
        const q = parseQuery(params, resource, queryOptions);
        const row = await findRow(req, resource, id);
        const baseUrl = baseUrlOf(req, prefix);
        const data = [resourceObject(resource, row, q, baseUrl)];
        const included = await includeRelated(req, resource, q, [row], data, baseUrl);
        const d = singleDocument(resource, row, q, baseUrl, included);
        d.data = data[0];
        return sendJson(reply, d);
      });
      const related = async (req: FastifyRequest, reply: FastifyReply, linkage: boolean) => {
        const { id, relationship } = req.params as { id: string; relationship: string };
        const rel = resource.relationships.find((r) => r.name === relationship);
        if (!rel) throw new NotFoundError(`${resource.type} has no relationship '${relationship}'${resource.relationships.length ? ` (${resource.relationships.map((r) => r.name).join(', ')})` : ''}`);
        const row = await findRow(req, resource, id);
        const target = resources.get(rel.type)!;
        const filters = relationFilters(resource, target, rel, row);
        const self = `${baseUrlOf(req, prefix)}/${resource.type}/${encodeURIComponent(id)}`;
        if (!linkage) return collection(req, reply, target, prefix, { filters, collectionUrl: `${self}/${rel.name}`, single: rel.cardinality === 'one' });
        checkContentType(req.headers['content-type']);
        negotiate(req.headers.accept);
        const q = parseQuery(parseRawQuery(rawQueryOf(req.url)), target, queryOptions);
        const page = await withDb(req, () => runPage(db, target, q, { extraFilters: filters }), opts.statementTimeoutMs);
        const ids = page.rows.map((r) => ({ type: target.type, id: idOf(target, r, q) }));
        return sendJson(reply, {
          links: { self: `${self}/relationships/${rel.name}`, related: `${self}/${rel.name}` },
          data: rel.cardinality === 'one' ? ids[0] ?? null : ids,
          ...(rel.cardinality === 'many' ? { meta: { totalResourceCount: page.total } } : {}),
        });
      };
      app.get(`${base}/:id/:relationship`, documentOnly({ ...doc(`${resource.title}: related resources`), ...openapiOf(resource, 'related') }), (req, reply) => related(req, reply, false));
      app.get(`${base}/:id/relationships/:relationship`, documentOnly({ ...doc(`${resource.title}: relationship linkage`), ...openapiOf(resource, 'linkage') }), (req, reply) => related(req, reply, true));
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

function normKey(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return v ?? null;
}

function relationFilters(resource: ResourceDef, target: ResourceDef, rel: Relationship, row: Row): Filter[] {
  return Object.entries(rel.keys).map(([local, remote]) => {
    const lc = resource.byName.get(local) as ColumnAttribute;
    void target;
    return { attribute: remote, op: 'EQ', value: (row[lc.column] ?? null) as Filter['value'], parameter: local };
  });
}
