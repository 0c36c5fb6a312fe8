// Enforces the plot-object schema (ajv) plus what JSON Schema cannot say: equal array lengths,
// unique series keys, heatmap dimensions, and that a time axis only holds ISO datetimes.
import AjvModule from 'ajv';
import schema from './plot-object.schema.json' with { type: 'json' };
import type { PlotObject, Series } from './types.js';

// imported (not read from disk) so the TypeScript build copies the schema next to the compiled code
export const plotObjectSchema = schema as Record<string, unknown>;

const Ajv = AjvModule.default ?? AjvModule;
const ajv = new Ajv({ allErrors: true, strict: false });
const validateSchema = ajv.compile(plotObjectSchema);

export class InvalidPlotError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid plot object: ${problems.slice(0, 8).join('; ')}${problems.length > 8 ? ` (+${problems.length - 8} more)` : ''}`);
    this.name = 'InvalidPlotError';
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function seriesLength(s: Series): number {
  return s.x.length;
}

function structuralProblems(p: PlotObject): string[] {
  const problems: string[] = [];
  const keys = new Set<string>();
  p.series.forEach((s, i) => {
    const at = `/series/${i} (${s.key})`;
    if (keys.has(s.key)) problems.push(`${at}: duplicate series key`);
    keys.add(s.key);
    if (s.axis === 'y2' && !p.axes.y2) problems.push(`${at}: uses axis y2 but axes.y2 is missing`);
    const n = seriesLength(s);
    if (s.kind === 'line' || s.kind === 'scatter' || s.kind === 'bar') {
      if (s.y.length !== n) problems.push(`${at}: x has ${n} values, y has ${s.y.length}`);
    } else if (s.kind === 'band') {
      if (s.lower.length !== n || s.upper.length !== n) problems.push(`${at}: x, lower and upper differ in length`);
    } else if (s.kind === 'heatmap') {
      if (s.z.length !== s.y.length) problems.push(`${at}: z has ${s.z.length} rows for ${s.y.length} y values`);
      s.z.forEach((row, r) => {
        if (row.length !== n) problems.push(`${at}: z row ${r} has ${row.length} cells for ${n} x values`);
      });
    }
    const points = s.kind === 'heatmap' ? n * s.y.length : n;
    if (s.hover && s.hover.length !== points) problems.push(`${at}: hover has ${s.hover.length} entries for ${points} points`);
    if (p.axes.x.scale === 'time' && s.x.some((v) => typeof v !== 'string' || !ISO.test(v))) {
      problems.push(`${at}: a time x axis needs ISO datetimes YYYY-MM-DDTHH:MM:SSZ`);
    }
  });
  if (p.axes.x.scale === 'time') {
    for (const sp of p.spans) if (typeof sp.from !== 'string' || typeof sp.to !== 'string') problems.push(`span '${sp.label}': time axis needs ISO bounds`);
  }
  return problems;
}

export function plotProblems(value: unknown): string[] {
  if (!validateSchema(value)) {
    return (validateSchema.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  }
  return structuralProblems(value as PlotObject);
}

/** Throws InvalidPlotError naming every problem; returns the value typed otherwise. */
export function assertValidPlot(value: unknown): PlotObject {
  const problems = plotProblems(value);
  if (problems.length) throw new InvalidPlotError(problems);
  return value as PlotObject;
}
