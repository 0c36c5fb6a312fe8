// The "bare route" of `npm run bench`: the floor of what a straightforward Fastify + knex
// implementation gets on the same database with the same SQL shape as omsagg (columns of the same
// v_<resource> view, the same WHERE / ORDER BY (sort + identity, NULLs smallest) / LIMIT / OFFSET,
// plus the COUNT(*) of the same WHERE), rendering the same full OMS JSON:API envelope: data[] with
// id, type, attributes, links.self, relationships links and meta.row units; top-level
// links.first/last/next/prev and meta.totalResourceCount. CSV at /api/v1/<type>/csv.
//
// Deliberately simple: rows are fetched whole (no streaming from the database, no cursors), then
// written out in chunks. Resource definitions are read from omsagg's resources/*.yaml (the public
// definition format), never from omsagg's code. Supported parameters: filter[a][EQ|NEQ|LT|GT|LE|GE|LIKE]=v,
// filter[a]=v, fields, sort, page[offset], page[limit]; anything else is a 400.
//
//   node bench/servers/bare.mjs --db sqlite:FILE|postgres://…[?schema=S] --port P [--resources DIR]
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';

// omsagg's own packages (the root's node_modules), never bench/node_modules (Platformatic's tree,
// whose better-sqlite3 is built for Node 22)
const here = path.dirname(fileURLToPath(import.meta.url));
const requireRoot = createRequire(path.join(here, '..', '..', 'package.json'));
const Fastify = requireRoot('fastify');
const knexFactory = requireRoot('knex');
const pg = requireRoot('pg');
const YAML = requireRoot('yaml');
const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    port: { type: 'string', default: '0' },
    resources: { type: 'string', default: path.join(here, '..', '..', 'resources') },
    'max-limit': { type: 'string', default: '1000000' },
  },
  strict: true,
});
if (!values.db) {
  console.error('usage: bare.mjs --db sqlite:FILE|postgres://…[?schema=S] --port P');
  process.exit(2);
}
const MAX_LIMIT = Number(values['max-limit']);
const DEFAULT_LIMIT = 100;

// ---- database (read-only, as omsagg opens it) ----
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
pg.types.setTypeParser(1114, (v) => new Date(v.replace(' ', 'T') + 'Z'));

let dialect;
let knex;
if (values.db.startsWith('sqlite:')) {
  dialect = 'sqlite';
  const filename = values.db.slice('sqlite:'.length).replace(/^\/\//, '');
  knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename, options: { readonly: true, fileMustExist: true } },
    useNullAsDefault: true,
    pool: { min: 1, max: 1 },
  });
} else {
  dialect = 'postgres';
  const u = new URL(values.db);
  const schema = u.searchParams.get('schema');
  u.searchParams.delete('schema');
  const options = ['-c default_transaction_read_only=on', ...(schema ? [`-c search_path=${schema},public`] : [])].join(' ');
  knex = knexFactory({ client: 'pg', connection: { connectionString: u.toString(), options, application_name: 'omsagg-bench-bare' }, pool: { min: 0, max: 8 } });
}

// ---- resources from resources/*.yaml ----
function loadResources(dir) {
  const out = new Map();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort()) {
    const file = YAML.parse(readFileSync(path.join(dir, f), 'utf8'));
    const attributes = [];
    const columns = [];
    for (const [name, spec] of Object.entries(file.attributes)) {
      if (spec.type === 'object') {
        const members = Object.entries(spec.members).map(([m, ms]) => ({ name: `${name}.${m}`, member: m, column: ms.column ?? `${name}_${m}`, type: ms.type, unit: ms.unit ?? null }));
        attributes.push({ kind: 'object', name, members, projectable: spec.projectable ?? true });
        columns.push(...members);
      } else {
        const a = { kind: 'column', name, column: spec.column ?? name, type: spec.type, unit: spec.unit ?? null, projectable: spec.projectable ?? true };
        attributes.push(a);
        columns.push(a);
      }
    }
    out.set(file.type, {
      type: file.type,
      view: file.view ?? `v_${file.type}`,
      id: file.id,
      defaultSort: file.default_sort ?? file.id,
      attributes,
      byName: new Map(attributes.map((a) => [a.name, a])),
      scalars: new Map(columns.map((c) => [c.name, c])),
      relationships: Object.keys(file.relationships ?? {}),
    });
  }
  return out;
}
const resources = loadResources(values.resources);

