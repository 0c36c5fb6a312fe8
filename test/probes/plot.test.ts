import { describe, expect, it } from 'vitest';
import { assertValidPlot, plotProblems } from '../../src/plot/validate.js';
import { toPlotly } from '../../src/plot/to-plotly.js';
import { plotToPoints, pointFields } from '../../src/plot/points.js';
import { plotToCsv } from '../../src/plot/csv.js';
import type { PlotObject } from '../../src/plot/types.js';
import { loadPlotly } from './plotly-jsdom.js';

function sample(): PlotObject {
  return {
    title: 'HLT rates, run 315512',
    subtitle: 'two paths with the model band',
    axes: {
      x: { label: 'Lumisection', unit: null, scale: 'linear' },
      y: { label: 'Rate', unit: 'Hz', scale: 'linear' },
      y2: { label: 'Dead time', unit: '%', scale: 'linear' },
    },
    series: [
      { key: 'band_a', name: 'HLT_A prediction', kind: 'band', x: [1, 2, 3], lower: [9, 9, 9], upper: [11, 11, 11] },
      { key: 'a', name: 'HLT_A', kind: 'line', x: [1, 2, 3], y: [10, null, 12], hover: ['x', 'y', 'z'], step: true },
      { key: 'b', name: 'HLT_B', kind: 'scatter', x: [1, 2, 3], y: [1, 2, 3] },
      { key: 'dt', name: 'Dead time', kind: 'bar', axis: 'y2', x: [1, 2, 3], y: [1.5, 2, 2.5] },
    ],
    annotations: [
      { text: 'threshold', y: 11 },
      { text: 'prescale change', x: 2 },
      { text: 'peak', x: 3, y: 12 },
    ],
    spans: [{ from: 2, to: 3, label: 'flagged LS 2–3', kind: 'anomaly' }],
    sources: [{ resource: 'hltpathrates', url: '/api/v1/hltpathrates?filter[run_number][EQ]=315512' }],
  };
}

function heat(): PlotObject {
  return {
    title: 'FED channel status',
    axes: { x: { label: 'Channel', unit: null, scale: 'linear' }, y: { label: 'FED', unit: null, scale: 'category' } },
    series: [
      {
        key: 'status',
        name: 'Status',
        kind: 'heatmap',
        x: [1, 2],
        y: ['1200', '1201'],
        z: [
          [0, 1],
          [null, 2],
        ],
        z_label: 'Status',
        z_unit: null,
        categories: [
          { value: 0, label: 'ok', color: '#009E73' },
          { value: 1, label: 'errors', color: '#E69F00' },
          { value: 2, label: 'masked', color: '#D55E00' },
        ],
      },
    ],
    annotations: [],
    spans: [],
    sources: [],
  };
}

function timePlot(): PlotObject {
  return {
    title: 'Fill 6666',
    axes: { x: { label: 'Time', unit: null, scale: 'time' }, y: { label: 'Luminosity', unit: '10^{30}cm^{-2}s^{-1}', scale: 'log' } },
    series: [{ key: 'lumi', name: 'Inst. lumi', kind: 'line', x: ['2018-05-01T00:00:00Z', '2018-05-01T00:00:23Z'], y: [2e4, 1.9e4] }],
    annotations: [],
    spans: [{ from: '2018-05-01T00:00:00Z', to: '2018-05-01T00:00:10Z', label: 'ramp', kind: 'info' }],
    sources: [],
  };
}

describe('plot object schema', () => {
  it('accepts well-formed plots', () => {
    for (const p of [sample(), heat(), timePlot()]) expect(plotProblems(p)).toEqual([]);
  });
  it('rejects malformed plots with a named problem', () => {
    const bad1 = sample() as unknown as { axes: { y: { unit?: unknown } } };
    delete bad1.axes.y.unit;
    expect(plotProblems(bad1).join()).toMatch(/unit/);
    const bad2 = sample();
    (bad2.series[1] as { y: unknown[] }).y = [1];
    expect(plotProblems(bad2).join()).toMatch(/x has 3 values, y has 1/);
    const bad3 = sample();
    (bad3.series[0] as unknown as { y: number[] }).y = [1, 2, 3];
    expect(plotProblems(bad3).length).toBeGreaterThan(0);
    const bad4 = timePlot();
    (bad4.series[0] as { x: unknown[] }).x = [1, 2];
    expect(plotProblems(bad4).join()).toMatch(/ISO/);
    const bad5 = heat();
    (bad5.series[0] as { z: unknown[] }).z = [[0, 1]];
    expect(() => assertValidPlot(bad5)).toThrow(/z has 1 rows/);
    const bad6 = sample();
    delete (bad6 as Partial<PlotObject>).axes!.y2;
    expect(plotProblems(bad6).join()).toMatch(/y2/);
  });
});

