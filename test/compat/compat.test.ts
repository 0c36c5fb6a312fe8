// Existing OMS scripts against omsagg, unchanged (issue 17):
// - every attribute of the real OMS resources omsagg serves (oms-attributes.ts, checked against the
//   real sample rows) is served under its name with its type, object shape and OMS unit — or is
//   listed in the README as not provided, and the README lists nothing else;
// - the public scripts' query shapes (shapes.ts) replayed over HTTP on the seeded demo, SQLite and
//   PostgreSQL: the ones omsagg's data can answer return every value the script reads, in the
//   units it assumes; the rest answer a clear error (400 naming the attribute, 404 naming the
//   endpoint) and are listed in the README; on SQLite their first pages are read along an index;
// - the documentation's queries (README curl examples, resource-file examples), the probes' reads
//   and the GUI portlet configurations still answer.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppPlugin } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { compileOnlyKnex, openDb, type Db } from '../../src/db/connection.js';
import { planRead } from '../../src/jsonapi/plan.js';
import { parseQuery } from '../../src/jsonapi/query.js';
import { parseRawQuery } from '../../src/jsonapi/querystring.js';
import type { ColumnAttribute, ResourceDef } from '../../src/jsonapi/resource.js';
import { compileRows } from '../../src/jsonapi/sql.js';
import { probesPlugin } from '../../src/probes/plugin.js';
import { loadProbes } from '../../src/probes/registry.js';
import { loadResources } from '../../src/resources/loader.js';
import { summarizedResources } from '../../src/summaries/summarize.js';
import { testDatabase, testDatabases } from '../helpers/databases.js';
import { expectValidJsonApi } from '../helpers/jsonapi.js';
import { OMS_ATTRIBUTES, SAMPLE_ROWS, type OmsType } from './oms-attributes.js';
import { SHAPES, type PublicShape } from './shapes.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '../..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const SAMPLES = '/work/shared/oms-samples';
const resources = loadResources();

