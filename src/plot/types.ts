// The generic plot object: omsagg's neutral figure. Every probe returns one; it is validated
// against plot-object.schema.json (validate.ts), converted to Plotly (to-plotly.ts) and flattened
// to points (points.ts). Keep this file and the schema in step.

export type Scale = 'linear' | 'log' | 'time' | 'category';

export interface Axis {
  label: string;
  /** OMS unit spelling or plain text ("Hz", "%", "fb^{-1}"); null only for counts-free indices such as a run number */
  unit: string | null;
  scale: Scale;
  range?: [number | string, number | string];
}

/** An x value: a number, an ISO datetime `YYYY-MM-DDTHH:MM:SSZ` on a time axis, or a category label. */
export type XValue = number | string;
export type YValue = number | string;

interface SeriesBase {
  /** stable, URL-safe key: used by /probes/{id}/series/{key}/points */
  key: string;
  name: string;
  /** which y axis the series belongs to */
  axis?: 'y' | 'y2';
  color?: string;
  /** one hover text per point (e.g. top anomaly contributors); heatmaps: one per cell, row-major */
  hover?: string[];
  /** the series unit when it differs from its axis' label (otherwise the axis unit applies) */
  unit?: string | null;
}

export interface LineSeries extends SeriesBase {
  kind: 'line' | 'scatter';
  x: XValue[];
  y: (number | null)[];
  dash?: 'solid' | 'dash' | 'dot' | 'dashdot';
  /** step shape for per-lumisection quantities */
  step?: boolean;
}

export interface BarSeries extends SeriesBase {
  kind: 'bar';
  x: XValue[];
  y: (number | null)[];
}

export interface BandSeries extends SeriesBase {
  kind: 'band';
  x: XValue[];
  lower: (number | null)[];
  upper: (number | null)[];
}

export interface HeatmapCategory {
  value: number;
  label: string;
  color: string;
}

export interface HeatmapSeries extends SeriesBase {
  kind: 'heatmap';
  x: XValue[];
  y: YValue[];
  /** z[i][j] is the cell at y[i], x[j]; null = no data */
  z: (number | null)[][];
  z_label: string;
  z_unit: string | null;
  /** colour scale of z: log for counts spanning decades (cells ≤ 0 stay blank) */
  z_scale?: 'linear' | 'log';
  /** categorical colours: z holds the category values */
  categories?: HeatmapCategory[];
}

export type Series = LineSeries | BarSeries | BandSeries | HeatmapSeries;

/** A highlighted x range, e.g. an anomalous episode. */
export interface Span {
  from: XValue;
  to: XValue;
  label: string;
  /** a few characters drawn on the plot (e.g. "LS 209–223"); the full label shows on hover */
  short_label?: string;
  kind: 'anomaly' | 'info' | 'warning';
}

/** A text note at a point, or a horizontal reference line when only y is given. */
export interface Annotation {
  text: string;
  x?: XValue;
  y?: number;
  axis?: 'y' | 'y2';
}

export interface Source {
  resource: string;
  /** the equivalent API query, relative to the server root */
  url: string;
  description?: string;
}

export interface PlotObject {
  title: string;
  subtitle?: string;
  axes: { x: Axis; y: Axis; y2?: Axis };
  series: Series[];
  annotations: Annotation[];
  spans: Span[];
  sources: Source[];
  /** the parameters the probe ran with (after defaults) */
  parameters?: Record<string, unknown>;
  /** the probe wants the page to refresh (e.g. the run is ongoing) */
  live?: boolean;
  notes?: string[];
}