describe('toPlotly', () => {
  const Plotly = loadPlotly();
  it('produces figures Plotly.validate accepts', () => {
    for (const p of [sample(), heat(), timePlot()]) {
      const fig = toPlotly(p);
      expect(Plotly.validate(fig.data, fig.layout)).toBeUndefined();
    }
  });
  it('catches an invalid figure (the check can fail)', () => {
    const fig = toPlotly(sample());
    (fig.data[0] as Record<string, unknown>).mode = 'sparkles';
    expect(Plotly.validate(fig.data, fig.layout)).toBeDefined();
  });
  it('is lossless: units in titles, every value, spans as shapes, sources in meta', () => {
    const p = sample();
    const fig = toPlotly(p);
    const layout = fig.layout as Record<string, any>;
    expect(layout.yaxis.title.text).toBe('Rate [Hz]');
    expect(layout.yaxis2.title.text).toBe('Dead time [%]');
    expect(layout.title.subtitle.text).toBe(p.subtitle);
    expect(fig.data.map((t) => t.name)).toEqual(['HLT_A prediction (lower)', 'HLT_A prediction', 'HLT_A', 'HLT_B', 'Dead time']);
    expect(fig.data[0].y).toEqual([9, 9, 9]);
    expect(fig.data[1].y).toEqual([11, 11, 11]);
    expect(fig.data[2].y).toEqual([10, null, 12]);
    expect(fig.data[2].text).toEqual(['x', 'y', 'z']);
    expect(fig.data[4].yaxis).toBe('y2');
    const rect = layout.shapes.find((s: any) => s.type === 'rect');
    expect([rect.x0, rect.x1]).toEqual([2, 3]);
    expect(layout.meta.sources).toEqual(p.sources);
    expect(layout.meta.spans[0].label).toBe('flagged LS 2–3');
    expect(layout.annotations.map((a: any) => a.text)).toEqual(['flagged LS 2–3', 'threshold', 'prescale change', 'peak']);
    expect(layout.annotations[0].hovertext).toBe('flagged LS 2–3');
    expect(layout.font.size).toBeGreaterThanOrEqual(12);
    expect(layout.xaxis.automargin).toBe(true);
    const t = toPlotly(timePlot()) as any;
    expect(t.layout.yaxis.type).toBe('log');
    expect(t.layout.yaxis.title.text).toBe('Luminosity [10<sup>30</sup>cm<sup>-2</sup>s<sup>-1</sup>]');
    expect(t.layout.xaxis.title.text).toBe('Time (UTC)');
    expect(t.data[0].x[0]).toBe('2018-05-01 00:00:00');
    const h = toPlotly(heat()) as any;
    expect(h.data[0].colorbar.ticktext).toEqual(['ok', 'errors', 'masked']);
  });
});

describe('bands with gaps', () => {
  it('draw each stretch without nulls separately, one legend entry, every value kept', () => {
    const p = sample();
    p.series[0] = { key: 'band_a', name: 'HLT_A prediction', kind: 'band', x: [1, 2, 3, 4, 5], lower: [9, 9, null, 8, 8], upper: [11, 11, null, 12, 12] };
    for (const s of p.series.slice(1) as { x: number[]; y: (number | null)[]; hover?: string[] }[]) {
      s.x = [1, 2, 3, 4, 5];
      s.y = [1, 2, 3, 4, 5];
      if (s.hover) s.hover = ['a', 'b', 'c', 'd', 'e'];
    }
    expect(plotProblems(p)).toEqual([]);
    const fig = toPlotly(p);
    const band = fig.data.filter((t) => (t.meta as { key: string }).key === 'band_a');
    expect(band).toHaveLength(4);
    expect(band.map((t) => t.x)).toEqual([
      [1, 2],
      [1, 2],
      [4, 5],
      [4, 5],
    ]);
    expect(band.map((t) => t.y)).toEqual([
      [9, 9],
      [11, 11],
      [8, 8],
      [12, 12],
    ]);
    expect(band.filter((t) => t.showlegend !== false)).toHaveLength(1);
    expect(loadPlotly().validate(fig.data, fig.layout)).toBeUndefined();
  });
});

describe('points and CSV', () => {
  it('flattens series, omits null y, keeps units per row', () => {
    const rows = plotToPoints(sample());
    expect(rows.filter((r) => r.series === 'a').map((r) => r.y)).toEqual([10, 12]);
    const band = rows.find((r) => r.series === 'band_a')!;
    expect([band.y_low, band.y, band.y_high]).toEqual([9, 10, 11]);
    expect(rows.find((r) => r.series === 'dt')!.units.y).toBe('%');
    expect(rows.find((r) => r.series === 'a')!.units.y).toBe('Hz');
    const t = plotToPoints(timePlot());
    expect(t[0].x).toBe(Date.UTC(2018, 4, 1));
    expect(t[0].units.x).toBe('ms');
    const h = plotToPoints(heat());
    expect(h).toHaveLength(3);
    expect(h.find((r) => r.z === 2)).toMatchObject({ x: 2, y: 1201, z_label: 'masked' });
    expect(pointFields(heat()).find((f) => f.name === 'z')!.title).toBe('Status');
  });
  it('writes CSV with units', () => {
    const csv = plotToCsv(timePlot()).trim().split('\n');
    expect(csv[0]).toBe('series,series_name,x [ms],x_label,y,y_low,y_high,y_unit,y_label,z,z_unit,z_label,text');
    expect(csv[1]).toContain(`lumi,Inst. lumi,${Date.UTC(2018, 4, 1)},2018-05-01T00:00:00Z,20000,,,10^30cm^-2s^-1`);
  });
});