// ── the README's compatibility section, parsed ──────────────────────────────────────────────────
function readmeSection(title: string): string {
  const start = README.indexOf(title);
  expect(start, `README has "${title}"`).toBeGreaterThan(-1);
  const rest = README.slice(start + title.length);
  const end = rest.search(/\n#{2,3} /);
  return end < 0 ? rest : rest.slice(0, end);
}
const ticks = (s: string) => [...s.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

/** resource → attribute paths (`a` or `object.member`) the README lists as not provided */
function notProvided(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of readmeSection('### Attributes not provided').split('\n')) {
    const m = /^\| (\w+) \| ([^|]+) \| [^|]+ \|$/.exec(line);
    if (!m || m[1] === 'resource') continue;
    const set = out.get(m[1]) ?? new Set<string>();
    for (const a of ticks(m[2])) set.add(a);
    out.set(m[1], set);
  }
  return out;
}
const NOT_PROVIDED = notProvided();
const isNotProvided = (type: string, attr: string) => NOT_PROVIDED.get(type)?.has(attr) ?? false;

// ── the attributes ───────────────────────────────────────────────────────────────────────────────
const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const WIRE: Record<OmsType, string> = { integer: 'number', number: 'number', string: 'string', boolean: 'boolean', datetime: 'string', array: 'array', object: 'object' };

describe('the OMS attributes of the resources omsagg serves', () => {
  it('the reference lists hold every attribute of the real sample rows, with their units', () => {
    for (const [type, file] of Object.entries(SAMPLE_ROWS)) {
      const f = path.join(SAMPLES, file);
      if (!fs.existsSync(f)) continue;
      const doc = JSON.parse(fs.readFileSync(f, 'utf8'));
      const row = doc.response?.data?.[0] ?? doc;
      for (const [k, v] of Object.entries(row.attributes as Record<string, unknown>)) {
        const spec = OMS_ATTRIBUTES[type][k];
        expect(spec, `${type}.${k} (in ${file})`).toBeDefined();
        if (v !== null && spec.type !== 'object') expect(jsonType(v), `${type}.${k}`).toBe(WIRE[spec.type]);
        if (spec.type === 'object') expect(Object.keys(v as object).sort(), `${type}.${k}`).toEqual(Object.keys(spec.members!).sort());
      }
      for (const [k, u] of Object.entries((row.meta?.row ?? {}) as Record<string, { units: string }>)) {
        if (OMS_ATTRIBUTES[type][k]?.unit) expect(OMS_ATTRIBUTES[type][k].unit, `${type}.${k} unit`).toBe(u.units);
      }
    }
  });

  it.each(Object.keys(OMS_ATTRIBUTES))('%s: each is served with its type, shape and unit, or listed in the README as not provided', (type) => {
    const r = resources.get(type)!;
    expect(r, type).toBeDefined();
    const missing: string[] = [];
    for (const [name, spec] of Object.entries(OMS_ATTRIBUTES[type])) {
      const a = r.byName.get(name);
      if (!a) {
        if (!isNotProvided(type, name)) missing.push(name);
        continue;
      }
      expect(isNotProvided(type, name), `${type}.${name} is served but the README lists it as not provided`).toBe(false);
      expect(a.type, `${type}.${name}: type`).toBe(spec.type);
      if (a.kind === 'column') {
        expect(a.searchable && a.sortable && a.projectable, `${type}.${name}: filterable, sortable, projectable`).toBe(true);
        if (spec.unit) expect(a.unit, `${type}.${name}: unit`).toBe(spec.unit);
        if (a.type === 'integer' || a.type === 'number') expect(a.unit, `${type}.${name}: numeric attributes carry a unit (or null for ids)`).not.toBeUndefined();
        continue;
      }
      const members = new Map(a.members.map((m) => [m.name.slice(name.length + 1), m]));
      for (const [m, ms] of Object.entries(spec.members ?? {})) {
        const mine = members.get(m);
        if (!mine) {
          if (!isNotProvided(type, `${name}.${m}`)) missing.push(`${name}.${m}`);
          continue;
        }
        expect(isNotProvided(type, `${name}.${m}`), `${type}.${name}.${m} is served but listed as not provided`).toBe(false);
        expect(mine.type, `${type}.${name}.${m}: type`).toBe(ms.type);
        if (ms.unit) expect(mine.unit, `${type}.${name}.${m}: unit`).toBe(ms.unit);
        expect(mine.searchable && mine.sortable, `${type}.${name}.${m}: filterable and sortable as ${name}.${m}`).toBe(true);
      }
      for (const m of members.keys()) expect(Object.keys(spec.members ?? {}), `${type}.${name}: member ${m} is not an OMS member`).toContain(m);
    }
    expect(missing, `${type}: OMS attributes neither served nor listed in README "Attributes not provided"`).toEqual([]);
  });

  it('the README lists only OMS attributes of served resources that are really absent', () => {
    for (const [type, attrs] of NOT_PROVIDED) {
      expect(Object.keys(OMS_ATTRIBUTES), `README lists ${type}`).toContain(type);
      for (const a of attrs) {
        const [obj, member] = a.split('.');
        expect(OMS_ATTRIBUTES[type][obj], `README: ${type}.${a} is not an OMS attribute`).toBeDefined();
        if (member) expect(Object.keys(OMS_ATTRIBUTES[type][obj].members ?? {}), `README: ${type}.${a}`).toContain(member);
        expect(resources.get(type)!.scalars.has(a) || (!member && resources.get(type)!.byName.has(a)), `README: ${type}.${a} is served`).toBe(false);
      }
    }
  });

  it("omsagg's own names are kept as aliases (README table)", () => {
    const section = readmeSection("omsagg's own names are kept as aliases");
    let rows = 0;
    for (const line of section.split('\n')) {
      const m = /^\| ([\w ,]+) \| ([^|]+) \| ([^|]+) \|$/.exec(line);
      if (!m || m[1] === 'resource') continue;
      rows++;
      for (const type of m[1].split(',').map((s) => s.trim())) {
        const r = resources.get(type)!;
        for (const n of [...ticks(m[2]), ...ticks(m[3])]) expect(r.scalars.has(n) || r.byName.has(n), `${type}.${n}`).toBe(true);
      }
    }
    expect(rows).toBeGreaterThan(0);
  });
});

// ── the public query shapes, replayed ────────────────────────────────────────────────────────────
type Values = Record<string, string>;

function fill(s: string, v: Values): string {
  return s.replace(/\{(\w+)\}/g, (_, k: string) => {
    if (!(k in v)) throw new Error(`no value for {${k}}`);
    return v[k];
  });
}

/** attribute names a query string mentions (fields, filter, sort) */
function mentioned(query: string): Set<string> {
  const out = new Set<string>();
  for (const p of parseRawQuery(query)) {
    if (p.name === 'fields') p.value.split(',').forEach((n) => out.add(n.trim()));
    if (p.name === 'filter') out.add(p.path.length === 3 ? p.path[1] : p.path[0]);
    if (p.name === 'sort') p.value.split(',').forEach((n) => out.add(n.trim().replace(/^[-+]/, '')));
  }
  return out;
}

const summary: Record<string, { works: string[]; errors: string[]; failed: string[] }> = {};

describe.each(testDatabases())('public OMS query shapes on $name', (tdb) => {
  let db: Db;
  let app: FastifyInstance;
  let v: Values;
  const get = async (url: string) => {
    const res = await app.inject({ method: 'GET', url });
    const json = res.headers['content-type']?.toString().includes('json');
    return { status: res.statusCode, body: (json ? res.json() : res.body) as any, headers: res.headers };
  };
  const first = async (url: string) => {
    const r = await get(url);
    expect(r.status, url).toBe(200);
    return r.body.data[0].attributes as Record<string, any>;
  };
  summary[tdb.name] = { works: [], errors: [], failed: [] };

  beforeAll(async () => {
    db = await openDb(tdb.url, { readonly: true, statementTimeoutMs: 30_000 });
    app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), { db, resources, logger: false });
    await app.ready();
    const run = await first('/api/v1/runs?sort=-last_lumisection_number&page[limit]=1&fields=run_number,fill_number,start_time');
    const lo = await first('/api/v1/runs?sort=run_number&page[limit]=1&fields=run_number');
    const hi = await first('/api/v1/runs?sort=-run_number&page[limit]=1&fields=run_number');
    const fl = await first(`/api/v1/fills?filter[fill_number][EQ]=${run.fill_number}&fields=start_time,end_time`);
    const path = await first(`/api/v1/hltpathinfo?filter[run_number][EQ]=${run.run_number}&sort=-accepted&page[limit]=1&fields=path_name`);
    const bit = await first(`/api/v1/l1algorithmtriggers?filter[run_number][EQ]=${run.run_number}&filter[lumisection_number][EQ]=1&sort=bit&page[limit]=1&fields=bit,name`);
    const t = Date.parse(run.start_time);
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    v = {
      run: String(run.run_number),
      runLo: String(lo.run_number),
      runHi: String(hi.run_number),
      fill: String(run.fill_number),
      path: path.path_name,
      bit: String(bit.bit),
      l1name: bit.name,
      ls: '10',
      lsLo: '5',
      lsHi: '50',
      t0: iso(t + 600_000),
      t1: iso(t + 1_800_000),
      since: iso(t - 86_400_000),
      fillT0: fl.start_time,
      fillT1: iso(Date.parse(fl.end_time) + 3600_000),
    };
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
    const s = summary[tdb.name];
    const line = `[compat] ${tdb.name}: ${s.works.length} of ${SHAPES.length} public query shapes work; ${s.errors.length} answer clear errors (not provided / not served)${s.failed.length ? `; FAILED: ${s.failed.join(', ')}` : ''}`;
    console.log(line);
    fs.mkdirSync(path.join(ROOT, 'test-output'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'test-output', `compat-${tdb.name}.json`), JSON.stringify({ total: SHAPES.length, ...s }, null, 1));
  });

  /** Checks what the script reads from a JSON:API answer; `skip`: attributes not provided. */
  function checkReads(shape: PublicShape, r: ResourceDef, body: any, skip: Set<string>): void {
    const rows = body.data as any[];
    // the document's shape on its first rows (validating 10 000 rows costs seconds); values on all
    expectValidJsonApi({ ...body, data: rows.slice(0, 200) });
    const bad: string[] = [];
    if (shape.rows !== false) expect(rows.length, `${shape.id}: rows`).toBeGreaterThan(0);
    const meta = (n: string) => r.byName.get(n.split('.')[0]);
    for (const read of shape.reads) {
      if (read === 'meta.totalResourceCount') {
        expect(typeof body.meta.totalResourceCount, read).toBe('number');
        expect(body.meta.totalResourceCount).toBeGreaterThanOrEqual(rows.length);
        continue;
      }
      if (read === 'links.next') {
        expect(body.links, read).toHaveProperty('next');
        continue;
      }
      const unitRead = /^meta\.row\.(.+)\.units$/.exec(read);
      if (unitRead) {
        const unit = shape.units?.[unitRead[1]] ?? r.scalars.get(unitRead[1])!.unit;
        for (const row of rows) if (row.meta?.row?.[unitRead[1]]?.units !== unit) bad.push(`${row.id}: ${read} is ${JSON.stringify(row.meta?.row?.[unitRead[1]])}, not ${unit}`);
        continue;
      }
      const [name, member] = read.split('.');
      if (skip.has(name) || skip.has(read)) {
        for (const row of rows) if (name in row.attributes) bad.push(`${row.id}: ${read} is not provided, yet present`);
        continue;
      }
      const a = meta(read);
      expect(a, `${shape.id}: ${r.type}.${name}`).toBeDefined();
      const col = (member ? r.scalars.get(read) : a) as ColumnAttribute;
      expect(col, `${shape.id}: ${read}`).toBeDefined();
      const want = WIRE[col.type];
      let seen = 0;
      for (const row of rows) {
        const value = member ? row.attributes[name]?.[member] : row.attributes[name];
        if (value === undefined) bad.push(`${row.id}: ${read} missing`);
        else if (value !== null) {
          if (jsonType(value) !== want) bad.push(`${row.id}: ${read} is ${jsonType(value)}, not ${want}`);
          seen++;
        }
      }
      // every value read is there (the GEM bits of 2018 are null: not applicable, as in OMS)
      if (!/^gem\w*_ready$/.test(read)) expect(seen, `${shape.id}: ${read} has values`).toBeGreaterThan(0);
      if (shape.units?.[read]) expect(col.unit, `${shape.id}: unit of ${read}`).toBe(shape.units[read]);
    }
    expect(bad.slice(0, 10), `${shape.id}: values the script reads`).toEqual([]);
  }

  it.each(SHAPES.map((s) => [s.id, s] as const))(
    '%s',
    async (_id, shape) => {
      const endpoint = fill(shape.path, v);
      const url = `/api/v1/${endpoint}?${fill(shape.query, v)}`;
      const type = endpoint.split('/')[0];
      const r = resources.get(type);
      const s = summary[tdb.name];
      try {
        const res = await get(url);
        if (shape.outcome === 'notServed') {
          expect(res.status, url).toBe(404);
          expectValidJsonApi(res.body);
          expect(res.body.errors[0].detail, url).toContain(endpoint.split('/').pop());
          const named = shape.path.replace(/\/?\{\w+\}/g, '');
          expect(ticks(readmeSection('OMS endpoints omsagg does not serve')), `README lists ${named}`).toContain(named);
          s.errors.push(shape.id);
          return;
        }
        expect(r, `${type} is served`).toBeDefined();
        if (shape.outcome !== 'works') {
          const absent = new Set(shape.outcome.notProvided);
          for (const a of absent) expect(isNotProvided(type, a), `README lists ${type}.${a} as not provided`).toBe(true);
          const asked = [...mentioned(shape.query)].filter((n) => absent.has(n));
          if (asked.length) {
            expect(res.status, url).toBe(400);
            expect(res.body.errors[0].code).toBe('unknown_attribute');
            expect(res.body.errors[0].detail).toContain(asked[0]);
          } else {
            expect(res.status, `${url}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
            checkReads(shape, r!, res.body, absent);
          }
          s.errors.push(shape.id);
          return;
        }
        expect(res.status, `${url}: ${JSON.stringify(res.body).slice(0, 400)}`).toBe(200);
        if (endpoint.endsWith('/csv')) {
          const [header, ...lines] = String(res.body).trim().split('\n');
          for (const read of shape.reads) expect(header.split(','), `${shape.id}: CSV column ${read}`).toContain(read);
          expect(lines.length).toBeGreaterThan(0);
        } else {
          const target = endpoint.includes('/') ? resources.get(r!.relationships.find((x) => x.name === endpoint.split('/')[2])!.type)! : r!;
          checkReads(shape, target, res.body, new Set());
        }
        s.works.push(shape.id);
      } catch (err) {
        s.failed.push(shape.id);
        throw err;
      }
    },
    60_000,
  );
});

describe('the public query shapes read along an index (SQLite, month statistics)', () => {
  let sqlite: Database.Database;
  let dir: string;
  let v: Values;
  const summaries = new Set(summarizedResources(resources.all).map((r) => r.type));
  const knex = { knex: compileOnlyKnex('sqlite'), dialect: 'sqlite' as const };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-compat-'));
    const file = path.join(dir, 'demo.sqlite');
    fs.copyFileSync(testDatabase('sqlite').url.slice('sqlite:'.length), file);
    const w = new Database(file);
    w.exec('DELETE FROM sqlite_stat1');
    const put = w.prepare('INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)');
    for (const st of JSON.parse(fs.readFileSync(path.join(ROOT, 'test/server/fixtures/month-stats.json'), 'utf8')) as { tbl: string; idx: string | null; stat: string }[])
      put.run(st.tbl, st.idx, st.stat);
    w.close();
    sqlite = new Database(file, { readonly: true });
    const run = sqlite.prepare('select run_number, fill_number, start_time from v_runs order by last_lumisection_number desc limit 1').get() as Record<string, any>;
    const t = Date.parse(run.start_time);
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const path_ = sqlite.prepare('select path_name from v_hltpathinfo where run_number = ? order by accepted desc limit 1').get(run.run_number) as Record<string, any>;
    const bit = sqlite.prepare('select bit, name from v_l1algorithmtriggers where run_number = ? and lumisection_number = 1 order by bit limit 1').get(run.run_number) as Record<string, any>;
    v = {
      run: String(run.run_number),
      runLo: '0',
      runHi: '999999',
      fill: String(run.fill_number),
      path: path_.path_name,
      bit: String(bit.bit),
      l1name: bit.name,
      ls: '10',
      lsLo: '5',
      lsHi: '50',
      t0: iso(t + 600_000),
      t1: iso(t + 1_800_000),
      since: iso(t - 86_400_000),
      fillT0: iso(t - 3600_000),
      fillT1: iso(t + 86_400_000),
    };
  });
  afterAll(() => {
    sqlite?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('no sort of everything a run, fill or path filter matched', () => {
    const sorted: string[] = [];
    for (const shape of SHAPES) {
      const type = shape.path.split('/')[0];
      const r = resources.get(type);
      if (!r || shape.outcome === 'notServed' || shape.path.includes('/')) continue;
      const q = parseRawQuery(fill(shape.query, v));
      // filters of a run, fill or path: the cases a script repeats per run or path, where a sort
      // of everything matched would cost seconds at scale (a time window is bounded by time)
      const scoped = q.some((p) => p.name === 'filter' && ['run_number', 'fill_number', 'path_name', 'bit'].includes(p.path[0]) && (p.path[1] ?? 'EQ').toUpperCase() === 'EQ');
      if (!scoped || shape.sorts) continue;
      let plan;
      try {
        plan = planRead(r, parseQuery(q, r, { defaultLimit: 100, maxLimit: 100_000 }), { summaries });
      } catch {
        continue; // a shape asking for an attribute not provided (answered 400 above)
      }
      // folds are the engine's (test/server/plans.test.ts checks they come from the summaries)
      if (plan.source.groupKeys) continue;
      const st = compileRows(knex, plan);
      const detail = (sqlite.prepare(`EXPLAIN QUERY PLAN ${st.sql}`).all(...st.bindings) as { detail: string }[]).map((d) => d.detail);
      if (detail.some((d) => /TEMP B-TREE FOR ORDER BY$/.test(d))) sorted.push(`${shape.id}: ${detail.join(' | ')}`);
    }
    expect(sorted).toEqual([]);
  });
});

describe('the documentation agrees with the server', () => {
  let db: Db;
  let app: FastifyInstance;
  let run: number;
  let fillNo: number;
  let pathName: string;
  let bit: number;
  beforeAll(async () => {
    db = await openDb(testDatabase('sqlite').url, { readonly: true });
    app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', OMSAGG_PREFIXES: '/pixel-agg/api/v1' }), { db, resources, logger: false });
    await app.ready();
    const r = (await app.inject('/api/v1/runs?sort=-last_lumisection_number&page[limit]=1&fields=run_number,fill_number')).json().data[0].attributes;
    run = r.run_number;
    fillNo = r.fill_number;
    bit = (await app.inject(`/api/v1/l1algorithmtriggers?filter[run_number][EQ]=${run}&filter[lumisection_number][EQ]=1&sort=bit&page[limit]=1&fields=bit`)).json().data[0].attributes.bit;
    pathName = (await app.inject(`/api/v1/hltpathinfo?filter[run_number][EQ]=${run}&filter[path_name][LIKE]=HLT_PFJet%25&page[limit]=1&fields=path_name`)).json().data[0].attributes.path_name;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });
  // the docs name runs, fills, paths and bits of a real year; the demo has its own (its menu does not use bit 0)
  const demo = (s: string) =>
    s
      .replace(/\b3\d{5}\b/g, String(run))
      .replace(/\b[67]\d{3}\b/g, String(fillNo))
      .replace(/HLT_PFJet500_v\d+/g, pathName)
      .replace(/filter\[bit\]\[EQ\]=\d+/g, `filter[bit][EQ]=${bit}`);

  it('every example query of a resource file answers with data', async () => {
    for (const r of resources.all) {
      for (const e of r.examples) {
        const url = `/api/v1/${r.type}?${demo(e.query)}`;
        const res = await app.inject(url);
        expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
        // the demo holds a few fills of autumn 2018: examples naming other dates may find nothing
        if (r.type !== 'anomalyscores' && !/\d{4}-\d{2}-\d{2}/.test(e.query)) expect(res.json().data.length, url).toBeGreaterThan(0);
      }
    }
  });

  it('every probe runs on its defaults and each of its sources answers (the probes read through the OMS names)', async () => {
    const papp = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), { db, resources, plugins: [probesPlugin as unknown as AppPlugin], logger: false });
    await papp.ready();
    try {
      for (const probe of (await loadProbes()).list()) {
        const res = await papp.inject(`/api/v1/probes/${probe.id}/plot`);
        // the anomaly probes need `omsagg score` output, which the seed does not write
        if (res.statusCode === 404 && res.json().errors[0].code === 'no_data') continue;
        expect(res.statusCode, `${probe.id}: ${res.body.slice(0, 300)}`).toBe(200);
        for (const src of res.json().data.attributes.sources as { url: string }[]) {
          const r = await papp.inject(src.url);
          expect(r.statusCode, `${probe.id}: ${src.url}`).toBe(200);
        }
      }
    } finally {
      await papp.close();
    }
  }, 240_000);

  it('every GUI portlet configuration (portlets/) answers as the portlet asks', async () => {
    const ws = JSON.parse(fs.readFileSync(path.join(ROOT, 'portlets/pixel-workspace.json'), 'utf8')) as {
      portlets: { id: string; portlet: string; endpoint: string; query?: string; selectors: Record<string, string>; table?: { columns: string[]; sort: string } }[];
    };
    const papp = await buildApp(loadConfig({ LOG_LEVEL: 'silent', OMSAGG_PREFIXES: '/pixel-agg/api/v1' }), { db, resources, plugins: [probesPlugin as unknown as AppPlugin], logger: false });
    await papp.ready();
    try {
      const values: Record<string, number> = { cms_run: run, cms_fill: fillNo };
      for (const p of ws.portlets) {
        if (p.id === 'anomaly-score') continue; // needs `omsagg score` output
        const query = p.portlet === 'generic_chart' ? p.query! : `fields=${p.table!.columns.join(',')}&sort=${p.table!.sort}&page[offset]=0&page[limit]=100&include=meta`;
        const filters = Object.entries(p.selectors).map(([sel, f]) => `${f}=${values[sel]}`);
        const res = await papp.inject(`${p.endpoint}?${[query, ...filters].join('&')}`);
        expect(res.statusCode, `${p.id}: ${res.body.slice(0, 300)}`).toBe(200);
      }
    } finally {
      await papp.close();
    }
  }, 240_000);

  it('every curl example of the README answers', async () => {
    const urls = [...README.matchAll(/curl -g '(http:\/\/127\.0\.0\.1:8080)?([^']+)'/g)].map((m) => demo(m[2]));
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) {
      const res = await app.inject(url);
      expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
    }
  });
});
