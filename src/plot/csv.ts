// The plotted data as CSV: one line per point (the points form). Units: x in the header; y and z in
// their own columns because series on a secondary axis carry a different unit.
import { stringify } from 'csv-stringify/sync';
import type { PlotObject } from './types.js';
import { plotToPoints, xUnit } from './points.js';
import { plainUnit } from './axis.js';

const plain = (u: string | null) => (u === null ? '' : plainUnit(u));

export function plotToCsv(p: PlotObject): string {
  const xu = xUnit(p);
  const header = ['series', 'series_name', xu ? `x [${plainUnit(xu)}]` : 'x', 'x_label', 'y', 'y_low', 'y_high', 'y_unit', 'y_label', 'z', 'z_unit', 'z_label', 'text'];
  const rows = plotToPoints(p).map((r) => [
    r.series,
    r.series_name,
    r.x,
    r.x_label,
    r.y ?? '',
    r.y_low ?? '',
    r.y_high ?? '',
    plain(r.units.y),
    r.y_label ?? '',
    r.z ?? '',
    plain(r.units.z),
    r.z_label ?? '',
    r.text ?? '',
  ]);
  return stringify([header, ...rows]);
}
