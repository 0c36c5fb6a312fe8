// The common query shapes of a resource, derived from its definition (never listed by hand): the
// default page, and filtered to a run, a run and one of its keys (path, bit, FED, model, part…), a
// fill, a time window, the latest lumisection (in each run, and in one run), a LIKE on a name, and each granularity fold. The
// query-plan tests and the benchmark both use them, so a new resource is checked and measured
// without any edit.
import type { ColumnAttribute, ResourceDef } from './resource.js';
import { wireTime } from './values.js';

export interface Shape {
  name: string;
  /** OMS query string (without page[limit], which the caller adds) */
  query: string;
}

/** Values to fill the shapes with, read from the data (e.g. the longest run and one of its rows). */
export interface ShapeSample {
  run?: number;
  fill?: number;
  /** a time inside the run, wire form */
  time?: string;
  /** one row of the resource in that run: attribute name → wire value */
  row?: Record<string, unknown>;
}

const enc = (v: unknown) => encodeURIComponent(String(v));

function addHour(iso: string): string {
  return wireTime(Date.parse(iso) + 3600_000);
}

/** The attributes after run_number and lumisection_number in the id: what a run is split by. */
export function keyAttributes(resource: ResourceDef): ColumnAttribute[] {
  return resource.id.filter((n) => n !== 'run_number' && n !== 'lumisection_number' && n !== 'fill_number').map((n) => resource.scalars.get(n)!);
}

export function commonShapes(resource: ResourceDef, s: ShapeSample): Shape[] {
  const has = (n: string) => resource.scalars.has(n);
  const shapes: Shape[] = [{ name: 'default', query: '' }];
  const run = has('run_number') && s.run !== undefined ? `filter[run_number][EQ]=${s.run}` : undefined;
  if (run) shapes.push({ name: 'run', query: run });
  const key = keyAttributes(resource)[0];
  const keyValue = key && s.row ? s.row[key.name] : undefined;
  if (key && keyValue !== undefined && keyValue !== null) {
    const eq = `filter[${key.name}][EQ]=${enc(keyValue)}`;
    shapes.push({ name: `${key.name}`, query: eq });
    if (run) shapes.push({ name: `run+${key.name}`, query: `${run}&${eq}` });
    if (key.type === 'string' && String(keyValue).length > 3)
      shapes.push({ name: `${key.name} LIKE`, query: `filter[${key.name}][LIKE]=${enc(String(keyValue).slice(0, Math.ceil(String(keyValue).length / 2)))}%25` });
  }
  if (has('fill_number') && s.fill !== undefined) shapes.push({ name: 'fill', query: `filter[fill_number][EQ]=${s.fill}` });
  const time = ['start_time', 'time'].find(has);
  if (time && s.time) shapes.push({ name: 'time window', query: `filter[${time}][GE]=${enc(s.time)}&filter[${time}][LT]=${enc(addHour(s.time))}` });
  const latest = resource.columns.find((c) => c.latestAlias);
  if (latest && has('run_number')) shapes.push({ name: 'latest LS', query: `filter[${latest.name}][EQ]=-1` });
  if (latest && run) shapes.push({ name: 'run latest LS', query: `${run}&filter[${latest.name}][EQ]=-1` });
  for (const g of Object.keys(resource.granularity)) {
    if (g === 'lumisection') continue;
    shapes.push({ name: `group ${g}`, query: `group[granularity]=${g}` });
    if (key && keyValue !== undefined && keyValue !== null) shapes.push({ name: `group ${g} ${key.name}`, query: `group[granularity]=${g}&filter[${key.name}][EQ]=${enc(keyValue)}` });
  }
  return shapes;
}
