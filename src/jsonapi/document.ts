// Rows → JSON:API documents in the OMS shape: string ids joined with "_", attributes (nested
// {counter, rate} objects where the resource says so), links.self, relationship links, row meta
// with units, top-level links first/last/next/prev (next null on the last page) and
// meta.totalResourceCount. A `fields` projection drops relationships and row meta, as OMS does.
import type { Attribute, ColumnAttribute, ResourceDef } from './resource.js';
import { identityOf, type ResourceQuery } from './query.js';
import { serialiseQuery } from './querystring.js';
import { toWire } from './values.js';

export type Row = Record<string, unknown>;

export interface ResourceObject {
  id: string;
  type: string;
  attributes: Record<string, unknown>;
  links?: { self: string };
  relationships?: Record<string, { links: { self: string; related: string }; data?: unknown; meta?: Record<string, unknown> }>;
  meta?: { row: Record<string, { units: string }> };
}

export interface DocumentContext {
  /** absolute API base, e.g. http://host:8080/api/v1 */
  baseUrl: string;
  /** absolute URL of the collection the links page through (defaults to baseUrl/type) */
  collectionUrl?: string;
  /** total number of matching rows (meta.totalResourceCount) */
  total: number;
  /** cursor mode: the cursor of the next page, null on the last page */
  nextCursor?: string | null;
  included?: ResourceObject[];
}

export const API_TYPES: Record<Attribute['type'], string> = {
  integer: 'Integer',
  number: 'Double',
  string: 'String',
  boolean: 'Boolean',
  datetime: 'Date',
  array: 'List',
  object: 'Object',
};

export function idOf(resource: ResourceDef, row: Row, q?: Pick<ResourceQuery, 'granularity'>): string {
  const cols = q ? identityOf(resource, q) : resource.id;
  return cols
    .map((n) => {
      const a = resource.byName.get(n) as ColumnAttribute;
      const v = toWire(a.type, row[a.column]);
      return v === null ? 'null' : Array.isArray(v) ? v.join(',') : String(v);
    })
    .join('_');
}

export function resourceUrl(baseUrl: string, type: string, id: string): string {
  return `${baseUrl}/${type}/${encodeURIComponent(id)}`;
}

function projected(resource: ResourceDef, q: ResourceQuery): Attribute[] {
  if (!q.fields) return resource.attributes.filter((a) => a.projectable);
  return q.fields.map((n) => resource.byName.get(n)!);
}

export function resourceObject(resource: ResourceDef, row: Row, q: ResourceQuery, baseUrl: string): ResourceObject {
  const pres = q.include.presentationTimestamp;
  const attributes: Record<string, unknown> = {};
  const units: Record<string, { units: string }> = {};
  for (const a of projected(resource, q)) {
    if (a.kind === 'object') {
      const obj: Record<string, unknown> = {};
      for (const m of a.members) {
        const member = m.name.slice(a.name.length + 1);
        obj[member] = toWire(m.type, row[m.column], pres);
        if (m.unit) units[m.name] = { units: m.unit };
      }
      attributes[a.name] = obj;
    } else {
      attributes[a.name] = toWire(a.type, row[a.column], pres);
      if (a.unit) units[a.name] = { units: a.unit };
    }
  }
  const id = idOf(resource, row, q);
  const o: ResourceObject = { id, type: resource.type, attributes };
  if (q.include.dataOnly) return o;
  // a folded row is not addressable by id: its self link is the query that yields exactly it
  const self = q.granularity
    ? `${baseUrl}/${resource.type}?${serialiseQuery([
        ...identityOf(resource, q).map((n) => {
          const a = resource.byName.get(n) as ColumnAttribute;
          const v = toWire(a.type, row[a.column]);
          return { key: `filter[${n}][EQ]`, value: v === null ? 'null' : Array.isArray(v) ? v.join(',') : String(v) };
        }),
        { key: 'group[granularity]', value: q.granularity },
      ])}`
    : resourceUrl(baseUrl, resource.type, id);
  o.links = { self };
  if (!q.fields) {
    if (resource.relationships.length && !q.granularity) {
      o.relationships = Object.fromEntries(
        resource.relationships.map((r) => [r.name, { links: { self: `${self}/relationships/${r.name}`, related: `${self}/${r.name}` } }]),
      );
    }
    if (Object.keys(units).length) o.meta = { row: units };
  }
  return o;
}

