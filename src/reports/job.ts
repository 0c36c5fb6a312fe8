// The report job: every definition over every requested period — evaluate, decide alarm states
// against the previous period, draw the figures, write the report into the repository, queue the
// notifications, mark it done — then the index pages, then send what is queued. A definition and
// period marked done (omsagg_jobs) whose files exist is skipped, so an interrupted run resumes.
import type { Db } from '../db/connection.js';
import type { ProbeRegistry } from '../probes/registry.js';
import { alarmStates } from './alarms.js';
import type { Catalog } from './data.js';
import { evaluate } from './evaluate.js';
import { reportFigures } from './figures.js';
import { dispatch, enqueue, type DispatchResult } from './notify/outbox.js';
import type { Transports } from './notify/transports.js';
import { runsBetween } from './period.js';
import { reportComplete, writeIndexes, writeReport } from './repository.js';
import { listSilences } from './silences.js';
import { ensureReportTables, previousAlarms, writeAlarms } from './store.js';
import { summarise, type ReportSummary } from './summary.js';
import type { Period, ReportDefinition } from './types.js';
import { wireTime } from '../jsonapi/values.js';

export const REPORT_JOB = 'report';

export interface ReportJobOptions {
  /** a writable connection: the job writes omsagg's own tables only */
  db: Db;
  catalog: Catalog;
  definitions: ReportDefinition[];
  probes: ProbeRegistry;
  periods: Period[];
  root: string;
  /** redo reports already done */
  force?: boolean;
  /** queue and send notifications (default true) */
  notify?: boolean;
  baseUrl: string;
  transports?: Transports;
  log?: (line: string) => void;
  /** dispatch options for tests (retries, backoff) */
  dispatch?: { tries?: number; backoffMs?: number; sleep?: (ms: number) => Promise<void> };
  /** the wall clock of the outbox (tests) */
  now?: () => Date;
  /** stop after this many reports (tests of resuming) */
  stopAfter?: number;
}

export interface ReportJobResult {
  written: ReportSummary[];
  skipped: number;
  notifications?: DispatchResult;
  indexed: number;
  stopped: boolean;
}

const unitOf = (def: ReportDefinition, p: Period) => `${def.id}/${p.key}`;

async function doneUnits(db: Db): Promise<Set<string>> {
  const rows = (await db.knex('omsagg_jobs').where({ job: REPORT_JOB, state: 'done' }).select('unit')) as { unit: string }[];
  return new Set(rows.map((r) => r.unit));
}

async function markDone(db: Db, unit: string, detail: string): Promise<void> {
  const updated_at = db.dialect === 'sqlite' ? wireTime(Date.now()) : new Date();
  await db.knex.transaction(async (trx) => {
    await trx('omsagg_jobs').where({ job: REPORT_JOB, unit }).delete();
    await trx('omsagg_jobs').insert({ job: REPORT_JOB, unit, state: 'done', detail: detail.slice(0, 1000), updated_at });
  });
}

export async function runReportJob(o: ReportJobOptions): Promise<ReportJobResult> {
  const log = o.log ?? (() => {});
  await ensureReportTables(o.db);
  const done = await doneUnits(o.db);
  const silences = await listSilences(o.db);
  const written: ReportSummary[] = [];
  let skipped = 0;
  let stopped = false;
  const total = o.definitions.length * o.periods.length;
  let n = 0;
  for (const period of o.periods) {
    const runs = await runsBetween(o.catalog, period.start, period.end);
    for (const def of o.definitions) {
      n++;
      const unit = unitOf(def, period);
      const summaryKey = { report: def.id, period };
      if (!o.force && done.has(unit) && reportComplete(o.root, summaryKey)) {
        skipped++;
        log(`report ${n}/${total} ${unit}: done before, skipped (--force redoes it)`);
        continue;
      }
      if (o.stopAfter !== undefined && written.length >= o.stopAfter) {
        stopped = true;
        break;
      }
      const t0 = Date.now();
      const e = await evaluate(o.catalog, def, period, { runs, log });
      const alarms = alarmStates(def, e, await previousAlarms(o.db, def.id, period), silences);
      await writeAlarms(o.db, def.id, period, alarms);
      const figures = await reportFigures(o.db, o.probes, o.catalog.apiPrefix, def, e);
      const s = summarise(def, e, alarms, figures, o.catalog);
      writeReport(o.root, s, figures);
      if (o.notify !== false) await enqueue(o.db, def, s, o.now?.());
      const c = s.counts;
      const detail = `${s.status}: ${c.active} alarms (${c.raised} new, ${c.repeated} repeated, ${c.firing} still firing), ${c.resolved} resolved, ${c.noData} without data, ${c.failed} failed`;
      await markDone(o.db, unit, detail);
      written.push(s);
      log(`report ${n}/${total} ${unit}: ${detail} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
    if (stopped) break;
  }
  const indexed = writeIndexes(o.root);
  let notifications: DispatchResult | undefined;
  if (o.notify !== false && o.transports) {
    notifications = await dispatch(o.db, { root: o.root, baseUrl: o.baseUrl, transports: o.transports, log, now: o.now, ...o.dispatch });
  }
  return { written, skipped, notifications, indexed, stopped };
}
