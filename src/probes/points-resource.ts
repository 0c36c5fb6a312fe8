// The resource definition of a probe's points collection, built in code for the JSON:API engine:
// the point fields (units from the plot) plus every probe parameter echoed as an attribute, so page
// controllers' filters (filter[run_number][EQ]=…) are valid on it.
import { defineResource, type ResourceDef, type Row } from '../jsonapi/memory.js';
import type { AttributeSpec } from '../jsonapi/resource.js';
import { pointFields, type PointRow } from '../plot/points.js';
import type { PlotObject, Series } from '../plot/types.js';
import type { Params, Probe } from './types.js';

const NEUTRAL: PlotObject = {
  title: 'points',
  axes: { x: { label: 'x', unit: null, scale: 'linear' }, y: { label: 'y', unit: null, scale: 'linear' } },
  series: [],
  annotations: [],
  spans: [],
  sources: [],
};

export function pointsResource(probe: Probe, plot: PlotObject | undefined, series: Series | undefined): ResourceDef {
  const attributes: Record<string, AttributeSpec> = {
    index: { type: 'integer', unit: null, title: 'Point index', description: 'Position of the point in its series (heatmaps: row-major cell index)' },
  };
  for (const f of pointFields(plot ?? NEUTRAL, series)) {
    attributes[f.name] = { type: f.type, ...(f.type === 'string' ? {} : { unit: f.unit }), title: f.title, description: f.description };
  }
  for (const [name, prop] of Object.entries(probe.params.properties)) {
    if (attributes[name]) continue;
    const type = prop.type === 'array' ? 'string' : prop.type;
    attributes[name] = {
      type,
      ...(type === 'integer' || type === 'number' ? { unit: prop.unit ?? null } : {}),
      title: prop.title,
      description: `Probe parameter: ${prop.description}${prop.type === 'array' ? ' (comma separated)' : ''}`,
    };
  }
  return defineResource({
    type: 'points',
    title: `${probe.title}${series ? ` — ${series.name}` : ''}: points`,
    description: `${probe.description} One row per plotted point.`,
    id: ['series', 'index'],
    default_sort: ['series', 'x', 'index'],
    attributes,
  });
}

/** Engine rows: point values plus the echoed parameters. */
export function pointRowsFor(points: PointRow[], params: Params, probe: Probe): Row[] {
  const echoed: Row = {};
  for (const [name, prop] of Object.entries(probe.params.properties)) {
    const v = params[name];
    echoed[name] = v === undefined ? null : prop.type === 'array' && Array.isArray(v) ? v.join(',') : v;
  }
  return points.map((p) => {
    const { units: _units, id: _id, ...values } = p;
    return { ...echoed, ...values };
  });
}

/** Per-row units in meta.row (series on a secondary axis have their own unit). */
export function patchRowUnits(doc: Record<string, unknown>, points: PointRow[]): void {
  const byId = new Map(points.map((p) => [p.id, p]));
  const data = doc.data as { id: string; attributes: Record<string, unknown>; meta?: { row: Record<string, { units: string }> } }[];
  for (const o of data) {
    if (!o.meta?.row) continue;
    const p = byId.get(o.id);
    if (!p) continue;
    for (const k of ['x', 'y', 'y_low', 'y_high', 'z'] as const) {
      const u = p.units[k];
      if (u) o.meta.row[k] = { units: u };
      else delete o.meta.row[k];
    }
  }
}
