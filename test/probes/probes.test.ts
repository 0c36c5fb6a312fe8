// Every probe on the demo data set, on SQLite and PostgreSQL: the result validates against the
// plot-object schema, its Plotly figure passes Plotly.validate (plotly.js-dist-min under jsdom),
// units are on every axis, and a few physics checks that can fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import fs from 'node:fs';
import { CATALOG_DIR, loadProbes, type ProbeRegistry } from '../../src/probes/registry.js';
import { ProbeService } from '../../src/probes/service.js';
import { plotProblems } from '../../src/plot/validate.js';
import { toPlotly } from '../../src/plot/to-plotly.js';
import type { PlotObject } from '../../src/plot/types.js';
import { leakageScale } from '../../src/probes/catalog/pixel-leakage.js';
import { testDatabases } from '../helpers/databases.js';
import { loadPlotly } from './plotly-jsdom.js';
import { engineFor } from './engine.js';

const ctx = { apiPrefix: '/api/v1' };
// loaded at collection time: the probe lists below are derived from it
const registry: ProbeRegistry = await loadProbes();
const probeIds = registry.list().map((p) => p.id);
const opened: Record<string, Db> = {};
const plots: Record<string, Record<string, PlotObject>> = {};

beforeAll(async () => {
  for (const d of testDatabases()) opened[d.name] = await openDb(d.url, { readonly: true, statementTimeoutMs: 30_000 });
});
afterAll(async () => {
  for (const db of Object.values(opened)) await db.close();
});

describe('probe registry', () => {
  it('finds every probe file in src/probes/catalog without a list', async () => {
    const ids = registry
      .list()
      .map((p) => p.id)
      .sort();
    const files = fs
      .readdirSync(CATALOG_DIR)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(files.length).toBeGreaterThan(5);
    expect(ids).toEqual(files);
  });
});

// probes that need `omsagg score` output say so (`needs`); the demo database is not scored (api.test.ts scores a copy)
const needsScores = (id: string) => registry.get(id)!.needs?.includes('anomaly_scores') ?? false;

for (const d of testDatabases()) {
  describe(`every probe on ${d.name}`, () => {
    const Plotly = loadPlotly();
    it.each(probeIds.filter((id) => !needsScores(id)))('%s renders with defaults: valid plot object and valid Plotly figure', async (id) => {
      const probe = registry.get(id)!;
      const svc = new ProbeService(engineFor(opened[d.name]));
      const params = await svc.resolveParams(probe, {});
      const plot = await svc.plot(probe, params, ctx);
      expect(plotProblems(plot)).toEqual([]);
      (plots[d.name] ??= {})[id] = plot;
      // data, not an empty frame
      const points = plot.series.reduce((n, s) => n + (s.kind === 'heatmap' ? s.z.flat().filter((v) => v !== null).length : s.x.length), 0);
      expect(points).toBeGreaterThan(10);
      const fig = toPlotly(plot);
      expect(Plotly.validate(fig.data, fig.layout)).toBeUndefined();
      // every axis with a unit shows it in its title
      for (const [name, axis] of Object.entries(plot.axes)) {
        const title = (fig.layout[name === 'x' ? 'xaxis' : name === 'y' ? 'yaxis' : 'yaxis2'] as { title: { text: string } }).title.text;
        if (axis.unit) expect(title).toMatch(/\[.+\]$/);
      }
      expect(plot.sources.length).toBeGreaterThan(0);
      for (const s of plot.sources) expect(s.url).toMatch(/^\/api\/v1\/[a-z]+/);
    });
    it('probes that need anomaly scores say so clearly when there are none', async () => {
      const needing = probeIds.filter(needsScores);
      expect(needing.length).toBeGreaterThan(0);
      for (const id of needing) {
        const probe = registry.get(id)!;
        const svc = new ProbeService(engineFor(opened[d.name]));
        await expect(svc.resolveParams(probe, {})).rejects.toMatchObject({ status: 404, message: expect.stringMatching(/omsagg score/) });
      }
    });
  });
}

