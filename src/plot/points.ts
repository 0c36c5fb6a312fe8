// PlotObject → flat "points" rows, the form the OMS GUI's generic chart and table portlets read:
// one row per point with `series`, numeric `x` (times as epoch ms), `y`, `y_low`/`y_high` for bands
// and `z` for heatmap cells. Points whose y (or z) is null are omitted: the GUI would draw them as 0.
import type { PlotObject, Series } from './types.js';
import { numericX } from './axis.js';

export interface PointRow {
  /** `<series>_<index>` */
  id: string;
  /** position in the series; heatmap cells row-major (row × number of columns + column) */
  index: number;
  series: string;
  series_name: string;
  kind: Series['kind'];
  x: number;
  /** the x value as plotted: ISO datetime on a time axis, the category label on a category axis */
  x_label: string;
  y: number | null;
  y_label: string | null;
  y_low: number | null;
  y_high: number | null;
  z: number | null;
  z_label: string | null;
  text: string | null;
  /** units of this row's numeric values (differs per series when a y2 axis exists) */
  units: { x: string | null; y: string | null; y_low: string | null; y_high: string | null; z: string | null };
}

export interface PointField {
  name: string;
  title: string;
  type: 'integer' | 'number' | 'string';
  unit: string | null;
  description: string;
}

function unitOf(p: PlotObject, s: Series): string | null {
  if (s.unit !== undefined) return s.unit;
  return (s.axis === 'y2' ? p.axes.y2?.unit : p.axes.y.unit) ?? null;
}

export function xUnit(p: PlotObject): string | null {
  return p.axes.x.scale === 'time' ? 'ms' : p.axes.x.unit;
}

export function plotToPoints(p: PlotObject): PointRow[] {
  const rows: PointRow[] = [];
  const xs = p.axes.x.scale;
  const xu = xUnit(p);
  for (const s of p.series) {
    const yu = unitOf(p, s);
    const base = { series: s.key, series_name: s.name, kind: s.kind };
    if (s.kind === 'heatmap') {
      s.y.forEach((yv, i) => {
        s.x.forEach((xv, j) => {
          const z = s.z[i][j];
          const x = numericX(xv, xs);
          if (z === null || x === null) return;
          const yNum = typeof yv === 'number' ? yv : numericX(yv, p.axes.y.scale === 'time' ? 'time' : 'linear');
          const cat = s.categories?.find((c) => c.value === z);
          rows.push({
            id: `${s.key}_${i * s.x.length + j}`,
            index: i * s.x.length + j,
            ...base,
            x,
            x_label: String(xv),
            y: yNum,
            y_label: String(yv),
            y_low: null,
            y_high: null,
            z,
            z_label: cat ? cat.label : null,
            text: s.hover?.[i * s.x.length + j] ?? null,
            units: { x: xu, y: p.axes.y.unit, y_low: null, y_high: null, z: s.z_unit },
          });
        });
      });
      continue;
    }
    s.x.forEach((xv, i) => {
      const x = numericX(xv, xs);
      if (x === null) return;
      let y: number | null;
      let lo: number | null = null;
      let hi: number | null = null;
      if (s.kind === 'band') {
        lo = s.lower[i];
        hi = s.upper[i];
        if (lo === null || hi === null) return;
        y = (lo + hi) / 2;
      } else {
        y = s.y[i];
        if (y === null) return;
      }
      rows.push({
        id: `${s.key}_${i}`,
        index: i,
        ...base,
        x,
        x_label: String(xv),
        y,
        y_label: null,
        y_low: lo,
        y_high: hi,
        z: null,
        z_label: null,
        text: s.hover?.[i] ?? null,
        units: { x: xu, y: yu, y_low: s.kind === 'band' ? yu : null, y_high: s.kind === 'band' ? yu : null, z: null },
      });
    });
  }
  return rows;
}

/** The fields of the points collection, with units (for /points/meta and meta.fields). */
export function pointFields(p: PlotObject, only?: Series): PointField[] {
  const one = only ?? (p.series.length === 1 ? p.series[0] : undefined);
  const yUnit = one ? unitOf(p, one) : p.axes.y.unit;
  const heat = p.series.find((s) => s.kind === 'heatmap');
  const zUnit = heat && heat.kind === 'heatmap' ? heat.z_unit : null;
  const xDesc = p.axes.x.scale === 'time' ? `${p.axes.x.label}, milliseconds since 1970-01-01 UTC` : p.axes.x.label;
  return [
    { name: 'series', title: 'Series', type: 'string', unit: null, description: 'Key of the series the point belongs to' },
    { name: 'series_name', title: 'Series name', type: 'string', unit: null, description: 'Legend name of the series' },
    { name: 'kind', title: 'Kind', type: 'string', unit: null, description: 'line, scatter, bar, band or heatmap' },
    { name: 'x', title: p.axes.x.label, type: 'number', unit: xUnit(p), description: xDesc },
    { name: 'x_label', title: `${p.axes.x.label} (as plotted)`, type: 'string', unit: null, description: 'The x value as plotted (ISO datetime or category)' },
    {
      name: 'y',
      title: one && one.axis === 'y2' && p.axes.y2 ? p.axes.y2.label : p.axes.y.label,
      type: 'number',
      unit: yUnit,
      description: 'The value; for bands the centre of the band; for heatmap cells the row coordinate',
    },
    { name: 'y_label', title: `${p.axes.y.label} (as plotted)`, type: 'string', unit: null, description: 'Heatmap row label' },
    { name: 'y_low', title: 'Band lower edge', type: 'number', unit: yUnit, description: 'Lower edge of a band' },
    { name: 'y_high', title: 'Band upper edge', type: 'number', unit: yUnit, description: 'Upper edge of a band' },
    { name: 'z', title: heat && heat.kind === 'heatmap' ? heat.z_label : 'z', type: 'number', unit: zUnit, description: 'Heatmap cell value' },
    { name: 'z_label', title: 'Category', type: 'string', unit: null, description: 'Category name of a categorical heatmap cell' },
    { name: 'text', title: 'Details', type: 'string', unit: null, description: 'Hover text (e.g. top anomaly contributors)' },
  ];
}