// ---- values: database → wire (as OMS: datetimes YYYY-MM-DDTHH:MM:SSZ, booleans, arrays) ----
function wireDate(v) {
  const d = v instanceof Date ? v : typeof v === 'number' ? new Date(v) : new Date(String(v).replace(' ', 'T').replace(/(T\d\d:\d\d:\d\d(\.\d+)?)$/, '$1Z'));
  return Number.isNaN(d.getTime()) ? String(v) : `${d.toISOString().slice(0, 19)}Z`;
}
function toWire(type, v) {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'integer':
    case 'number': {
      const n = typeof v === 'number' ? v : Number(v);
      return Number.isFinite(n) ? n : null;
    }
    case 'boolean':
      return typeof v === 'boolean' ? v : typeof v === 'number' ? v !== 0 : ['true', '1'].includes(String(v).toLowerCase());
    case 'datetime':
      return wireDate(v);
    case 'array':
      return Array.isArray(v) ? v : String(v) === '' ? [] : String(v).split(',');
    default:
      return String(v);
  }
}
function filterValue(type, text) {
  if (text.toLowerCase() === 'null' || text.toLowerCase() === 'none') return null;
  if (type === 'integer' || type === 'number') {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) throw bad(`'${text}' is not a number`);
    return n;
  }
  if (type === 'boolean') return ['true', '1'].includes(text.toLowerCase()) ? 1 : 0;
  if (type === 'datetime') {
    const d = new Date(text.replace(' ', 'T'));
    if (Number.isNaN(d.getTime())) throw bad(`'${text}' is not a datetime`);
    return dialect === 'sqlite' ? `${d.toISOString().slice(0, 19)}Z` : d.toISOString().slice(0, 19).replace('T', ' ');
  }
  return text;
}

class BadRequest extends Error {}
const bad = (m) => new BadRequest(m);
const OPS = { EQ: '=', NEQ: '<>', LT: '<', GT: '>', LE: '<=', GE: '>=', LIKE: 'like' };

function parseParams(raw) {
  const out = [];
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const dec = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
    out.push({ key: dec(eq < 0 ? part : part.slice(0, eq)), value: eq < 0 ? '' : dec(part.slice(eq + 1)) });
  }
  return out;
}

/** The query: filters, fields, sort (+ identity = total order), page. */
function parseQuery(resource, params) {
  const q = { filters: [], fields: null, sort: null, offset: 0, limit: null, params };
  for (const { key, value } of params) {
    let m;
    if ((m = /^filter\[([^\]]+)\](?:\[([A-Za-z]+)\])?$/.exec(key))) {
      const a = resource.scalars.get(m[1]);
      const op = (m[2] ?? 'EQ').toUpperCase();
      if (!a || !OPS[op]) throw bad(`unsupported filter ${key}`);
      q.filters.push({ a, op, value: op === 'LIKE' ? value : filterValue(a.type, value) });
    } else if (key === 'fields') {
      q.fields = value.split(',').filter(Boolean).map((n) => resource.byName.get(n) ?? (() => { throw bad(`unknown field ${n}`); })());
    } else if (key === 'sort') {
      q.sort = value.split(',').filter(Boolean).map((s) => {
        const desc = s.startsWith('-');
        const a = resource.scalars.get(desc ? s.slice(1) : s);
        if (!a) throw bad(`unknown sort ${s}`);
        return { a, desc };
      });
    } else if (key === 'page[offset]') q.offset = Number(value);
    else if (key === 'page[limit]') q.limit = Number(value);
    else throw bad(`unsupported parameter ${key}`);
  }
  if (q.limit !== null && !(Number.isInteger(q.limit) && q.limit >= 0 && q.limit <= MAX_LIMIT)) throw bad('bad page[limit]');
  if (!(Number.isInteger(q.offset) && q.offset >= 0)) throw bad('bad page[offset]');
  const order = q.sort ?? resource.defaultSort.map((s) => ({ a: resource.scalars.get(s.replace(/^-/, '')), desc: s.startsWith('-') }));
  for (const n of resource.id) if (!order.some((o) => o.a.name === n)) order.push({ a: resource.scalars.get(n), desc: false });
  q.order = order;
  return q;
}

function where(qb, q) {
  for (const f of q.filters) {
    const col = `t.${f.a.column}`;
    if (f.value === null) {
      if (f.op === 'EQ') qb.whereNull(col);
      else qb.whereNotNull(col);
    } else qb.where(col, OPS[f.op], f.value);
  }
  return qb;
}

/** Projected attributes and the columns to select (projection + identity + order). */
function projection(resource, q) {
  const attrs = q.fields ?? resource.attributes.filter((a) => a.projectable);
  const names = new Set();
  for (const a of attrs) (a.kind === 'object' ? a.members : [a]).forEach((c) => names.add(c.column));
  for (const n of resource.id) names.add(resource.scalars.get(n).column);
  for (const o of q.order) names.add(o.a.column);
  return { attrs, columns: [...names] };
}

async function fetchPage(resource, q, limit) {
  const { attrs, columns } = projection(resource, q);
  const rows = where(knex({ t: resource.view }).select(columns.map((c) => `t.${c}`)), q);
  for (const o of q.order) rows.orderBy(`t.${o.a.column}`, o.desc ? 'desc' : 'asc', ...(dialect === 'postgres' ? [o.desc ? 'last' : 'first'] : []));
  if (q.offset) rows.offset(q.offset);
  rows.limit(limit);
  const count = where(knex({ t: resource.view }).count({ n: '*' }), q);
  const [data, counted] = await Promise.all([rows, count]);
  return { attrs, rows: data, total: Number(counted[0].n) };
}

