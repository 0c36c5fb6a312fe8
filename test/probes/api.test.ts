// The probe API over HTTP (app.inject): JSON:API list and plot documents, Plotly figure, CSV, the
// points form as the OMS GUI's generic portlets ask for it, and JSON:API errors for bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openDb, type Db } from '../../src/db/connection.js';
import { testApp } from '../helpers/app.js';
import { plotProblems } from '../../src/plot/validate.js';
import { testDatabases, writableSqliteCopy, type WritableDatabase } from '../helpers/databases.js';
import { expectValidJsonApi } from '../helpers/jsonapi.js';
import { loadPlotly } from './plotly-jsdom.js';

const PREFIXES = ['/api/v1', '/agg/api/v1', '/pixel-agg/api/v1'];

async function appFor(db: Db): Promise<FastifyInstance> {
  return testApp(db, { env: { OMSAGG_PREFIXES: '/pixel-agg/api/v1', OMSAGG_MAX_PAGE_LIMIT: '100000' } });
}

const get = (app: FastifyInstance, url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

for (const d of testDatabases()) {
  describe(`probe API on ${d.name}`, () => {
    let db: Db;
    let app: FastifyInstance;
    let run: number;
    beforeAll(async () => {
      db = await openDb(d.url, { readonly: true });
      app = await appFor(db);
      run = Number((await db.knex('v_hltpathrates').max({ r: 'run_number' }).first())!.r);
    });
    afterAll(async () => {
      await app.close();
      await db.close();
    });

    it('lists every probe as JSON:API with parameter schema and resolved defaults, under every prefix', async () => {
      for (const prefix of PREFIXES) {
        const res = await get(app, `${prefix}/probes`);
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/application\/vnd\.api\+json/);
        const body = res.json();
        expectValidJsonApi(body);
        expect(body.data.length).toBe(9);
        const hlt = body.data.find((p: { id: string }) => p.id === 'hlt-rates');
        expect(hlt.type).toBe('probes');
        expect(hlt.attributes.parameters.properties.run_number.type).toBe('integer');
        expect(hlt.attributes.defaults.run_number).toBe(run);
        expect(hlt.attributes.defaults.paths.length).toBe(4);
      }
      expect((await get(app, '/agg/api//v1/probes/')).statusCode).toBe(200);
    });

    it('serves the plot object as a JSON:API `plots` resource that validates against the plot schema', async () => {
      const res = await get(app, `/api/v1/probes/hlt-rates/plot?run_number=${run}`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expectValidJsonApi(body);
      expect(body.data.type).toBe('plots');
      expect(plotProblems(body.data.attributes)).toEqual([]);
      expect(body.data.attributes.parameters.run_number).toBe(run);
      expect(body.data.attributes.axes.y).toMatchObject({ label: 'Rate', unit: 'Hz' });
      // the sources are the reads the probe made: one per path, filtered by run and path
      const rates = body.data.attributes.sources.filter((s: { resource: string }) => s.resource === 'hltpathrates').map((s: { url: string }) => s.url);
      expect(rates).toEqual(
        body.data.attributes.parameters.paths.map(
          (p: string) => `/api/v1/hltpathrates?filter[run_number][EQ]=${run}&filter[path_name][EQ]=${p}&fields=lumisection_number,rate,prescale_index&sort=lumisection_number`,
        ),
      );
      // under a subsystem prefix the sources point at that prefix
      const pix = (await get(app, '/pixel-agg/api/v1/probes/fed-channels/plot')).json();
      const urls: string[] = pix.data.attributes.sources.map((s: { url: string }) => s.url);
      expect(urls.filter((u) => /^\/pixel-agg\/api\/v1\/fedchannels\?/.test(u))).toHaveLength(1);
      for (const u of urls) expect(u).toMatch(/^\/pixel-agg\/api\/v1\//);
    });

    it('serves a Plotly figure that Plotly.validate accepts, and CSV with units', async () => {
      const fig = (await get(app, `/api/v1/probes/trigger-rates/plotly?run_number=${run}&secondary=luminosity`)).json();
      expect(loadPlotly().validate(fig.data, fig.layout)).toBeUndefined();
      expect(fig.layout.yaxis2.title.text).toBe('Inst. luminosity [10<sup>34</sup>cm<sup>-2</sup>s<sup>-1</sup>]');
      const csv = await get(app, `/api/v1/probes/fill-summary/csv`);
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      const lines = csv.body.trim().split('\n');
      expect(lines[0]).toBe('series,series_name,x [ms],x_label,y,y_low,y_high,y_unit,y_label,z,z_unit,z_label,text');
      expect(lines.length).toBeGreaterThan(100);
      expect(lines[1]).toMatch(/^luminosity,Inst\. luminosity,\d{13},\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,[\d.]+,,,10\^34cm\^-2s\^-1,/);
    });

    it('answers the OMS chart portlet request form on points, with parameters as OMS filters', async () => {
      const url = `/api/v1/probes/hlt-rates/points?fields=x,y&sort=x&page[offset]=0&page[limit]=10000&include=meta&filter[run_number][EQ]=${run}`;
      const res = await get(app, url);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expectValidJsonApi(body);
      expect(body.meta.totalResourceCount).toBeGreaterThan(100);
      expect(body.meta.fields.y.units).toBe('Hz');
      expect(body.meta.fields.x.title).toBe('Lumisection');
      expect(body.links.next).toBeNull();
      const xs = body.data.map((p: { attributes: { x: number } }) => p.attributes.x);
      expect(xs).toEqual([...xs].sort((a, b) => a - b));
      for (const p of body.data) {
        expect(Object.keys(p.attributes).sort()).toEqual(['x', 'y']);
        expect(p.attributes.y).not.toBeNull();
      }
      // raw brackets and the namespaced filter form reach the same probe run
      const raw = (await get(app, `/api/v1/probes/hlt-rates/points?filter%5Bpoints%5D%5Brun_number%5D%5BEQ%5D=${run}&page%5Blimit%5D=1`)).json();
      expect(raw.meta.totalResourceCount).toBe(body.meta.totalResourceCount);
    });

    it('one series per endpoint, with parameters echoed, units in every row and in meta', async () => {
      const plot = (await get(app, `/api/v1/probes/trigger-rates/plot?run_number=${run}`)).json().data.attributes;
      const dt = plot.series.find((s: { key: string }) => s.key === 'deadtime');
      const res = await get(app, `/api/v1/probes/trigger-rates/series/deadtime/points?filter[run_number][EQ]=${run}&page[limit]=5&include=meta`);
      const body = res.json();
      expectValidJsonApi(body);
      expect(body.meta.totalResourceCount).toBe(dt.y.filter((v: number | null) => v !== null).length);
      expect(body.meta.fields.y.units).toBe('%');
      expect(body.meta.fields.x.units).toBe('ms');
      const row = body.data[0];
      expect(row.attributes).toMatchObject({ series: 'deadtime', run_number: run, secondary: 'deadtime' });
      expect(row.attributes.x).toBe(Date.parse(dt.x[0]));
      expect(row.meta.row).toEqual({ x: { units: 'ms' }, y: { units: '%' } });
      // the mixed collection carries per-row units: rates in Hz, dead time in %
      const mixed = (await get(app, `/api/v1/probes/trigger-rates/points?filter[series][EQ]=deadtime&page[limit]=1`)).json();
      expect(mixed.data[0].meta.row.y.units).toBe('%');
      const l1 = (await get(app, `/api/v1/probes/trigger-rates/points?filter[series][EQ]=l1_total&page[limit]=1`)).json();
      expect(l1.data[0].meta.row.y.units).toBe('Hz');
      // each point's self link answers
      const self = new URL(row.links.self);
      const one = await get(app, `${self.pathname}?run_number=${run}`);
      expect(one.statusCode).toBe(200);
      expect(one.json().data.id).toBe(row.id);
    });

    it('points/meta lists every field with units (the table portlet builds its columns from it) and points/csv exports', async () => {
      const meta = (await get(app, `/api/v1/probes/fed-errors/points/meta`)).json().meta;
      for (const f of ['series', 'x', 'y', 'y_low', 'y_high', 'z', 'run_number', 'error_code']) expect(meta.fields_order).toContain(f);
      expect(meta.fields.z.units).toBe('counts');
      expect(meta.fields.z.title).toBe('Errors');
      const csv = await get(app, `/api/v1/probes/fed-channels/points/csv?fields=x,y,z,z_label&page[limit]=3`);
      expect(csv.body.trim().split('\n')).toHaveLength(4);
      expect(csv.body.split('\n')[0]).toBe('x,y,z,z_label');
      const heat = (await get(app, `/api/v1/probes/fed-channels/points?filter[z_label][EQ]=masked&page[limit]=1000`)).json();
      for (const p of heat.data) expect(p.attributes.z).toBe(2);
    });

    it.each([
      ['/api/v1/probes/hlt-rates/plot?run_number=abc', 400, 'run_number'],
      ['/api/v1/probes/hlt-rates/plot?scale=cubic', 400, 'scale'],
      ['/api/v1/probes/hlt-rates/plot?paths=HLT_DoesNotExist_v1', 400, 'paths'],
      ['/api/v1/probes/hlt-rates/plot?colour=red', 400, 'colour'],
      ['/api/v1/probes/hlt-rates/plotly?filter[run_number][GT]=1', 400, 'filter[run_number][GT]'],
      ['/api/v1/probes/hlt-rates/points?filter[nope][EQ]=1', 400, 'filter[nope][EQ]'],
      ['/api/v1/probes/hlt-rates/points?page[limit]=100000000', 400, 'page[limit]'],
      ['/api/v1/probes/hlt-rates/points?sort=colour', 400, 'sort'],
      ['/api/v1/probes/hlt-rates/points?include=everything', 400, 'include'],
      ['/api/v1/probes/masked-rocs/plot?to=yesterday', 400, 'to'],
      ['/api/v1/probes/masked-rocs/plot?days=-3', 400, 'days'],
      ['/api/v1/probes/fed-errors/plot?error_code=99', 400, 'error_code'],
      ['/api/v1/probes/nope/plot', 404, undefined],
      ['/api/v1/probes/hlt-rates/series/nope/points', 404, undefined],
      ['/api/v1/probes/fill-summary/plot?fill_number=1', 404, undefined],
      ['/api/v1/probes/hlt-rates/plot?run_number=1', 404, undefined],
    ])('%s → %i JSON:API error', async (url, status, parameter) => {
      const res = await get(app, url);
      expect(res.statusCode).toBe(status);
      const body = res.json();
      expectValidJsonApi(body);
      expect(body.errors[0].status).toBe(String(status));
      expect(body.errors[0].detail).toBeTruthy();
      if (parameter) expect(body.errors[0].source.parameter).toBe(parameter);
      expect(JSON.stringify(body)).not.toMatch(/select |from "|sqlite|knex/i);
    });
  });
}

describe('anomaly overlays on a scored copy of the demo', () => {
  let w: WritableDatabase;
  let db: Db;
  let app: FastifyInstance;
  let run: number;
  let predictedPath: string;
  beforeAll(async () => {
    w = await writableSqliteCopy();
    db = await openDb(w.url);
    run = Number((await db.knex('v_hltpathrates').max({ r: 'run_number' }).first())!.r);
    predictedPath = String((await db.knex('v_hltpathrates').select('path_name').where('run_number', run).orderBy('path_name').first())!.path_name);
    const rows = Array.from({ length: 60 }, (_, i) => {
      const ls = i + 1;
      const flag = ls >= 10 && ls <= 14 ? 1 : ls === 40 ? 1 : 0;
      const contributors: { name: string; score: number; observed_rate_hz?: number; predicted_rate_hz?: number }[] = flag
        ? [
            { name: 'HLT_PFJet500_v15', score: 0.95 },
            { name: 'HLT_PFHT1050_v14', score: 0.8 },
          ]
        : ls >= 50
          ? [{ name: predictedPath, score: 0.1, observed_rate_hz: 20, predicted_rate_hz: 20.5 }]
          : [];
      return {
        run_number: run,
        lumisection_number: ls,
        model: 'combined',
        score: flag ? 0.97 : 0.05 + (ls % 7) / 100,
        threshold: 0.9,
        flag,
        contributors: JSON.stringify(contributors),
        top_contributor: contributors[0]?.name ?? null,
        observed_rate: contributors[0]?.observed_rate_hz ?? null,
        predicted_rate: contributors[0]?.predicted_rate_hz ?? null,
        scored_at: '2026-01-01T00:00:00Z',
      };
    });
    await db.knex('omsagg_anomaly_scores').insert(rows);
    app = await appFor(db);
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await w?.cleanup();
  });

  it('hlt-rates shades the flagged episodes with their top contributors', async () => {
    const plot = (await get(app, `/api/v1/probes/hlt-rates/plot?run_number=${run}`)).json().data.attributes;
    expect(plot.spans).toEqual([
      { from: 9.5, to: 14.5, kind: 'anomaly', short_label: 'LS 10–14', label: 'LS 10–14 flagged (combined): HLT_PFJet500_v15, HLT_PFHT1050_v14' },
      { from: 39.5, to: 40.5, kind: 'anomaly', short_label: 'LS 40', label: 'LS 40 flagged (combined): HLT_PFJet500_v15, HLT_PFHT1050_v14' },
    ]);
    const fig = (await get(app, `/api/v1/probes/hlt-rates/plotly?run_number=${run}`)).json();
    expect(fig.layout.shapes.filter((s: { type: string }) => s.type === 'rect')).toHaveLength(2);
    expect(loadPlotly().validate(fig.data, fig.layout)).toBeUndefined();
  });

  it('hlt-rates draws the rate model prediction ±2σ as a band where the scorer recorded it', async () => {
    const plot = (await get(app, `/api/v1/probes/hlt-rates/plot?run_number=${run}&paths=${predictedPath}`)).json().data.attributes;
    const band = plot.series.find((s: { key: string }) => s.key === `predicted_${predictedPath}`);
    expect(band.kind).toBe('band');
    const line = plot.series.find((s: { key: string }) => s.key === predictedPath);
    expect(band.x).toEqual(line.x);
    const at = band.x.indexOf(55);
    const sigma = Math.sqrt(20.5 * 23.31) / 23.31;
    expect(band.lower[at]).toBeCloseTo(20.5 - 2 * sigma, 6);
    expect(band.upper[at]).toBeCloseTo(20.5 + 2 * sigma, 6);
    expect(band.lower[band.x.indexOf(20)]).toBeNull();
    expect(plot.series.indexOf(band)).toBeLessThan(plot.series.indexOf(line)); // drawn under the data
  });

  it('anomaly-scores draws the score, the threshold and the contributors in the hover', async () => {
    const res = await get(app, `/api/v1/probes/anomaly-scores/plot`);
    expect(res.statusCode).toBe(200);
    const plot = res.json().data.attributes;
    expect(plotProblems(plot)).toEqual([]);
    expect(plot.parameters.run_number).toBe(run);
    expect(plot.annotations).toContainEqual({ y: 0.9, text: 'threshold 0.900' });
    const score = plot.series.find((s: { key: string }) => s.key === 'score');
    expect(score.y).toHaveLength(60);
    expect(score.hover[11]).toBe('top: HLT_PFJet500_v15 (0.95)<br>     HLT_PFHT1050_v14 (0.80)');
    expect(plot.spans).toHaveLength(2);
    const bad = await get(app, `/api/v1/probes/anomaly-scores/plot?model=nonexistent`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].source.parameter).toBe('model');
    const fig = (await get(app, `/api/v1/probes/anomaly-scores/plotly`)).json();
    expect(loadPlotly().validate(fig.data, fig.layout)).toBeUndefined();
  });
});
