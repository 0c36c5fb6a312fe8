// The generic engine over HTTP (app.inject) on a fixture database, same test code on SQLite and
// PostgreSQL: OMS response shapes, python-client query forms, paging, cursors, grouping, CSV,
// relationships, negotiation, and a table of bad inputs that must all be 4xx JSON:API errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDb, type Db } from '../../src/db/connection.js';
import { expectValidJsonApi } from '../helpers/jsonapi.js';
import { defineResource } from '../../src/jsonapi/memory.js';
import { registryOf } from '../../src/resources/loader.js';
import { fixtureResources, lumisectionRows, postgresFixture, sqliteFixture, type Fixture } from './fixture.js';

const TOTAL_LS = lumisectionRows().length;

describe.each([
  ['sqlite', sqliteFixture],
  ['postgres', postgresFixture],
] as const)('engine on %s', (name, make) => {
  let fx: Fixture;
  let db: Db;
  let app: FastifyInstance;
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const res = await app.inject({ method: 'GET', url, headers });
    const body = res.headers['content-type']?.toString().includes('json') ? res.json() : res.body;
    return { status: res.statusCode, body: body as any, headers: res.headers };
  };
  const ok = async (url: string) => {
    const r = await get(url);
    expect(r.status, `${url}: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(200);
    expect(r.headers['content-type']).toContain('application/vnd.api+json');
    expectValidJsonApi(r.body);
    return r.body;
  };

  beforeAll(async () => {
    fx = await make();
    db = await openDb(fx.url, { readonly: true, statementTimeoutMs: 5000 });
    const config = loadConfig({ LOG_LEVEL: 'silent', OMSAGG_PREFIXES: '/pixel-agg/api/v1', OMSAGG_MAX_PAGE_LIMIT: '1000' });
    app = await buildApp(config, { db, resources: fixtureResources(), logger: false, csvBatchRows: 7, includeLimit: 40 });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await fx?.cleanup();
  });

  it.runIf(name === 'postgres')('reads whole-second timestamps in their wire form, others as dates', async () => {
    const res = await db.reader.all({ sql: "select timestamp '2018-07-07 19:16:05' as a, timestamp '2018-07-07 19:16:05.25' as b, null::timestamp as c", bindings: [] });
    expect(res.rows[0][0]).toBe('2018-07-07T19:16:05Z');
    expect(res.rows[0][1]).toEqual(new Date('2018-07-07T19:16:05.250Z'));
    expect(res.rows[0][2]).toBeNull();
    const rows: unknown[][] = [];
    for await (const set of db.reader.stream({ sql: "select timestamp '2018-07-07 19:16:05' + n * interval '1 second' from generate_series(0, 2) n", bindings: [] }, { batchRows: 2 }))
      rows.push(...set.rows);
    expect(rows.map((r) => r[0])).toEqual(['2018-07-07T19:16:05Z', '2018-07-07T19:16:06Z', '2018-07-07T19:16:07Z']);
  });

  it('answers in the OMS shape (ids, units in meta.row, links, totalResourceCount)', async () => {
    const body = await ok('/api/v1/runs?filter[run_number][EQ]=315000&page[offset]=0&page[limit]=1000');
    expect(body.data).toHaveLength(1);
    const run = body.data[0];
    expect(run.id).toBe('315000');
    expect(run.type).toBe('runs');
    expect(run.attributes).toMatchObject({ run_number: 315000, stable_beam: true, components: ['DAQ', 'PIXEL', 'TRG'], start_time: '2018-05-01T00:00:00Z', l1_rate: 90000.5 });
    expect(run.meta.row.delivered_lumi.units).toBe('pb^{-1}');
    expect(run.links.self).toBe('http://localhost:80/api/v1/runs/315000');
    expect(run.relationships.lumisections.links.related).toBe('http://localhost:80/api/v1/runs/315000/lumisections');
    expect(body.meta.totalResourceCount).toBe(1);
    expect(body.links.next).toBeNull();
    expect(body.links.prev).toBeNull();
    expect(body.links.first).toContain('filter%5Brun_number%5D%5BEQ%5D=315000');
  });

  it('fields projection drops relationships and row meta; nested {counter, rate}', async () => {
    const body = await ok('/api/v1/runs?fields=l1_rate,era&filter[run_number]=315000');
    expect(body.data[0]).toEqual({ id: '315000', type: 'runs', attributes: { l1_rate: 90000.5, era: 'Run2018A' }, links: { self: 'http://localhost:80/api/v1/runs/315000' } });
    const ls = await ok('/api/v1/lumisections/315000_12');
    expect(ls.data.id).toBe('315000_12');
    expect(ls.data.attributes.l1a_total.counter).toBe(2_012_000);
    expect(ls.data.attributes.l1a_total.rate).toBeCloseTo(2_012_000 / 23.31, 3);
    expect(ls.data.meta.row['l1a_total.rate'].units).toBe('Hz');
  });

  it('pages like OMS: next until null, last, prev', async () => {
    const first = await ok('/api/v1/lumisections?page[limit]=20');
    expect(first.meta.totalResourceCount).toBe(TOTAL_LS);
    expect(first.links.last).toContain('page%5Boffset%5D=60');
    const seen: string[] = [];
    let url: string | null = first.links.first;
    while (url) {
      const page = await ok(url.replace('http://localhost:80', ''));
      seen.push(...page.data.map((d: any) => d.id));
      url = page.links.next;
    }
    expect(seen).toHaveLength(TOTAL_LS);
    expect(new Set(seen).size).toBe(TOTAL_LS);
    const mid = await ok('/api/v1/lumisections?page[limit]=20&page[offset]=40');
    expect(mid.links.prev).toContain('page%5Boffset%5D=20');
  });

  it('cursor paging visits every row exactly once, in order, with any sort', async () => {
    for (const sort of ['', '-init_lumi', 'prescale_name,-lumisection_number']) {
      const seen: string[] = [];
      let cursor = '';
      for (let i = 0; i < 50; i++) {
        const page = await ok(`/api/v1/lumisections?page[limit]=7&page[cursor]=${cursor}${sort ? `&sort=${sort}` : ''}`);
        seen.push(...page.data.map((d: any) => d.id));
        if (!page.meta.nextCursor) {
          expect(page.links.next).toBeNull();
          break;
        }
        expect(page.links.next).toContain(`page%5Bcursor%5D=${page.meta.nextCursor}`);
        cursor = page.meta.nextCursor;
      }
      expect(seen.length, sort).toBe(TOTAL_LS);
      expect(new Set(seen).size, sort).toBe(TOTAL_LS);
    }
  });

  it('accepts the python client forms', async () => {
    const count = async (qs: string) => (await ok(`/api/v1/lumisections?${qs}`)).meta.totalResourceCount;
    expect(await count('filter[beams_stable][EQ]=True')).toBe(TOTAL_LS - 6);
    expect(await count('filter[beams_stable]=false')).toBe(6);
    expect(await count('filter[beams_stable][eq]=0')).toBe(6);
    expect(await count('filter[init_lumi][EQ]=None')).toBe(3);
    expect(await count('filter[init_lumi][NEQ]=null')).toBe(TOTAL_LS - 3);
    expect(await count('filter%5Brun_number%5D%5BEQ%5D=315000')).toBe(30);
    expect(await count('filter[lumisections][run_number][GE]=315001&filter[lumisections][run_number][le]=315100')).toBe(45);
    expect(await count('filter[start_time][GE]=2018-05-02T00:00:00Z')).toBe(20);
    expect(await count('filter[start_time][GE]=2018-05-02 00:00:00')).toBe(20);
    expect(await count('filter[start_time][GE]=2018-05-02T00:00:00+00:00')).toBe(20);
    expect(await count('filter[start_time][LT]=2018-05-01T02:00:00%2B00:00')).toBe(30);
    expect(await count('filter[prescale_name][LIKE]=2p0%25')).toBe(30);
    expect(await count('filter[lumisection_number][EQ]=-1')).toBe(3);
    expect(await count('filter[run_number]=315001&filter[lumisection_number][EQ]=-1')).toBe(1);
    // a boolean attribute backed by a 0/1 integer column, also on PostgreSQL
    const okRuns = await ok('/api/v1/runs?filter[physics_ok][EQ]=True&fields=physics_ok');
    expect(okRuns.data.map((d: any) => [d.id, d.attributes.physics_ok])).toEqual([
      ['315000', true],
      ['315100', true],
    ]);
    expect((await ok('/api/v1/runs?sort=physics_ok,run_number&fields=physics_ok')).data[0].id).toBe('315001');
    const runs = await ok('/api/v1/runs?filter[components][CT]=PIXEL&sort=-run_number');
    expect(runs.data.map((d: any) => d.id)).toEqual(['315100', '315000']);
    expect(await count('filter[l1a_total.counter][GE]=2025000')).toBe(6 + 1 + 0);
    const byMember = await ok('/api/v1/lumisections?sort=-l1a_total.rate&page[limit]=1&fields=l1a_total');
    expect(byMember.data[0].id).toBe('315000_30');
    const latest = await ok('/api/v1/lumisections?filter[run_number]=315001&filter[lumisection_number]=-1&fields=lumisection_number');
    expect(latest.data[0].attributes.lumisection_number).toBe(25);
  });

  it('answers -1 without a run as the latest lumisection of every run, in any order and by cursor', async () => {
    const last = new Map<number, number>();
    for (const r of lumisectionRows()) last.set(r.run_number as number, Math.max(last.get(r.run_number as number) ?? 0, r.lumisection_number as number));
    const expected = [...last].sort((a, b) => a[0] - b[0]).map(([run, ls]) => `${run}_${ls}`);
    const ids = async (qs: string) => (await ok(`/api/v1/lumisections?filter[lumisection_number][EQ]=-1&fields=lumisection_number&${qs}`)).data.map((d: any) => d.id);
    expect(await ids('')).toEqual(expected);
    expect(await ids('sort=-run_number')).toEqual([...expected].reverse());
    expect(await ids('filter[run_number][GE]=315001')).toEqual(expected.filter((id) => Number(id.split('_')[0]) >= 315001));
    // by cursor, one row per page: the pages follow each other in run order
    const seen: string[] = [];
    let url: string | null = '/api/v1/lumisections?filter[lumisection_number][EQ]=-1&page[limit]=1&page[cursor]=';
    while (url && seen.length < 10) {
      const page: any = await ok(url.replace(/^https?:\/\/[^/]+/, ''));
      seen.push(...page.data.map((d: any) => d.id));
      url = page.links.next;
    }
    expect(seen).toEqual(expected);
  });

  it('sorts by several attributes in order', async () => {
    const b = await ok('/api/v1/lumisections?sort=-run_number,lumisection_number&page[limit]=2&fields=run_number,lumisection_number');
    expect(b.data.map((d: any) => d.id)).toEqual(['315100_1', '315100_2']);
    const n = await ok('/api/v1/lumisections?sort=init_lumi&page[limit]=3&fields=init_lumi');
    expect(n.data.map((d: any) => d.attributes.init_lumi)).toEqual([null, null, null]);
  });

  it('group[granularity] folds rows with each aggregation', async () => {
    const b = await ok('/api/v1/lumisections?group[granularity]=run&filter[run_number][LE]=315001');
    expect(b.meta.totalResourceCount).toBe(2);
    expect(b.data.map((d: any) => d.id)).toEqual(['315000', '315001']);
    const rows = lumisectionRows().filter((r) => r.run_number === 315000);
    const a = b.data[0].attributes;
    expect(a.l1a_total.counter).toBe(rows.reduce((s, r) => s + (r.l1a_total_counter as number), 0));
    expect(a.l1a_total.rate).toBeCloseTo(rows.reduce((s, r) => s + (r.l1a_total_rate as number), 0) / rows.length, 3);
    expect(a.lumisection_number).toBe(1);
    const self = b.data[0].links.self.replace('http://localhost:80', '');
    expect(self).toBe('/api/v1/lumisections?filter%5Brun_number%5D%5BEQ%5D=315000&group%5Bgranularity%5D=run');
    expect((await ok(self)).data.map((d: any) => d.id)).toEqual(['315000']);
    expect(a.start_time).toBe('2018-05-01T00:00:00Z');
    expect(a.beams_stable).toBe(false);
    const f = await ok('/api/v1/lumisections?group[granularity]=fill&sort=-fill_number');
    expect(f.data.map((d: any) => d.id)).toEqual(['6601', '6600']);
  });

  it('include: meta, presentation_timestamp, data_only and relationships', async () => {
    const m = await ok('/api/v1/runs?include=meta&page[limit]=1');
    expect(m.meta.fields.l1_rate).toMatchObject({ units: 'Hz', api_type: 'Double', searchable: true, sortable: true, projectable: true });
    const p = await ok('/api/v1/runs/315000?include=presentation_timestamp');
    expect(p.data.attributes.start_time).toBe('2018-05-01 00:00:00');
    const d = await ok('/api/v1/runs?include=data_only');
    expect(d.data[0].links).toBeUndefined();
    expect(d.links).toBeUndefined();
    const inc = await ok('/api/v1/lumisections?filter[run_number]=315100&page[limit]=3&include=run');
    expect(inc.included).toHaveLength(1);
    expect(inc.included[0]).toMatchObject({ type: 'runs', id: '315100' });
    expect(inc.data[0].relationships.run.data).toEqual({ type: 'runs', id: '315100' });
    const projected = await ok('/api/v1/lumisections?filter[run_number]=315100&page[limit]=2&include=run&fields=init_lumi');
    expect(projected.data[0].relationships.run.data).toEqual({ type: 'runs', id: '315100' });
    expect(projected.data[0].meta).toBeUndefined();
    const many = await ok('/api/v1/runs?filter[run_number]=315001&include=lumisections');
    expect(many.included).toHaveLength(25);
    expect(many.data[0].relationships.lumisections.data).toHaveLength(25);
    expect(many.data[0].relationships.lumisections.meta).toBeUndefined();
    const capped = await ok('/api/v1/runs?filter[run_number][LE]=315001&include=lumisections');
    expect(capped.included).toHaveLength(40);
    expect(capped.data[0].relationships.lumisections.meta).toEqual({ truncated: true, includeLimit: 40 });
    const linked = capped.data.flatMap((d: any) => d.relationships.lumisections.data.map((x: any) => x.id));
    expect(new Set(linked)).toEqual(new Set(capped.included.map((x: any) => x.id)));
  });

  it('serves /{type}/{id}, /{id}/{relationship}, /relationships/, /meta', async () => {
    const one = await ok('/api/v1/runs/315001');
    expect(one.data.attributes.l1_rate).toBeNull();
    const rel = await ok('/api/v1/runs/315001/lumisections?page[limit]=5&sort=-lumisection_number');
    expect(rel.meta.totalResourceCount).toBe(25);
    expect(rel.data[0].id).toBe('315001_25');
    expect(rel.links.next).toContain('/api/v1/runs/315001/lumisections?');
    const up = await ok('/api/v1/lumisections/315001_3/run');
    expect(up.data.id).toBe('315001');
    const link = await ok('/api/v1/lumisections/315001_3/relationships/run');
    expect(link.data).toEqual({ type: 'runs', id: '315001' });
    const meta = await ok('/api/v1/lumisections/meta');
    expect(meta.meta.fields_order).toEqual(['run_number', 'lumisection_number', 'fill_number', 'start_time', 'beams_stable', 'init_lumi', 'prescale_name', 'l1a_total']);
    expect(meta.meta.fields.init_lumi).toMatchObject({ title: 'Init lumi', api_type: 'Double', units: '10^{30}cm^{-2}s^{-1}' });
  });

  it('lists its resources at the prefix root', async () => {
    const idx = await ok('/agg/api/v1/');
    expect(idx.data.map((d: any) => d.id)).toEqual(['lumisections', 'runs']);
    expect(idx.data[1].links.self).toBe('http://localhost:80/agg/api/v1/runs');
    expect((await get('/api/v1?x=1')).status).toBe(400);
  });

  it('answers under every prefix, with trailing and doubled slashes, never redirecting', async () => {
    for (const url of ['/agg/api/v1/runs', '/agg/api/v1/runs/', '/agg/api//v1/runs', '/api/v1/runs/?page[limit]=2', '/pixel-agg/api/v1/runs', '/api//v1//runs/315000']) {
      const r = await get(url);
      expect(r.status, url).toBe(200);
      expectValidJsonApi(r.body);
    }
    const p = await ok('/pixel-agg/api/v1/runs?page[limit]=1');
    expect(p.data[0].links.self).toBe('http://localhost:80/pixel-agg/api/v1/runs/315000');
  });

  it('CSV by path and by Accept, streamed in keyset batches of 7 rows', async () => {
    const r = await get('/api/v1/lumisections/csv?fields=run_number,lumisection_number,beams_stable,start_time&filter[run_number]=315100');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/csv');
    const lines = (r.body as string).trim().split('\n');
    expect(lines[0]).toBe('run_number,lumisection_number,beams_stable,start_time');
    expect(lines).toHaveLength(21);
    expect(lines[1]).toBe('315100,1,false,2018-05-02T00:00:00Z');
    const a = await get('/api/v1/runs?fields=run_number,components', { accept: 'text/csv' });
    expect((await get('/api/v1/runs/csv?fields=physics_ok')).body).toBe('physics_ok\ntrue\nfalse\ntrue\n');
    expect(a.body).toBe('run_number,components\n315000,"DAQ,PIXEL,TRG"\n315001,"DAQ,TRG"\n315100,"DAQ,PIXEL"\n');
    const all = await get('/api/v1/lumisections/csv?fields=run_number,lumisection_number');
    const lines2 = (all.body as string).trim().split('\n');
    expect(lines2).toHaveLength(TOTAL_LS + 1);
    expect(new Set(lines2).size).toBe(TOTAL_LS + 1);
    const window = await get('/api/v1/lumisections/csv?fields=run_number,lumisection_number&page[offset]=10&page[limit]=9&sort=-run_number');
    expect((window.body as string).trim().split('\n').slice(1)).toEqual(Array.from({ length: 9 }, (_, i) => `315100,${11 + i}`));
  });

  it('negotiates media types per JSON:API', async () => {
    expect((await get('/api/v1/runs', { accept: 'application/vnd.api+json; charset=utf-8' })).status).toBe(406);
    expect((await get('/api/v1/runs', { accept: 'application/vnd.api+json; profile="x"' })).status).toBe(200);
    expect((await get('/api/v1/runs', { accept: 'image/png' })).status).toBe(406);
    expect((await get('/api/v1/runs', { accept: '*/*' })).status).toBe(200);
    expect((await get('/api/v1/runs', { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' })).status).toBe(200);
    const r415 = await app.inject({ method: 'GET', url: '/api/v1/runs', headers: { 'content-type': 'application/vnd.api+json; version=2' } });
    expect(r415.statusCode).toBe(415);
    expectValidJsonApi(r415.json());
    const post = await app.inject({ method: 'POST', url: '/api/v1/runs', payload: {} });
    expect(post.statusCode).toBe(405);
    expectValidJsonApi(post.json());
  });

  const BAD: [string, number, string?][] = [
    ['/api/v1/runs?filter[nope][EQ]=1', 400, 'filter[nope][EQ]'],
    ['/api/v1/runs?filter[run_number][XX]=1', 400, 'filter[run_number][XX]'],
    ['/api/v1/runs?filter[run_number][EQ]=abc', 400, 'filter[run_number][EQ]'],
    ['/api/v1/runs?filter[run_number][EQ]=1;drop table runs', 400],
    ['/api/v1/runs?filter[era][EQ]=x%27%20or%201=1--', 200],
    ['/api/v1/runs?filter[stable_beam]=maybe', 400],
    ['/api/v1/runs?filter[start_time][GE]=yesterday', 400],
    ['/api/v1/runs?filter[start_time][LIKE]=2018%25', 400],
    ['/api/v1/runs?filter[l1_rate][LT]=None', 400],
    ['/api/v1/runs?filter[run_number', 400],
    ['/api/v1/runs?filter]run_number[=1', 400],
    ['/api/v1/runs?filter[run_number][EQ][x][y]=1', 400],
    ['/api/v1/runs?filter[fills][run_number][EQ]=1', 400],
    ['/api/v1/runs?page[limit]=-1', 400, 'page[limit]'],
    ['/api/v1/runs?page[limit]=1001', 400, 'page[limit]'],
    ['/api/v1/runs?page[limit]=99999999999999999999999', 400],
    ['/api/v1/runs?page[offset]=abc', 400],
    ['/api/v1/runs?page[size]=3', 400],
    ['/api/v1/runs?page[cursor]=notacursor', 400],
    ['/api/v1/runs?sort=nope', 400, 'sort'],
    ['/api/v1/runs?sort=-run_number;delete', 400],
    ['/api/v1/runs?fields=nope', 400],
    ['/api/v1/runs?fields[lumisections]=run_number', 400],
    ['/api/v1/runs?include=nope', 400, 'include'],
    ['/api/v1/runs?group[granularity]=run', 400],
    ['/api/v1/lumisections?group[granularity]=year', 400],
    ['/api/v1/lumisections?group[granularity]=run&include=run', 400, 'include'],
    ['/api/v1/runs?bogus=1', 400, 'bogus'],
    ['/api/v1/runs?limit=10', 400],
    ['/api/v1/runs?filter[run_number]=%ZZ', 400],
    ['/api/v1/runs?sort=run_number&sort=era', 400],
    ['/api/v1/runs?filter[]=1', 400],
    ['/api/v1/runs?filter[run_number][EQ]', 400],
    ['/api/v1/runs?filter[run_number][EQ]=1e400', 400],
    ['/api/v1/runs?filter[l1_rate][GT]=NaN', 400],
    ['/api/v1/runs?filter[start_time][GE]=2018-13-45T00:00:00Z', 400],
    ['/api/v1/runs?fields=run_number&fields=era', 400],
    ['/api/v1/runs?page[cursor]=&page[offset]=5', 400],
    ['/api/v1/runs?filter[era][EQ]=%27%3B%20DROP%20TABLE%20fx_runs%3B--', 200],
    ['/api/v1/runs?sort=', 200],
    ['/api/v1/runs?&&page[limit]=1&', 200],
    ['/api/v1/runs/%E0%A4%A', 400],
    ['/api/v1/nope', 404],
    ['/api/v1/runs/999999', 404],
    ['/api/v1/runs/abc', 404],
    ['/api/v1/lumisections/315000', 404],
    ['/api/v1/runs/315000/nope', 404],
    ['/nothing/here', 404],
  ];
  it.each(BAD)('bad input %s → %i JSON:API error', async (url, status, parameter) => {
    const r = await get(url);
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expectValidJsonApi(r.body);
    if (status === 200) return;
    expect(r.headers['content-type']).toContain('application/vnd.api+json');
    const e = r.body.errors[0];
    expect(e.status).toBe(String(status));
    expect(e.detail).not.toMatch(/select |from "|v_runs|sqlite|syntax/i);
    if (parameter) expect(e.source.parameter).toBe(parameter);
  });

  it('a failing database gives 503 JSON:API errors without SQL, and /health 503', async () => {
    const broken = await openDb(fx.url, { readonly: true });
    const app2 = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), { db: broken, resources: fixtureResources(), logger: false });
    await broken.close();
    const r = await app2.inject('/api/v1/runs?filter[run_number]=315000');
    expect(r.statusCode).toBe(503);
    const body = r.json();
    expectValidJsonApi(body);
    expect(body.errors[0]).toMatchObject({ status: '503', code: 'database_unavailable' });
    expect(JSON.stringify(body)).not.toMatch(/select|v_runs|run_number/i);
    expect((await app2.inject('/health')).statusCode).toBe(503);
    await app2.close();
  });

  it('a resource whose view is missing is a 500 schema_mismatch, not a 503', async () => {
    const ghosts = defineResource({ type: 'ghosts', view: 'v_ghosts', title: 'Ghosts', id: ['n'], attributes: { n: { type: 'integer', unit: null } } });
    const app2 = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), { db, resources: registryOf([...fixtureResources().all, ghosts]), logger: false });
    const r = await app2.inject('/api/v1/ghosts');
    expect(r.statusCode).toBe(500);
    expectValidJsonApi(r.json());
    expect(r.json().errors[0].code).toBe('schema_mismatch');
    await app2.close();
  });

  it('health reports the database', async () => {
    const r = await get('/health');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', database: name, pool: { size: expect.any(Number) } });
  });
});