const enc = (s) => encodeURIComponent(s);
function pageLink(url, q, limit, offset) {
  const kept = q.params.filter((p) => p.key !== 'page[offset]' && p.key !== 'page[limit]');
  const ps = [{ key: 'page[limit]', value: String(limit) }, ...kept, ...(offset > 0 ? [{ key: 'page[offset]', value: String(offset) }] : [])];
  return `${url}?${ps.map((p) => `${enc(p.key)}=${enc(p.value)}`).join('&')}`;
}

function resourceObject(resource, row, attrs, q, base) {
  const attributes = {};
  const units = {};
  for (const a of attrs) {
    if (a.kind === 'object') {
      const o = {};
      for (const m of a.members) {
        o[m.member] = toWire(m.type, row[m.column]);
        if (m.unit) units[m.name] = { units: m.unit };
      }
      attributes[a.name] = o;
    } else {
      attributes[a.name] = toWire(a.type, row[a.column]);
      if (a.unit) units[a.name] = { units: a.unit };
    }
  }
  const id = resource.id
    .map((n) => {
      const a = resource.scalars.get(n);
      const v = toWire(a.type, row[a.column]);
      return v === null ? 'null' : Array.isArray(v) ? v.join(',') : String(v);
    })
    .join('_');
  const self = `${base}/${resource.type}/${enc(id)}`;
  const o = { id, type: resource.type, attributes, links: { self } };
  if (!q.fields) {
    if (resource.relationships.length) o.relationships = Object.fromEntries(resource.relationships.map((r) => [r, { links: { self: `${self}/relationships/${r}`, related: `${self}/${r}` } }]));
    if (Object.keys(units).length) o.meta = { row: units };
  }
  return o;
}

const CHUNK = 2000;

/** The whole document, written in chunks (one JSON.stringify per resource object). */
function* jsonChunks(resource, page, q, base, limit) {
  const url = `${base}/${resource.type}`;
  const { total } = page;
  const lastOffset = limit > 0 && total > 0 ? Math.floor((total - 1) / limit) * limit : 0;
  const links = {
    first: pageLink(url, q, limit, 0),
    last: pageLink(url, q, limit, lastOffset),
    next: limit > 0 && q.offset + limit < total ? pageLink(url, q, limit, q.offset + limit) : null,
    prev: q.offset > 0 && limit > 0 ? pageLink(url, q, limit, Math.max(0, q.offset - limit)) : null,
  };
  let buf = '{"data":[';
  for (let i = 0; i < page.rows.length; i++) {
    buf += (i ? ',' : '') + JSON.stringify(resourceObject(resource, page.rows[i], page.attrs, q, base));
    if (i % CHUNK === CHUNK - 1) {
      yield buf;
      buf = '';
    }
  }
  yield `${buf}],"links":${JSON.stringify(links)},"meta":${JSON.stringify({ totalResourceCount: total })}}`;
}

function csvCell(v) {
  if (v === null || v === undefined) return '';
  const s = Array.isArray(v) ? v.join(',') : typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function* csvChunks(page) {
  const cols = page.attrs.flatMap((a) => (a.kind === 'object' ? a.members : [a]));
  let buf = `${cols.map((c) => csvCell(c.name)).join(',')}\n`;
  for (let i = 0; i < page.rows.length; i++) {
    const r = page.rows[i];
    buf += `${cols.map((c) => csvCell(toWire(c.type, r[c.column]))).join(',')}\n`;
    if (i % CHUNK === CHUNK - 1) {
      yield buf;
      buf = '';
    }
  }
  yield buf;
}

const app = Fastify({ logger: { level: 'warn' } });
app.get('/health', async () => ({ status: 'ok' }));
app.get('/api/v1/:type', async (req, reply) => handle(req, reply, false));
app.get('/api/v1/:type/csv', async (req, reply) => handle(req, reply, true));

async function handle(req, reply, csv) {
  const resource = resources.get(req.params.type);
  if (!resource) return reply.code(404).send({ errors: [{ status: '404', title: 'not found' }] });
  let q;
  try {
    const i = req.url.indexOf('?');
    q = parseQuery(resource, parseParams(i < 0 ? '' : req.url.slice(i + 1)));
  } catch (e) {
    if (e instanceof BadRequest) return reply.code(400).send({ errors: [{ status: '400', title: e.message }] });
    throw e;
  }
  const limit = q.limit ?? (csv ? MAX_LIMIT : DEFAULT_LIMIT);
  const page = await fetchPage(resource, q, limit);
  const base = `${req.protocol}://${req.host}/api/v1`;
  if (csv) {
    reply.type('text/csv; charset=utf-8');
    return reply.send(Readable.from(csvChunks(page)));
  }
  reply.type('application/vnd.api+json');
  if (page.rows.length <= CHUNK) return reply.send([...jsonChunks(resource, page, q, base, limit)].join(''));
  return reply.send(Readable.from(jsonChunks(resource, page, q, base, limit)));
}

await app.listen({ host: '127.0.0.1', port: Number(values.port) });
console.log(`bare listening ${app.server.address().port} ${dialect} node ${process.version}`);
const stop = async () => {
  await app.close();
  await knex.destroy();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
