// The summary tables: for each resource whose run granularity says `summary: true`, the folded
// rows of every summarized run (the same SQL fold the engine runs live, plus a count per averaged
// column so fills can be folded from runs exactly), in omsagg's own table omsagg_sum_<type>, with
// omsagg_summaries recording which runs they hold. The engine answers folds of those runs from
// here and folds the rest live, so a missing or unfinished summary is slower, never wrong.
// Only jobs write them (seed, import, `omsagg summarize`); runs are summarized one per transaction
// and a re-run skips what is done, so an interrupted job resumes.
import type { Knex } from 'knex';
import type { Db } from '../db/connection.js';
import { planRead, summaryTableOf } from '../jsonapi/plan.js';
import { parseQuery } from '../jsonapi/query.js';
import type { ColumnAttribute, ResourceDef } from '../jsonapi/resource.js';
import { foldSelects, SUMMARY_LOG } from '../jsonapi/sql.js';
import { wireTime } from '../jsonapi/values.js';

export interface SummaryProgress {
  (done: number, total: number, resource: string): void;
}

/** Resources that keep summaries. */
export function summarizedResources(resources: readonly ResourceDef[]): ResourceDef[] {
  return resources.filter((r) => r.granularity.run?.summary);
}

function columnsOf(resource: ResourceDef): ColumnAttribute[] {
  const seen = new Set<string>();
  return resource.columns.filter((c) => !seen.has(c.column) && (seen.add(c.column), true));
}

/** The columns of a resource's summary table: its view columns, and a count beside each averaged one. */
export function summaryColumns(resource: ResourceDef): string[] {
  return columnsOf(resource).flatMap((c) => (c.aggregation === 'mean' ? [c.column, `${c.column}__n`] : [c.column]));
}

function addColumn(t: Knex.CreateTableBuilder, db: Db, name: string, c: ColumnAttribute | 'count'): void {
  if (c === 'count') return void t.bigInteger(name);
  switch (c.type) {
    case 'integer':
      t.bigInteger(name);
      break;
    case 'number':
      t.double(name);
      break;
    case 'boolean':
      t.integer(name);
      break;
    case 'datetime':
      if (db.dialect === 'sqlite') t.text(name);
      else t.timestamp(name, { useTz: false });
      break;
    default:
      t.string(name, 4000);
  }
}

/** Creates the bookkeeping table and each summary table when missing (a job's connection). */
export async function ensureSummaryTables(db: Db, resources: readonly ResourceDef[]): Promise<void> {
  const k = db.knex;
  if (!(await k.schema.hasTable(SUMMARY_LOG))) {
    await k.schema.createTable(SUMMARY_LOG, (t) => {
      t.string('resource', 64).notNullable();
      t.integer('run_number').notNullable();
      t.bigInteger('rows');
      t.string('summarized_at', 32);
      t.primary(['resource', 'run_number']);
    });
  }
  for (const r of summarizedResources(resources)) {
    const table = summaryTableOf(r);
    const wanted = summaryColumns(r);
    if (await k.schema.hasTable(table)) {
      const have = Object.keys(await k(table).columnInfo()).map((c) => c.toLowerCase());
      if (wanted.length === have.length && wanted.every((c) => have.includes(c))) continue;
      // the resource's columns changed since: summarize it again from scratch
      await k.schema.dropTable(table);
      await k(SUMMARY_LOG).where('resource', r.type).delete();
    }
    const run = r.granularity.run;
    const byColumn = (n: string) => r.scalars.get(n)!.column;
    // a new table holds no run yet, whatever the log says
    await k(SUMMARY_LOG).where('resource', r.type).delete();
    await k.schema.createTable(table, (t) => {
      for (const c of columnsOf(r)) {
        addColumn(t, db, c.column, c);
        if (c.aggregation === 'mean') addColumn(t, db, `${c.column}__n`, 'count');
      }
      t.primary(run.groupBy.map(byColumn));
      const fill = r.granularity.fill;
      // folds by fill stream along this order
      if (fill?.summary) t.index(fill.groupBy.map(byColumn), `${table}_fill_idx`);
    });
  }
}

/** Runs with rows in the resource that are not summarized yet (or hold more rows than when summarized). */
async function pendingRuns(db: Db, r: ResourceDef, only?: readonly number[]): Promise<number[]> {
  const done = new Set(((await db.knex(SUMMARY_LOG).select('run_number').where('resource', r.type)) as { run_number: unknown }[]).map((x) => Number(x.run_number)));
  const q = db.knex('v_runs').select('run_number').orderBy('run_number');
  if (only) q.whereIn('run_number', [...only]);
  const runs = ((await q) as { run_number: unknown }[]).map((x) => Number(x.run_number));
  return runs.filter((run) => !done.has(run));
}

/**
 * Summarizes the runs not yet summarized (all, or `runs`), resource by resource; `refresh` drops
 * and redoes the given runs (a job that added lumisections to them). Returns the runs written.
 */
export async function summarize(
  db: Db,
  resources: readonly ResourceDef[],
  opts: { runs?: readonly number[]; refresh?: boolean; progress?: SummaryProgress } = {},
): Promise<{ runs: number; rows: number }> {
  await ensureSummaryTables(db, resources);
  let runsDone = 0;
  let rowsDone = 0;
  for (const r of summarizedResources(resources)) {
    const table = summaryTableOf(r);
    if (opts.refresh && opts.runs?.length) {
      await db
        .knex(SUMMARY_LOG)
        .where('resource', r.type)
        .whereIn('run_number', [...opts.runs])
        .delete();
      await db
        .knex(table)
        .whereIn('run_number', [...opts.runs])
        .delete();
    }
    const runs = await pendingRuns(db, r, opts.runs);
    const cols = columnsOf(r);
    const keys = planRead(r, parseQuery('group[granularity]=run', r)).source.groupKeys!;
    const keyColumns = new Set(keys.map((k) => k.column));
    // the fold's column order: group keys, then the others (each mean followed by its count)
    const names = [...keys, ...cols.filter((c) => !keyColumns.has(c.column))].flatMap((c) => (!keyColumns.has(c.column) && c.aggregation === 'mean' ? [c.column, `${c.column}__n`] : [c.column]));
    for (const [i, run] of runs.entries()) {
      await db.knex.transaction(async (trx) => {
        const fold = trx({ t: r.view })
          .where('t.run_number', run)
          .select(foldSelects({ knex: trx, dialect: db.dialect }, keys, cols, true))
          .groupBy(keys.map((k) => `t.${k.column}`))
          .toSQL();
        await trx(table).where('run_number', run).delete();
        await trx.raw(`insert into ?? (??) ${fold.sql}`, [table, names, ...fold.bindings]);
        const [{ n }] = (await trx(table).where('run_number', run).count({ n: '*' })) as { n: unknown }[];
        await trx(SUMMARY_LOG).insert({ resource: r.type, run_number: run, rows: Number(n), summarized_at: wireTime(Date.now()) });
        rowsDone += Number(n);
      });
      runsDone++;
      opts.progress?.(i + 1, runs.length, r.type);
    }
  }
  return { runs: runsDone, rows: rowsDone };
}
