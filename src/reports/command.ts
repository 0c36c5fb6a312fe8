// omsagg report: daily status reports and alarms from the definition files in reports/.
//   omsagg report [--period 24h] [--at TIME] [--periods N] [--out DIR] …   one run (cron, systemd timer)
//   omsagg report --every 24h [--delay 30min] …                          in the foreground, period after period
//   (omsagg report eval is its own command: eval-command.ts)
import path from 'node:path';
import { redact } from '../db/connection.js';
import { ReportDefinitionError } from './definitions.js';
import { openReporting, type Reporting } from './reporting.js';
import { runReportJob } from './job.js';
import { dispatch, retryNow } from './notify/outbox.js';
import { makeTransports, NotifyConfigError } from './notify/transports.js';
import { makePeriod, PeriodError, resolvePeriod, alignedEnd } from './period.js';
import { ensureReportTables } from './store.js';
import type { Period } from './types.js';
import { parseDuration, DurationError } from './units.js';

import { DEFAULT_BASE_URL, DEFAULT_OUT } from './defaults.js';
import { databaseUrl, dbOptionHelp, parse, UsageError } from '../command-line/options.js';

const USAGE = `usage: omsagg report [options]            evaluate every report definition over a period
       omsagg report eval [--db URL]         alarms against the injected anomalies of a seeded data set

  --period LENGTH     period each report covers (default 24h; e.g. 8h, 7d)
  --at TIME           end of the period, UTC (default: the latest period boundary: midnight UTC for 24h)
  --periods N         the N periods ending at --at, oldest first (default 1): backfills
  --every LENGTH      keep running in the foreground: one report run per period, after each boundary
  --delay LENGTH      with --every: wait this long after the boundary for late data (default 30min)
  --out DIR           report repository (default $OMSAGG_REPORTS_DIR or ${DEFAULT_OUT})
  ${dbOptionHelp(20, '; written: omsagg_report_* and omsagg_jobs only')}
  --definitions DIR   report definition files (default reports/)
  --only ID,ID        only these definitions
  --force             redo reports already done (same period, same report)
  --no-notify         write reports without queueing or sending notifications
  --send-pending      only send the notifications still pending (all of them, now)
  --smtp-url URL      SMTP server (default $OMSAGG_SMTP_URL): smtp://user:pw@host:587[?require_tls=true], smtps://host:465
  --mail-from ADDR    sender (default $OMSAGG_MAIL_FROM or omsagg <omsagg@localhost>)
  --base-url URL      where the repository is served, for links (default $OMSAGG_REPORTS_URL or ${DEFAULT_BASE_URL})
  --quiet             no progress output

An interrupted run resumes: reports marked done whose files exist are skipped. Exit status 0 when
every report was written, 1 on an error, 2 on bad options or definitions.`;

function positiveInt(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 366) throw new UsageError(`${name} must be a whole number from 1 to 366 (got '${v}')`);
  return Number(v);
}

function periodsOf(period: string, at: string | undefined, count: number, now = new Date()): Period[] {
  const last = resolvePeriod(period, at, now);
  const out: Period[] = [];
  for (let k = count - 1; k >= 0; k--) out.push(makePeriod(new Date(Date.parse(last.end) - k * last.seconds * 1000), last.seconds));
  return out;
}

