// Running a probe: parameters (query → coerced, defaults filled) → run → plot object checked
// against the schema. Short-lived cache so a GUI portlet asking for each series separately does
// not rerun the probe for every request.
import type { Db } from '../db/connection.js';
import { ApiError, DatabaseError } from '../jsonapi/errors.js';
import { assertValidPlot, InvalidPlotError } from '../plot/validate.js';
import type { PlotObject } from '../plot/types.js';
import { validateParams } from './params.js';
import type { Params, Probe, ProbeContext } from './types.js';

const CACHE_TTL_MS = 15_000;
const CACHE_MAX = 64;

export class ProbeFailedError extends ApiError {
  constructor(probe: string, detail: string) {
    super(500, 'probe_failed', 'Probe failed', `probe ${probe}: ${detail}`);
  }
}

export class ProbeService {
  private cache = new Map<string, { at: number; plot: Promise<PlotObject> }>();

  constructor(private readonly db: Db) {}

  /** Coerced parameters with static and data-dependent defaults filled in. */
  async resolveParams(probe: Probe, given: Record<string, unknown>): Promise<Params> {
    const params = validateParams(probe, given);
    if (probe.defaults) {
      const missing = Object.keys(probe.params.properties).filter((k) => params[k] === undefined);
      if (missing.length) {
        const dyn = await probe.defaults(this.db, params);
        for (const k of missing) if (dyn[k] !== undefined) params[k] = dyn[k];
      }
    }
    return params;
  }

  async plot(probe: Probe, params: Params, ctx: ProbeContext): Promise<PlotObject> {
    const key = `${probe.id}|${ctx.apiPrefix}|${JSON.stringify(Object.entries(params).sort())}`;
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < CACHE_TTL_MS) return hit.plot;
    const plot = this.runChecked(probe, params, ctx);
    this.cache.set(key, { at: now, plot });
    plot.catch(() => this.cache.delete(key));
    if (this.cache.size > CACHE_MAX) this.cache.delete(this.cache.keys().next().value as string);
    return plot;
  }

  private async runChecked(probe: Probe, params: Params, ctx: ProbeContext): Promise<PlotObject> {
    let out: PlotObject;
    try {
      out = await probe.run(this.db, params, ctx);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      const e = err as { code?: string; message?: string };
      // connection problems and timeouts are the database's; anything else is the probe's bug
      if (/ECONNREFUSED|ETIMEDOUT|57014|timeout|terminat/i.test(`${e.code ?? ''} ${e.message ?? ''}`)) {
        throw new DatabaseError(`probe ${probe.id}: the database did not answer in time or is unreachable`);
      }
      const failed = new ProbeFailedError(probe.id, 'could not read its data (see the server log)');
      (failed as { cause?: unknown }).cause = err; // logged by the plugin, never sent to the client
      throw failed;
    }
    out.parameters = { ...params };
    try {
      return assertValidPlot(out);
    } catch (err) {
      if (err instanceof InvalidPlotError) throw new ProbeFailedError(probe.id, err.message);
      throw err;
    }
  }
}
