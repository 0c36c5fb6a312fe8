// HLT path selection shared by the rate probes: default to the busiest paths of a run or fill, read
// rates path by path (the engine serves run or fill + path from an index), and reject unknown names
// with a 400 that names the parameter.
import { QueryValidationError } from '../jsonapi/errors.js';
import { omsQuery, type Filter } from './query.js';
import type { ProbeContext, Row } from './types.js';

/** HLT paths of these groups are not physics triggers. */
export const NON_PHYSICS: Filter[] = [
  ['path_group', 'NEQ', 'alca'],
  ['path_group', 'NEQ', 'zerobias'],
];

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The `n` paths with the highest mean accept rate in the run (physics groups preferred). */
export async function busiestPaths(ctx: ProbeContext, run: number, n: number): Promise<string[]> {
  const rows = await ctx.read('hltpathinfo', omsQuery({ filters: [['run_number', 'EQ', run], ...NON_PHYSICS, ['rate', 'NEQ', null]], fields: ['path_name'], sort: ['-rate', 'path_name'], limit: n }));
  if (rows.length) return rows.map((r) => String(r.path_name));
  const any = await ctx.read('hltpathinfo', omsQuery({ filters: [['run_number', 'EQ', run]], fields: ['path_name'], sort: ['path_name'], limit: n }));
  return any.map((r) => String(r.path_name));
}

/** The `n` physics paths with the highest mean of their per-run mean rates over the fill's runs. */
export async function busiestPathsInFill(ctx: ProbeContext, fill: number, n: number): Promise<string[]> {
  // the query language has no GROUP BY path_name: the per-run rows (paths × runs) are averaged here
  const rows = await ctx.read('hltpathinfo', omsQuery({ filters: [['fill_number', 'EQ', fill], ...NON_PHYSICS], fields: ['path_name', 'rate'] }));
  const acc = new Map<string, { sum: number; n: number }>();
  for (const r of rows) {
    const a = acc.get(String(r.path_name)) ?? { sum: 0, n: 0 };
    if (r.rate !== null) {
      a.sum += Number(r.rate);
      a.n += 1;
    }
    acc.set(String(r.path_name), a);
  }
  return (
    [...acc.entries()]
      .map(([name, a]) => ({ name, mean: a.n ? a.sum / a.n : null }))
      // highest mean first, paths without a rate last (as SQL's descending order of AVG), then by name
      .sort((x, y) => Number(x.mean === null) - Number(y.mean === null) || (y.mean ?? 0) - (x.mean ?? 0) || byName(x.name, y.name))
      .slice(0, n)
      .map((x) => x.name)
  );
}

/** Throws a 400 on `paths` naming those no run knows. */
export async function checkPaths(ctx: ProbeContext, paths: string[]): Promise<void> {
  const found = await Promise.all(
    paths.map((p) => ctx.read('hltpathinfo', omsQuery({ filters: [['path_name', 'EQ', p]], fields: ['path_name'], limit: 1 }), `${p} is a known path (no rows in this selection)`)),
  );
  const unknown = paths.filter((_, i) => !found[i].length);
  if (unknown.length) throw new QueryValidationError('unknown_path', `unknown HLT path(s): ${unknown.join(', ')}`, 'paths');
}

/**
 * Rows of each path, one read per path (`read(path)`); a path without rows must at least exist
 * somewhere, else the request is a 400 on `paths`.
 */
export async function readPerPath(ctx: ProbeContext, paths: string[], read: (path: string) => Promise<Row[]>): Promise<Map<string, Row[]>> {
  const rows = await Promise.all(paths.map(read));
  await checkPaths(
    ctx,
    paths.filter((_, i) => !rows[i].length),
  );
  return new Map(paths.map((p, i) => [p, rows[i]]));
}
