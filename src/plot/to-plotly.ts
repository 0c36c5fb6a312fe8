// PlotObject → Plotly figure {data, layout}. Lossless: every value, label, unit, span, annotation and
// source of the plot object is carried into the figure (data into traces, units into axis titles,
// hover templates and trace.meta, spans into layout.shapes, sources and parameters into layout.meta).
import type { Axis, PlotObject, Series } from './types.js';
import { axisTitle, numericX, plainUnit, toPlotlyX } from './axis.js';
import { paletteColor, SPAN_FILL, withAlpha } from './palette.js';

export interface PlotlyFigure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

const SPAN_LEGEND = { anomaly: 'Flagged (anomalous)', warning: 'Warning', info: 'Marked range' } as const;

const FONT = { family: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif', size: 13, color: '#222' };

function plotlyAxis(axis: Axis, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const type = axis.scale === 'time' ? 'date' : axis.scale === 'category' ? 'category' : axis.scale;
  const label = axis.scale === 'time' && !axis.unit ? `${axis.label} (UTC)` : axisTitle(axis);
  const out: Record<string, unknown> = {
    title: { text: label, font: { size: 14 }, standoff: 8 },
    type,
    automargin: true,
    showline: true,
    linecolor: '#444',
    ticks: 'outside',
    tickfont: { size: 12 },
    gridcolor: '#e6e6e6',
    zeroline: false,
    ...(axis.scale === 'linear' ? { exponentformat: 'power', separatethousands: false } : {}),
    ...(axis.scale === 'log' ? { exponentformat: 'power' } : {}),
    ...(axis.scale === 'time' ? { hoverformat: '%Y-%m-%d %H:%M:%S' } : {}),
    ...(axis.range ? { range: axis.range.map((v) => toPlotlyX(v, axis.scale)), autorange: false } : {}),
    ...extra,
  };
  if (extra.showgrid === false) delete out.gridcolor; // Plotly.validate rejects unused keys
  return out;
}

function unitOf(p: PlotObject, s: Series): string | null {
  if (s.unit !== undefined) return s.unit;
  return (s.axis === 'y2' ? p.axes.y2?.unit : p.axes.y.unit) ?? null;
}

function hoverTemplate(p: PlotObject, s: Series, valueRef: string, hasText: boolean): string {
  const xName = p.axes.x.label;
  const u = unitOf(p, s);
  const xVal = p.axes.x.scale === 'time' ? '%{x|%Y-%m-%d %H:%M:%S} UTC' : '%{x}';
  return `${xName}: ${xVal}<br>${valueRef}${u ? ' ' + plainUnit(u) : ''}${hasText ? '<br>%{text}' : ''}<extra>${s.name}</extra>`;
}

function seriesTraces(p: PlotObject, s: Series, color: string): Record<string, unknown>[] {
  const xs = s.x.map((v) => toPlotlyX(v, p.axes.x.scale));
  const yaxis = s.axis === 'y2' ? 'y2' : 'y';
  const meta = { key: s.key, kind: s.kind, unit: unitOf(p, s) };
  const text = s.hover ? { text: s.hover } : {};
  switch (s.kind) {
    case 'line':
    case 'scatter': {
      const markersOnly = s.kind === 'scatter';
      return [
        {
          type: 'scatter',
          mode: markersOnly ? 'markers' : xs.length > 1 ? 'lines' : 'lines+markers',
          name: s.name,
          x: xs,
          y: s.y,
          yaxis,
          ...(markersOnly ? { marker: { color, size: 6, opacity: 0.8 } } : { line: { color, width: 2, dash: s.dash ?? 'solid', shape: s.step ? 'hv' : 'linear' }, connectgaps: false }),
          ...text,
          hovertemplate: hoverTemplate(p, s, '%{y:.4~g}', !!s.hover),
          meta,
        },
      ];
    }
    case 'bar':
      return [
        {
          type: 'bar',
          name: s.name,
          x: xs,
          y: s.y,
          yaxis,
          marker: { color },
          ...text,
          hovertemplate: hoverTemplate(p, s, '%{y:.4~g}', !!s.hover),
          meta,
        },
      ];
    case 'band': {
      // Plotly draws a band as two traces: the lower edge, then the upper edge filled down to it.
      // `tonexty` would bridge gaps, so each stretch without nulls gets its own pair (one legend entry).
      const group = `band-${s.key}`;
      const segments: [number, number][] = [];
      let start = -1;
      s.x.forEach((_, i) => {
        const ok = s.lower[i] !== null && s.upper[i] !== null;
        if (ok && start < 0) start = i;
        if (!ok && start >= 0) {
          segments.push([start, i]);
          start = -1;
        }
      });
      if (start >= 0) segments.push([start, s.x.length]);
      return segments.flatMap(([a, b], k) => {
        const hover = s.hover ? { text: s.hover.slice(a, b) } : {};
        // a lone point gets a visible marker: a zero-width fill would not show
        const mode = b - a > 1 ? 'lines' : 'lines+markers';
        const marker = mode === 'lines' ? {} : { marker: { size: 4, color: withAlpha(color, 0.6) } };
        return [
          {
            type: 'scatter',
            mode,
            name: `${s.name} (lower)`,
            x: xs.slice(a, b),
            y: s.lower.slice(a, b),
            yaxis,
            legendgroup: group,
            showlegend: false,
            line: { color: withAlpha(color, 0.5), width: 0.5 },
            ...marker,
            hovertemplate: hoverTemplate(p, s, 'lower %{y:.4~g}', false),
            meta: { ...meta, edge: 'lower', from: a },
          },
          {
            type: 'scatter',
            mode,
            name: s.name,
            x: xs.slice(a, b),
            y: s.upper.slice(a, b),
            yaxis,
            legendgroup: group,
            showlegend: k === 0,
            fill: 'tonexty',
            fillcolor: withAlpha(color, 0.22),
            line: { color: withAlpha(color, 0.5), width: 0.5 },
            ...marker,
            ...hover,
            hovertemplate: hoverTemplate(p, s, 'upper %{y:.4~g}', !!s.hover),
            meta: { ...meta, edge: 'upper', from: a },
          },
        ];
      });
    }
    case 'heatmap': {
      const zTitle = s.z_unit ? `${s.z_label} [${plainUnit(s.z_unit)}]` : s.z_label;
      const ys = s.y.map((v) => (p.axes.y.scale === 'time' ? toPlotlyX(v, 'time') : v));
      const base: Record<string, unknown> = {
        type: 'heatmap',
        name: s.name,
        x: xs,
        y: ys,
        z: s.z,
        yaxis,
        hoverongaps: false,
        xgap: 0,
        ygap: 0,
        meta: { ...meta, z_label: s.z_label, z_unit: s.z_unit },
      };
      const xName = p.axes.x.label;
      const yName = p.axes.y.label;
      if (s.categories) {
        // discrete colour scale: one flat step per category value
        const cats = [...s.categories].sort((a, b) => a.value - b.value);
        const lo = cats[0].value - 0.5;
        const hi = cats[cats.length - 1].value + 0.5;
        const scale: [number, string][] = [];
        cats.forEach((c) => {
          scale.push([(c.value - 0.5 - lo) / (hi - lo), c.color]);
          scale.push([(c.value + 0.5 - lo) / (hi - lo), c.color]);
        });
        const labels = Object.fromEntries(cats.map((c) => [c.value, c.label]));
        const text = s.z.map((row, i) =>
          row.map((v, j) => {
            const extra = s.hover?.[i * row.length + j];
            return `${v === null ? '' : (labels[v] ?? String(v))}${extra ? '<br>' + extra : ''}`;
          }),
        );
        return [
          {
            ...base,
            zmin: lo,
            zmax: hi,
            colorscale: scale,
            text,
            xgap: 1,
            ygap: 1,
            hovertemplate: `${yName}: %{y}<br>${xName}: %{x}<br>${s.z_label}: %{text}<extra></extra>`,
            colorbar: { title: { text: zTitle }, tickvals: cats.map((c) => c.value), ticktext: cats.map((c) => c.label), tickfont: { size: 12 } },
            meta: { ...(base.meta as object), categories: s.categories },
          },
        ];
      }
      const extraText = s.hover ? { text: s.z.map((row, i) => row.map((_, j) => s.hover![i * row.length + j] ?? '')) } : {};
      const zUnit = s.z_unit ? ' ' + plainUnit(s.z_unit) : '';
      if (s.z_scale === 'log') {
        // colour by log10(z); the true value stays in customdata for the hover, the colour bar is labelled in z
        const finite = s.z.flat().filter((v): v is number => v !== null && v > 0);
        const maxExp = Math.max(0, Math.ceil(Math.log10(Math.max(1, ...finite))));
        const minExp = Math.min(0, Math.floor(Math.log10(Math.min(1, ...finite))));
        const ticks = Array.from({ length: maxExp - minExp + 1 }, (_, k) => minExp + k);
        return [
          {
            ...base,
            z: s.z.map((row) => row.map((v) => (v !== null && v > 0 ? Math.log10(v) : null))),
            customdata: s.z,
            zmin: minExp,
            zmax: maxExp,
            colorscale: 'Viridis',
            ...extraText,
            hovertemplate: `${yName}: %{y}<br>${xName}: %{x}<br>${s.z_label}: %{customdata:.4~g}${zUnit}${s.hover ? '<br>%{text}' : ''}<extra></extra>`,
            colorbar: { title: { text: `${zTitle} (log scale)` }, tickvals: ticks, ticktext: ticks.map((e) => (e >= 0 && e < 5 ? String(10 ** e) : `10^${e}`)), tickfont: { size: 12 } },
            meta: { ...(base.meta as object), z_scale: 'log' },
          },
        ];
      }
      return [
        {
          ...base,
          colorscale: 'Viridis',
          ...extraText,
          hovertemplate: `${yName}: %{y}<br>${xName}: %{x}<br>${s.z_label}: %{z:.4~g}${zUnit}${s.hover ? '<br>%{text}' : ''}<extra></extra>`,
          colorbar: { title: { text: zTitle }, tickfont: { size: 12 } },
        },
      ];
    }
  }
}

/**
 * Span labels: the short label on the plot (greedy, skipping one that would overlap the previous),
 * the full label as the annotation's hover text.
 */
function spanLabels(p: PlotObject): Record<string, unknown>[] {
  const xs: number[] = [];
  for (const s of p.series)
    for (const v of s.x) {
      const n = numericX(v, p.axes.x.scale);
      if (n !== null) xs.push(n);
    }
  for (const sp of p.spans)
    for (const v of [sp.from, sp.to]) {
      const n = numericX(v, p.axes.x.scale);
      if (n !== null) xs.push(n);
    }
  if (!xs.length) return [];
  const lo = xs.reduce((a, b) => Math.min(a, b));
  const hi = xs.reduce((a, b) => Math.max(a, b));
  const perPx = (hi - lo || 1) / 900; // data units per pixel in a plot at least ~900 px wide
  let freeFrom = -Infinity;
  const out: Record<string, unknown>[] = [];
  for (const sp of [...p.spans].sort((a, b) => (numericX(a.from, p.axes.x.scale) ?? 0) - (numericX(b.from, p.axes.x.scale) ?? 0))) {
    const x0 = numericX(sp.from, p.axes.x.scale) ?? lo;
    const text = sp.short_label ?? sp.label;
    const width = (text.length * 7 + 12) * perPx;
    const show = x0 >= freeFrom;
    if (show) freeFrom = x0 + width;
    out.push({
      text: show ? text : ' ',
      hovertext: sp.label,
      xref: 'x',
      x: toPlotlyX(sp.from, p.axes.x.scale),
      xanchor: 'left',
      yref: 'paper',
      y: 1,
      yanchor: 'top',
      showarrow: false,
      font: { size: 12, color: '#7a3500' },
      captureevents: true,
    });
  }
  return out;
}

/** Rows a horizontal legend needs at font 12 in a plot assumed ~900 px wide (a safe lower bound on the page). */
function estimateRows(names: string[], width = 900): number {
  if (!names.length) return 0;
  let rows = 1;
  let used = 0;
  for (const n of names) {
    const w = 45 + 7 * n.replace(/<[^>]+>/g, '').length;
    if (used > 0 && used + w > width) {
      rows++;
      used = 0;
    }
    used += w;
  }
  return rows;
}

export function toPlotly(p: PlotObject): PlotlyFigure {
  const data: Record<string, unknown>[] = [];
  let colorIndex = 0;
  for (const s of p.series) {
    const color = s.color ?? (s.kind === 'heatmap' ? '#000000' : paletteColor(colorIndex++));
    data.push(...seriesTraces(p, s, color));
  }
  const xScale = p.axes.x.scale;
  const seenKinds = new Set<string>();
  const shapes: Record<string, unknown>[] = p.spans.map((sp) => {
    // one legend entry per span kind; the first few spans are labelled on the plot, all keep their
    // label in layout.meta.spans and as the shape name
    const first = !seenKinds.has(sp.kind);
    seenKinds.add(sp.kind);
    return {
      type: 'rect',
      xref: 'x',
      yref: 'paper',
      x0: toPlotlyX(sp.from, xScale),
      x1: toPlotlyX(sp.to, xScale),
      y0: 0,
      y1: 1,
      fillcolor: SPAN_FILL[sp.kind],
      line: { width: 0 },
      layer: 'below',
      name: first ? SPAN_LEGEND[sp.kind] : sp.label,
      showlegend: first,
      legendgroup: `spans-${sp.kind}`,
    };
  });
  const annotations: Record<string, unknown>[] = spanLabels(p);
  for (const a of p.annotations) {
    const yref = a.axis === 'y2' ? 'y2' : 'y';
    // Plotly places annotations on a log axis in log10 units (shapes take data values)
    const yAxis = a.axis === 'y2' ? p.axes.y2 : p.axes.y;
    const annY = (v: number) => (yAxis?.scale === 'log' && v > 0 ? Math.log10(v) : v);
    if (a.y !== undefined && a.x === undefined) {
      shapes.push({ type: 'line', xref: 'paper', x0: 0, x1: 1, yref, y0: a.y, y1: a.y, line: { color: '#D55E00', width: 1.5, dash: 'dash' }, name: a.text });
      annotations.push({
        text: a.text,
        xref: 'paper',
        x: 0.005,
        xanchor: 'left',
        yref,
        y: annY(a.y),
        yanchor: 'bottom',
        showarrow: false,
        font: { size: 12, color: '#D55E00' },
        bgcolor: 'rgba(255,255,255,0.7)',
      });
    } else if (a.x !== undefined && a.y === undefined) {
      shapes.push({ type: 'line', xref: 'x', x0: toPlotlyX(a.x, xScale), x1: toPlotlyX(a.x, xScale), yref: 'paper', y0: 0, y1: 1, line: { color: '#555', width: 1, dash: 'dot' }, name: a.text });
      // written along the line so neighbouring markers and span labels do not collide
      annotations.push({
        text: a.text,
        xref: 'x',
        x: toPlotlyX(a.x, xScale),
        xanchor: 'right',
        yref: 'paper',
        y: 0.9,
        yanchor: 'top',
        textangle: -90,
        showarrow: false,
        font: { size: 12, color: '#444' },
        bgcolor: 'rgba(255,255,255,0.8)',
      });
    } else if (a.x !== undefined && a.y !== undefined) {
      annotations.push({ text: a.text, xref: 'x', x: toPlotlyX(a.x, xScale), yref, y: annY(a.y), showarrow: true, arrowhead: 2, font: { size: 12 } });
    } else {
      annotations.push({ text: a.text, xref: 'paper', x: 0, xanchor: 'left', yref: 'paper', y: 1, yanchor: 'bottom', showarrow: false, font: { size: 12 } });
    }
  }
  const hasHeatmap = p.series.some((s) => s.kind === 'heatmap');
  // a lone heatmap explains itself with its colour bar; Plotly.validate rejects a legend it never draws
  const showLegend = !hasHeatmap || p.series.length > 1 || p.spans.length > 0;
  // The legend sits in the top margin, under the title: size the margin from an estimate of the
  // legend's rows (Plotly does not keep a legend clear of the title by itself).
  const legendNames = [...data.filter((t) => t.showlegend !== false && t.type !== 'heatmap').map((t) => String(t.name)), ...shapes.filter((sh) => sh.showlegend).map((sh) => String(sh.name))];
  const legendRows = showLegend ? estimateRows(legendNames) : 0;
  const titleHeight = 14 + 26 + (p.subtitle ? 20 : 0);
  const layout: Record<string, unknown> = {
    title: {
      text: p.title,
      x: 0.01,
      xanchor: 'left',
      xref: 'container',
      yref: 'container',
      y: 1,
      yanchor: 'top',
      pad: { t: 14 },
      font: { size: 18 },
      ...(p.subtitle ? { subtitle: { text: p.subtitle, font: { size: 13, color: '#555' } } } : {}),
    },
    font: FONT,
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    xaxis: plotlyAxis(p.axes.x),
    yaxis: plotlyAxis(p.axes.y),
    ...(p.axes.y2 ? { yaxis2: plotlyAxis(p.axes.y2, { overlaying: 'y', side: 'right', showgrid: false, tickmode: 'auto', nticks: 8 }) } : {}),
    // legend above the plotting area, horizontal: never covers data, never collides with the y2 axis
    ...(showLegend ? { legend: { orientation: 'h', x: 0, xanchor: 'left', y: 1.02, yanchor: 'bottom', font: { size: 12 }, bgcolor: 'rgba(255,255,255,0)' } } : {}),
    showlegend: showLegend,
    hovermode: 'closest',
    hoverlabel: { font: { size: 12 } },
    // measured in Chromium: a legend row takes ~26 px, plus the legend's padding and its 2 % offset
    margin: { l: 70, r: p.axes.y2 || hasHeatmap ? 80 : 30, t: titleHeight + legendRows * 26 + 26, b: 60, pad: 2 },
    shapes,
    annotations,
    meta: {
      omsagg_plot: 1,
      axes: p.axes,
      sources: p.sources,
      parameters: p.parameters ?? {},
      spans: p.spans,
      annotations: p.annotations,
      live: p.live ?? false,
      notes: p.notes ?? [],
    },
  };
  for (const [name, key] of [
    ['y', 'yaxis'],
    ['y2', 'yaxis2'],
  ] as const) {
    const axis = p.axes[name];
    if (axis?.scale !== 'log') continue;
    const ys = p.series
      .filter((s) => (s.axis ?? 'y') === name && s.kind !== 'heatmap')
      .flatMap((s) => (s.kind === 'band' ? [...s.lower, ...s.upper] : s.kind === 'heatmap' ? [] : s.y))
      .filter((v): v is number => v !== null && v > 0);
    // over several decades label only 1, 2 and 5 of each; over less, Plotly's own ticks read better
    if (ys.length && ys.reduce((a, b) => Math.max(a, b)) / ys.reduce((a, b) => Math.min(a, b)) > 100) (layout[key] as Record<string, unknown>).dtick = 'D2';
  }
  return { data, layout };
}