export async function run(args: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parse(args, {
      period: { type: 'string' },
      at: { type: 'string' },
      periods: { type: 'string' },
      every: { type: 'string' },
      delay: { type: 'string' },
      out: { type: 'string' },
      db: { type: 'string' },
      definitions: { type: 'string' },
      only: { type: 'string' },
      force: { type: 'boolean', default: false },
      'no-notify': { type: 'boolean', default: false },
      'send-pending': { type: 'boolean', default: false },
      'smtp-url': { type: 'string' },
      'mail-from': { type: 'string' },
      'base-url': { type: 'string' },
      quiet: { type: 'boolean', default: false },
    }));
  } catch (err) {
    console.error(`omsagg report: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const log = (line: string) => {
    if (!values.quiet) process.stderr.write(`${line}\n`);
  };
  const root = path.resolve((values.out as string | undefined) ?? process.env.OMSAGG_REPORTS_DIR ?? DEFAULT_OUT);
  const baseUrl = (values['base-url'] as string | undefined) ?? process.env.OMSAGG_REPORTS_URL ?? DEFAULT_BASE_URL;
  let transports;
  let periods: Period[] = [];
  let every: number | undefined;
  let delay = 1800;
  let url: string;
  try {
    url = databaseUrl(values.db);
    if (!/^https?:\/\/\S+$/.test(baseUrl)) throw new UsageError(`--base-url must be an http(s) URL (got '${baseUrl}')`);
    transports = makeTransports({
      smtpUrl: (values['smtp-url'] as string | undefined) ?? process.env.OMSAGG_SMTP_URL,
      from: (values['mail-from'] as string | undefined) ?? process.env.OMSAGG_MAIL_FROM,
    });
    if (values.every !== undefined) {
      every = parseDuration(values.every as string);
      if (values.at !== undefined || values.periods !== undefined) throw new UsageError('--every runs for the latest period each time: it takes no --at or --periods');
      if (values.delay !== undefined) delay = parseDuration(values.delay as string);
      if (delay >= every) throw new UsageError(`--delay ${values.delay} must be shorter than --every ${values.every}`);
    } else if (values.delay !== undefined) throw new UsageError('--delay goes with --every');
    const period = (values.period as string | undefined) ?? (values.every as string | undefined) ?? '24h';
    if (!values['send-pending'] && every === undefined) periods = periodsOf(period, values.at as string | undefined, positiveInt('--periods', values.periods as string | undefined, 1));
    else resolvePeriod(period); // validates --period
  } catch (err) {
    if (err instanceof UsageError || err instanceof PeriodError || err instanceof DurationError || err instanceof NotifyConfigError) {
      console.error(`omsagg report: ${err.message}`);
      return 2;
    }
    throw err;
  }
  let r: Reporting;
  try {
    r = await openReporting(url, {
      definitionsDir: values.definitions as string | undefined,
      only: (values.only as string | undefined)
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    });
  } catch (err) {
    if (err instanceof ReportDefinitionError || err instanceof UsageError) {
      console.error(`omsagg report: ${err.message}`);
      return 2;
    }
    console.error(`omsagg report: cannot open ${redact(url)}: ${(err as Error).message}`);
    return 1;
  }
  const notify = !values['no-notify'];
  try {
    await ensureReportTables(r.db);
    if (values['send-pending']) {
      await retryNow(r.db);
      const res = await dispatch(r.db, { root, baseUrl, transports, log });
      log(`notifications: ${res.sent} sent, ${res.pending} still pending, ${res.failed} given up`);
      return res.pending || res.failed ? 1 : 0;
    }
    const job = (ps: Period[]) => runReportJob({ ...r, periods: ps, root, force: values.force as boolean, notify, baseUrl, transports, log });
    if (every === undefined) {
      log(
        `report: ${r.definitions.length} definitions × ${periods.length} period${periods.length > 1 ? 's' : ''} (${periods[0].start} – ${periods[periods.length - 1].end}) from ${redact(url)} into ${root}`,
      );
      const res = await job(periods);
      log(
        `report: ${res.written.length} written, ${res.skipped} already done; ${res.indexed} reports in the repository${res.notifications ? `; notifications ${res.notifications.sent} sent, ${res.notifications.pending} pending` : ''}`,
      );
      return 0;
    }
    return await runForever(every, delay, (values.period as string | undefined) ?? (values.every as string), job, log);
  } catch (err) {
    console.error(`omsagg report: ${(err as Error).message}`);
    return 1;
  } finally {
    transports?.close();
    await r.db.close();
  }
}

/** --every: the report of each period once its boundary (plus the delay) has passed; Ctrl-C stops. */
async function runForever(every: number, delay: number, period: string, job: (ps: Period[]) => Promise<unknown>, log: (l: string) => void): Promise<number> {
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const seconds = parseDuration(period);
    while (!ac.signal.aborted) {
      const now = new Date();
      const end = alignedEnd(new Date(now.getTime() - delay * 1000), seconds);
      await job([makePeriod(end, seconds)]);
      const next = alignedEnd(new Date(now.getTime() - delay * 1000), every).getTime() + every * 1000 + delay * 1000;
      log(`report: next run at ${new Date(next).toISOString()} (Ctrl-C stops)`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1000, next - Date.now()));
        ac.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
      });
    }
    log('report: stopped');
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