describe('physics of the probe outputs', () => {
  const sqlite = () => opened.sqlite;
  it('pixel leakage: layer 1 draws more current than layer 4, and the temperature normalisation follows T²·exp(−Eg/2kT)', async () => {
    const probe = registry.get('pixel-leakage')!;
    const svc = new ProbeService(engineFor(sqlite()));
    const at = async (ref: number) => svc.plot(probe, await svc.resolveParams(probe, { ref_temperature: String(ref) }), ctx);
    const m20 = await at(-20);
    const zero = await at(0);
    const mean = (p: PlotObject, key: string) => {
      const s = p.series.find((x) => x.key === key)!;
      const ys = (s as { y: (number | null)[] }).y.filter((v): v is number => v !== null);
      return ys.reduce((a, b) => a + b, 0) / ys.length;
    };
    expect(mean(m20, 'bpix_layer_1')).toBeGreaterThan(3 * mean(m20, 'bpix_layer_4'));
    // s(0 °C)/s(−20 °C) = (273.15/253.15)²·exp(1.21 eV/2k·(1/253.15 − 1/273.15)) = 8.87 by hand:
    // the currents normalised to 0 °C are that factor above those normalised to −20 °C
    const ratio = mean(zero, 'bpix_layer_1') / mean(m20, 'bpix_layer_1');
    expect(leakageScale(0) / leakageScale(-20)).toBeCloseTo(8.87, 1);
    expect(ratio).toBeCloseTo(8.87, 1);
    // ~10–300 µA per module at −20 °C (ARCHITECTURE.md magnitudes)
    expect(mean(m20, 'bpix_layer_1')).toBeGreaterThan(10);
    expect(mean(m20, 'bpix_layer_1')).toBeLessThan(1000);
  });
  it('rate versus pileup: the fitted curves follow the points (R² in the legend) and rates rise with pileup', async () => {
    const probe = registry.get('rate-vs-pileup')!;
    const svc = new ProbeService(engineFor(sqlite()));
    const plot = await svc.plot(probe, await svc.resolveParams(probe, { fit: 'linear' }), ctx);
    const fits = plot.series.filter((s) => s.key.startsWith('fit_'));
    expect(fits.length).toBeGreaterThan(0);
    for (const f of fits) {
      expect(f.name).toMatch(/^fit: .*·μ Hz \(R²=\d\.\d{3}\)$/);
      const ys = (f as { y: number[] }).y;
      expect(ys[ys.length - 1]).toBeGreaterThan(ys[0]);
    }
  });
  it('L1 total rate stays below the 100 kHz limit and dead time is a few %', async () => {
    const plot =
      plots.sqlite?.['trigger-rates'] ??
      (await new ProbeService(engineFor(sqlite())).plot(registry.get('trigger-rates')!, await new ProbeService(engineFor(sqlite())).resolveParams(registry.get('trigger-rates')!, {}), ctx));
    const l1 = plot.series.find((s) => s.key === 'l1_total') as { y: (number | null)[] };
    expect(Math.max(...l1.y.filter((v): v is number => v !== null))).toBeLessThanOrEqual(100_000);
    const dt = plot.series.find((s) => s.key === 'deadtime') as { y: (number | null)[] };
    const vals = dt.y.filter((v): v is number => v !== null).sort((a, b) => a - b);
    expect(vals[Math.floor(vals.length / 2)]).toBeGreaterThan(0.1);
    expect(vals[Math.floor(vals.length / 2)]).toBeLessThan(10);
  });
  it('SQLite and PostgreSQL give the same plot for the same parameters', async () => {
    if (!opened.postgres) return;
    for (const id of ['hlt-rates', 'fed-channels', 'fill-summary']) {
      const probe = registry.get(id)!;
      const a = new ProbeService(engineFor(opened.sqlite));
      const b = new ProbeService(engineFor(opened.postgres));
      const pa = await a.plot(probe, await a.resolveParams(probe, {}), ctx);
      const pb = await b.plot(probe, await b.resolveParams(probe, {}), ctx);
      expect(pb.parameters).toEqual(pa.parameters);
      expect(pb.title).toBe(pa.title);
      expect(pb.series.length).toBe(pa.series.length);
      pa.series.forEach((s, i) => {
        const t = pb.series[i];
        expect(t.key).toBe(s.key);
        expect(t.x).toEqual(s.x);
        if (s.kind === 'line' && t.kind === 'line') s.y.forEach((v, j) => (v === null ? expect(t.y[j]).toBeNull() : expect(t.y[j]).toBeCloseTo(v, 6)));
        if (s.kind === 'heatmap' && t.kind === 'heatmap') expect(t.z).toEqual(s.z);
      });
    }
  });
});
