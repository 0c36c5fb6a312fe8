// The probe contract (docs/design.md "Probes"): an id, a title, a JSON Schema for the parameters
// and run(ctx, params) → plot. A probe reads data only through ctx.read (the read engine's catalog
// API); every read is recorded and becomes a source of the plot, so sources are never hand-typed.
// One file per probe in src/probes/catalog/; the registry finds them, so adding a probe needs no
// change elsewhere.
import type { PlotObject } from '../plot/types.js';

/** How the built-in page should draw a parameter's input. */
export type Picker = 'run' | 'fill' | 'hltpaths' | 'datetime' | 'enum' | 'number' | 'text' | 'boolean';

export interface ParamProperty {
  type: 'integer' | 'number' | 'string' | 'boolean' | 'array';
  title: string;
  description: string;
  /** unit of a numeric parameter (e.g. "{\deg}C"), null for identifiers */
  unit?: string | null;
  enum?: (string | number)[];
  items?: { type: 'string' | 'integer' | 'number'; enum?: (string | number)[] };
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  format?: 'date-time';
  default?: unknown;
  'x-picker'?: Picker;
  /** display labels for enum values on the page */
  'x-labels'?: Record<string, string>;
}

export interface ParamSchema {
  type: 'object';
  properties: Record<string, ParamProperty>;
  additionalProperties: false;
}

/** One row of a resource read: attribute names (object members as `obj.member`) → wire values. */
export type Row = Record<string, unknown>;

export interface ProbeContext {
  /** the API prefix the request came in under (e.g. "/api/v1"); source URLs carry it */
  apiPrefix: string;
  /**
   * Every row of `type` that the OMS query selects (`filter[a][OP]=v&fields=…&sort=…`, see
   * query.ts), honouring page[limit]. Recorded: a read that returns rows becomes a plot source
   * with its API URL and `description`.
   */
  read(type: string, query: string, description?: string): Promise<Row[]>;
}

/** What run() returns: the plot without sources (derived from the reads) and parameters (added by the service). */
export type ProbePlot = Omit<PlotObject, 'sources' | 'parameters'>;

export type Params = Record<string, unknown>;

export interface Probe<P extends Params = Params> {
  id: string;
  title: string;
  description: string;
  /** heading the page index lists the probe under (e.g. "Trigger", "Pixel") */
  group?: string;
  params: ParamSchema;
  /**
   * An array parameter whose values name series (e.g. `paths`): `…/series/{key}/points` without it
   * selects just that series, so an OMS chart portlet can point at any path. `seriesValue` maps a
   * series key to the parameter value (default: the key itself).
   */
  seriesParam?: string;
  seriesValue?(key: string): string;
  /** data beyond the monitoring tables it cannot draw without: `anomaly_scores` (written by `omsagg score`) */
  needs?: 'anomaly_scores'[];
  /** fills parameters whose default depends on the data (e.g. the latest run); static defaults live in the schema */
  defaults?(ctx: ProbeContext, given: Partial<P>): Promise<Partial<P>>;
  run(ctx: ProbeContext, params: P): Promise<ProbePlot>;
}

/** Identity helper so a probe file gets type checking on its parameters. */
export function defineProbe<P extends Params>(probe: Probe<P>): Probe<P> {
  return probe;
}
