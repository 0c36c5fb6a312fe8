// HLT path selection shared by the rate probes: default to the busiest paths of a run, reject
// unknown names with a 400 that names the parameter.
import type { Db } from '../db/connection.js';
import { QueryValidationError } from '../jsonapi/errors.js';

/** The `n` paths with the highest mean accept rate in the run (physics groups preferred). */
export async function busiestPaths(db: Db, run: number, n: number): Promise<string[]> {
  const rows = await db.knex('v_hltpathinfo').select('path_name').where('run_number', run)
    .whereNotIn('path_group', ['alca', 'zerobias']).whereNotNull('rate').orderBy([{ column: 'rate', order: 'desc' }, 'path_name']).limit(n);
  if (rows.length) return rows.map((r) => String(r.path_name));
  const any = await db.knex('v_hltpathinfo').select('path_name').where('run_number', run).orderBy('path_name').limit(n);
  return any.map((r) => String(r.path_name));
}

export async function busiestPathsInFill(db: Db, fill: number, n: number): Promise<string[]> {
  const rows = await db.knex('v_hltpathinfo').select('path_name').avg({ r: 'rate' }).where('fill_number', fill)
    .whereNotIn('path_group', ['alca', 'zerobias']).groupBy('path_name').orderBy([{ column: 'r', order: 'desc' }, 'path_name']).limit(n);
  return (rows as { path_name: unknown }[]).map((r) => String(r.path_name));
}

/** Throws a 400 on `paths` naming the unknown ones. */
export async function checkPaths(db: Db, paths: string[]): Promise<void> {
  const found = new Set((await db.knex('v_hltpathinfo').distinct('path_name').whereIn('path_name', paths)).map((r) => String(r.path_name)));
  const unknown = paths.filter((p) => !found.has(p));
  if (unknown.length) throw new QueryValidationError('unknown_path', `unknown HLT path(s): ${unknown.join(', ')}`, 'paths');
}