/** meta.fields + fields_order as in OMS `/{resource}/meta` (every attribute listed). */
export function fieldsMeta(resource: ResourceDef): { fields: Record<string, unknown>; fields_order: string[] } {
  const fields: Record<string, unknown> = {};
  for (const a of resource.attributes) {
    if (a.kind === 'object') {
      fields[a.name] = {
        title: a.title,
        api_type: API_TYPES.object,
        units: null,
        description: a.description,
        searchable: false,
        sortable: false,
        projectable: a.projectable,
        members: Object.fromEntries(a.members.map((m) => [m.name.slice(a.name.length + 1), { title: m.title, api_type: API_TYPES[m.type], units: m.unit, description: m.description }])),
      };
    } else {
      fields[a.name] = {
        title: a.title,
        api_type: API_TYPES[a.type],
        units: a.unit,
        description: a.description,
        searchable: a.searchable,
        sortable: a.sortable,
        projectable: a.projectable,
        aggregation: a.aggregation,
      };
    }
  }
  return { fields, fields_order: resource.attributes.map((a) => a.name) };
}

export function metaDocument(resource: ResourceDef): { meta: Record<string, unknown> } {
  return { meta: { title: resource.title, description: resource.description, ...fieldsMeta(resource) } };
}

function pageLink(collectionUrl: string, q: ResourceQuery, page: Record<string, string>): string {
  const kept = q.params.filter((p) => p.name !== 'page' || (p.path[0] !== 'offset' && p.path[0] !== 'cursor' && p.path[0] !== 'limit'));
  const params = [{ key: 'page[limit]', value: String(q.page.limit) }, ...kept, ...Object.entries(page).map(([key, value]) => ({ key, value }))];
  return `${collectionUrl}?${serialiseQuery(params)}`;
}

export function collectionDocument(resource: ResourceDef, rows: Row[], q: ResourceQuery, ctx: DocumentContext): Record<string, unknown> {
  const data = rows.map((r) => resourceObject(resource, r, q, ctx.baseUrl));
  const doc: Record<string, unknown> = { data };
  if (ctx.included) doc.included = ctx.included;
  const meta: Record<string, unknown> = { totalResourceCount: ctx.total };
  if (!q.include.dataOnly) {
    const url = ctx.collectionUrl ?? `${ctx.baseUrl}/${resource.type}`;
    const { offset, limit } = q.page;
    if (q.page.cursor !== undefined) {
      doc.links = {
        first: pageLink(url, q, { 'page[cursor]': '' }),
        next: ctx.nextCursor ? pageLink(url, q, { 'page[cursor]': ctx.nextCursor }) : null,
      };
      meta.nextCursor = ctx.nextCursor ?? null;
    } else {
      const lastOffset = limit > 0 && ctx.total > 0 ? Math.floor((ctx.total - 1) / limit) * limit : 0;
      const at = (o: number) => (o > 0 ? pageLink(url, q, { 'page[offset]': String(o) }) : pageLink(url, q, {}));
      doc.links = {
        first: at(0),
        last: at(lastOffset),
        next: limit > 0 && offset + limit < ctx.total ? at(offset + limit) : null,
        prev: offset > 0 && limit > 0 ? at(Math.max(0, offset - limit)) : null,
      };
    }
  }
  if (q.include.meta) Object.assign(meta, fieldsMeta(resource));
  doc.meta = meta;
  return doc;
}

export function singleDocument(resource: ResourceDef, row: Row, q: ResourceQuery, baseUrl: string, included?: ResourceObject[]): Record<string, unknown> {
  const data = resourceObject(resource, row, q, baseUrl);
  const doc: Record<string, unknown> = { data, links: { self: data.links?.self ?? resourceUrl(baseUrl, resource.type, data.id) } };
  if (included) doc.included = included;
  if (q.include.meta) doc.meta = fieldsMeta(resource);
  return doc;
}
