// Lookups several probes share, as engine reads: the latest run or fill with data, a run's summary.
import { NotFoundError } from '../jsonapi/errors.js';
import { omsQuery } from './query.js';
import type { ProbeContext } from './types.js';
import { num, str } from './values.js';

/** The highest run or fill number among the rows of `type` (sort descending, one row: the engine's max). */
async function latest(ctx: ProbeContext, type: string, attribute: 'run_number' | 'fill_number', description?: string): Promise<number> {
  // NEQ None: PostgreSQL sorts nulls first in descending order
  const rows = await ctx.read(type, omsQuery({ filters: [[attribute, 'NEQ', null]], fields: [attribute], sort: [`-${attribute}`], limit: 1 }), description);
  if (!rows.length) throw new NotFoundError(`no data in ${type} yet`, 'no_data');
  return Number(rows[0][attribute]);
}

export const latestRunIn = (ctx: ProbeContext, type: string, description?: string) => latest(ctx, type, 'run_number', description);

export const latestFillIn = (ctx: ProbeContext, type: string, description?: string) => latest(ctx, type, 'fill_number', description);

export interface RunAttributes {
  run_number: number;
  fill_number: number | null;
  start_time: string | null;
  end_time: string | null;
  last_lumisection_number: number | null;
}

export async function runInfo(ctx: ProbeContext, run: number): Promise<RunAttributes> {
  const [r] = await ctx.read('runs', omsQuery({ filters: [['run_number', 'EQ', run]], fields: ['run_number', 'fill_number', 'start_time', 'end_time', 'last_lumisection_number'] }));
  if (!r) throw new NotFoundError(`run ${run} is not in the database`, 'unknown_run');
  return {
    run_number: Number(r.run_number),
    fill_number: num(r.fill_number),
    start_time: str(r.start_time),
    end_time: str(r.end_time),
    last_lumisection_number: num(r.last_lumisection_number),
  };
}
