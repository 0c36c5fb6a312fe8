// Running a probe: parameters (query → coerced, defaults filled) → run with a recording context →
// plot object, its sources the reads the run made, checked against the schema. Short-lived cache
// so a GUI portlet asking for each series separately does not rerun the probe for every request.
import { ApiError } from '../jsonapi/errors.js';
import { assertValidPlot, InvalidPlotError } from '../plot/validate.js';
import type { PlotObject } from '../plot/types.js';
import { RecordingContext, type CatalogReader } from './context.js';
import { ProbeFailedError } from './errors.js';
import { validateParams } from './params.js';
import type { Params, Probe } from './types.js';

export { ProbeFailedError } from './errors.js';

const CACHE_TTL_MS = 15_000;
const CACHE_MAX = 64;

export interface RunOptions {
  /** the API prefix the request came in under; source URLs carry it */
  apiPrefix: string;
}

/** An error from a probe's own code (not an ApiError) is its bug: a 500 naming it, the cause logged, never sent. */
async function guarded<T>(probe: Probe, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const failed = new ProbeFailedError(probe.id, 'could not compute its plot (see the server log)');
    (failed as { cause?: unknown }).cause = err; // logged by the plugin, never sent to the client
    throw failed;
  }
}

export class ProbeService {
  private cache = new Map<string, { at: number; plot: Promise<PlotObject> }>();

  constructor(private readonly engine: CatalogReader) {}

  /** Coerced parameters with static and data-dependent defaults filled in (the defaults' reads are no plot's sources). */
  async resolveParams(probe: Probe, given: Record<string, unknown>, opts: RunOptions = { apiPrefix: '/api/v1' }): Promise<Params> {
    const params = validateParams(probe, given);
    if (probe.defaults) {
      const missing = Object.keys(probe.params.properties).filter((k) => params[k] === undefined);
      if (missing.length) {
        const ctx = new RecordingContext(this.engine, opts.apiPrefix, probe.id);
        const dyn = await guarded(probe, () => probe.defaults!(ctx, params));
        for (const k of missing) if (dyn[k] !== undefined) params[k] = dyn[k];
      }
    }
    return params;
  }

  async plot(probe: Probe, params: Params, opts: RunOptions): Promise<PlotObject> {
    const key = `${probe.id}|${opts.apiPrefix}|${JSON.stringify(Object.entries(params).sort())}`;
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < CACHE_TTL_MS) return hit.plot;
    const plot = this.runChecked(probe, params, opts);
    this.cache.set(key, { at: now, plot });
    plot.catch(() => this.cache.delete(key));
    if (this.cache.size > CACHE_MAX) this.cache.delete(this.cache.keys().next().value as string);
    return plot;
  }

  private async runChecked(probe: Probe, params: Params, opts: RunOptions): Promise<PlotObject> {
    const ctx = new RecordingContext(this.engine, opts.apiPrefix, probe.id);
    const out = await guarded(probe, () => probe.run(ctx, params));
    // sources come from the reads, whatever the probe returned
    const plot: PlotObject = { ...out, sources: ctx.sources(), parameters: { ...params } };
    try {
      return assertValidPlot(plot);
    } catch (err) {
      if (err instanceof InvalidPlotError) throw new ProbeFailedError(probe.id, err.message);
      throw err;
    }
  }
}
