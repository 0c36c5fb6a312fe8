// Every resource of resources/*.yaml over HTTP on SQLite and PostgreSQL with the same code: each
// attribute filtered, each sortable attribute sorted, each granularity, each relationship, /meta,
// /{id}, CSV, on the seeded demo databases (test/helpers/databases.ts): every resource must have
// rows, every filter on a value taken from a row must find it.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDb, type Db } from '../../src/db/connection.js';
import { loadResources } from '../../src/resources/loader.js';
import type { ColumnAttribute } from '../../src/jsonapi/resource.js';
import { expectValidJsonApi } from '../helpers/jsonapi.js';
import { testDatabases } from '../helpers/databases.js';

const SAMPLES = '/work/shared/oms-samples';
const sample = (f: string) => (fs.existsSync(path.join(SAMPLES, f)) ? JSON.parse(fs.readFileSync(path.join(SAMPLES, f), 'utf8')) : undefined);
const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

const resources = loadResources();
const dbs = testDatabases().map((d) => ({ ...d, seeded: true }));

function sampleValue(a: ColumnAttribute, v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return String(v[0] ?? 'x');
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

describe.each(dbs)('resources on $name', (tdb) => {
  let db: Db;
  let app: FastifyInstance;
  const ok = async (url: string) => {
    const res = await app.inject({ method: 'GET', url });
    const body = res.headers['content-type']?.toString().includes('json') ? res.json() : res.body;
    expect(res.statusCode, `${url}: ${JSON.stringify(body).slice(0, 400)}`).toBe(200);
    if (typeof body === 'object') expectValidJsonApi(body);
    return body as any;
  };

  beforeAll(async () => {
    db = await openDb(tdb.url, { readonly: true, statementTimeoutMs: 20_000 });
    app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), { db, resources, logger: false });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it.each(resources.all.map((r) => [r.type, r] as const))(
    '%s: collection, meta, filters, sorts, groups, relationships, CSV',
    async (type, r) => {
      const first = await ok(`/api/v1/${type}?page[limit]=3`);
      const meta = await ok(`/api/v1/${type}/meta`);
      expect(meta.meta.fields_order).toEqual(r.attributes.map((a) => a.name));
      for (const a of r.attributes) expect(meta.meta.fields[a.name].title).toBeTruthy();
      // anomalyscores is filled by `omsagg score`, not by the seed
      if (tdb.seeded && type !== 'anomalyscores') expect(first.meta.totalResourceCount, `${type} has rows`).toBeGreaterThan(0);
      const row = first.data[0];
      if (row) {
        expect(row.id).toBe(r.id.map((n) => String(row.attributes[n])).join('_'));
        const one = await ok(`/api/v1/${type}/${encodeURIComponent(row.id)}`);
        expect(one.data.id).toBe(row.id);
        for (const [name, u] of Object.entries(row.meta?.row ?? {})) expect((u as { units: string }).units, name).toBeTruthy();
      }
      // requests are scoped to the first row's run (and lumisection): each one counts its matches,
      // and a full scan of a per-path-per-lumisection view per request would dominate the test time
      const scopeOf = (names: string[]) =>
        row
          ? names
              .filter((n) => r.byName.has(n) && row.attributes[n] !== undefined)
              .map((n) => `filter[${n}][EQ]=${row.attributes[n]}&`)
              .join('')
          : '';
      const scope = scopeOf(['run_number', 'lumisection_number']);
      const runScope = scopeOf(['run_number']);
      const typesSeen = new Set<string>();
      for (const a of r.columns) {
        if (!a.searchable || a.name.includes('.')) continue;
        const v = row
          ? sampleValue(a, row.attributes[a.name])
          : a.type === 'boolean'
            ? 'true'
            : a.type === 'datetime'
              ? '2018-06-01T00:00:00Z'
              : a.type === 'integer' || a.type === 'number'
                ? '1'
                : 'x';
        const raw = row?.attributes[a.name];
        // numbers: the exact value from the response must match (PostgreSQL numeric columns included)
        const where = `filter[${a.name}][EQ]=${encodeURIComponent(a.type === 'array' && Array.isArray(raw) ? raw.join(',') : v)}`;
        const eq = await ok(`/api/v1/${type}?${scope}${where}&page[limit]=1&fields=${r.id[0]}`);
        if (row) expect(eq.meta.totalResourceCount, `${type} ${where}`).toBeGreaterThan(0);
        // the other operators once per attribute type (each request scans the view)
        if (typesSeen.has(a.type)) continue;
        typesSeen.add(a.type);
        if (['integer', 'number', 'datetime', 'string'].includes(a.type) && v !== 'None') await ok(`/api/v1/${type}?${scope}filter[${a.name}][GE]=${encodeURIComponent(v)}&page[limit]=1`);
        if (a.type === 'array') {
          const ct = await ok(`/api/v1/${type}?${scope}filter[${a.name}][CT]=${encodeURIComponent(v)}&page[limit]=1`);
          if (row && v !== 'None') expect(ct.meta.totalResourceCount).toBeGreaterThan(0);
        }
        if (a.type === 'string') await ok(`/api/v1/${type}?${scope}filter[${a.name}][LIKE]=%25${encodeURIComponent(v.slice(1, 3))}%25&page[limit]=1`);
        if (a.sortable) await ok(`/api/v1/${type}?${scope}sort=-${a.name}&page[limit]=2`);
      }
      for (const g of Object.keys(r.granularity)) {
        const grouped = await ok(`/api/v1/${type}?${runScope}group[granularity]=${g}&page[limit]=2`);
        if (row) expect(grouped.data.length).toBeGreaterThan(0);
      }
      for (const rel of r.relationships) {
        const inc = await ok(`/api/v1/${type}?${scope}include=${rel.name}&page[limit]=1`);
        if (row && tdb.seeded) {
          await ok(`/api/v1/${type}/${encodeURIComponent(row.id)}/${rel.name}?page[limit]=2`);
          expect(inc.data[0].relationships[rel.name]).toHaveProperty('data');
        }
      }
      const csv = await ok(`/api/v1/${type}/csv?${scope}page[limit]=5`);
      expect(String(csv).split('\n')[0]).toContain(r.id[0]);
      const cursor = await ok(`/api/v1/${type}?${scope}page[limit]=2&page[cursor]=`);
      if (cursor.meta.nextCursor) await ok(`/api/v1/${type}?${scope}page[limit]=2&page[cursor]=${cursor.meta.nextCursor}`);
    },
    240_000,
  );

  it.runIf(tdb.name === 'postgres')('a query past the statement timeout is a clean 503', async () => {
    const slow = await openDb(tdb.url, { readonly: true, statementTimeoutMs: 5 });
    const app2 = await buildApp(loadConfig({ LOG_LEVEL: 'silent', OMSAGG_STATEMENT_TIMEOUT_MS: '5' }), { db: slow, resources, logger: false });
    const res = await app2.inject('/api/v1/hltpathrates?group[granularity]=fill&sort=-rate');
    expect(res.statusCode).toBe(503);
    const body = res.json();
    expectValidJsonApi(body);
    expect(body.errors[0]).toMatchObject({ status: '503', code: 'statement_timeout' });
    expect(body.errors[0].detail).toContain('5 ms');
    expect(JSON.stringify(body)).not.toMatch(/select|v_hltpathrates/i);
    await app2.close();
    await slow.close();
  });

  it('matches the real OMS sample shapes (runs, lumisections, l1triggerrates)', async () => {
    const runSample = sample('ml4dqm_runs_297050_full.json')?.response.data[0];
    const run = (await ok('/api/v1/runs?page[limit]=1')).data[0];
    if (!runSample || !run) return;
    expect(typeof run.id).toBe('string');
    expect(Object.keys(run).sort()).toEqual(Object.keys(runSample).sort());
    let shared = 0;
    for (const [k, v] of Object.entries(runSample.attributes)) {
      if (!(k in run.attributes) || v === null || run.attributes[k] === null) continue;
      shared++;
      expect(jsonType(run.attributes[k]), `runs.${k}`).toBe(jsonType(v));
    }
    expect(shared).toBeGreaterThan(20);
    for (const [k, u] of Object.entries(runSample.meta.row)) if (run.meta.row[k]) expect(run.meta.row[k], k).toEqual(u);
    expect(run.meta.row.delivered_lumi).toEqual({ units: 'pb^{-1}' });

    const lsSample = sample('ml4dqm_lumisections_297050_ls1_attributes.json')?.attributes;
    const ls = (await ok(`/api/v1/lumisections?filter[run_number][EQ]=${run.id}&filter[lumisection_number][EQ]=1&page[offset]=0&page[limit]=1000`)).data[0];
    expect(ls.id).toBe(`${run.id}_1`);
    for (const [k, v] of Object.entries(lsSample ?? {})) {
      if (k in ls.attributes && v !== null && ls.attributes[k] !== null) expect(jsonType(ls.attributes[k]), `lumisections.${k}`).toBe(jsonType(v));
    }
    const l1Sample = sample('ml4dqm_l1triggerrates_297050_ls1_attributes.json')?.attributes;
    const l1 = await ok(`/api/v1/l1triggerrates/?filter[run_number][EQ]=${run.id}&page[offset]=0&page[limit]=1000&group[granularity]=lumisection`);
    expect(l1.meta.totalResourceCount).toBeGreaterThan(0);
    const a = l1.data[0].attributes;
    for (const k of ['l1a_total', 'l1a_physics', 'l1a_calibration', 'l1a_random', 'total_before_deadtime']) {
      expect(Object.keys(a[k]).sort(), k).toEqual(Object.keys(l1Sample[k]).sort());
      expect(a[k].rate).toBeCloseTo(a[k].counter / 23.31, 2);
    }
    expect(a.first_lumisection_number).toBe(1);
    if (l1.meta.totalResourceCount <= 1000) expect(l1.links.next).toBeNull();
    else expect(l1.links.next).toContain('page%5Boffset%5D=1000');
  });
});
