// The notification outbox (omsagg_report_outbox): a report queues one mail (all its recipients)
// and one post per webhook; dispatch sends what is due, retrying a few times with exponential
// backoff, and leaves what still fails pending with its error for a later run. The message is
// rebuilt from the report's report.json at sending time, so nothing is lost with the process.
import type { Db } from '../../db/connection.js';
import { readSummary } from '../repository.js';
import { dbTime, isoOf } from '../store.js';
import type { ReportSummary } from '../summary.js';
import type { ReportDefinition } from '../types.js';
import { linksOf, mailHtml, mailText, subjectOf, webhookPayload } from './message.js';
import { webhookUrl, type Transports } from './transports.js';
import { wireTime } from '../../jsonapi/values.js';

export interface OutboxRow {
  id: string;
  report: string;
  periodKey: string;
  channel: 'mail' | 'webhook';
  target: string;
  state: 'pending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string;
  createdAt: string;
  sentAt: string | null;
}

const iso = wireTime;

/** Queues the notifications of one report (idempotent: a message already queued or sent stays). */
export async function enqueue(db: Db, def: ReportDefinition, s: ReportSummary, now = new Date()): Promise<number> {
  const msgs: Omit<OutboxRow, 'state' | 'attempts' | 'lastError' | 'sentAt'>[] = [];
  const base = { report: s.report, periodKey: s.period.key, nextAttemptAt: iso(now), createdAt: iso(now) };
  if (def.notify.mail.length) msgs.push({ ...base, id: `${s.report}/${s.period.key}/mail`, channel: 'mail', target: def.notify.mail.join(',') });
  def.notify.webhook.forEach((w, i) => msgs.push({ ...base, id: `${s.report}/${s.period.key}/webhook/${i + 1}`, channel: 'webhook', target: w }));
  let added = 0;
  for (const m of msgs) {
    const exists = await db.knex('omsagg_report_outbox').where('message_id', m.id).first();
    if (exists) continue;
    await db.knex('omsagg_report_outbox').insert({
      message_id: m.id,
      report: m.report,
      period_key: m.periodKey,
      channel: m.channel,
      target: m.target.slice(0, 1000),
      state: 'pending',
      attempts: 0,
      last_error: null,
      next_attempt_at: dbTime(db, m.nextAttemptAt),
      created_at: dbTime(db, m.createdAt),
      sent_at: null,
    });
    added++;
  }
  return added;
}

const fromDb = (r: Record<string, unknown>): OutboxRow => ({
  id: String(r.message_id),
  report: String(r.report),
  periodKey: String(r.period_key),
  channel: r.channel as OutboxRow['channel'],
  target: String(r.target),
  state: r.state as OutboxRow['state'],
  attempts: Number(r.attempts ?? 0),
  lastError: (r.last_error as string | null) ?? null,
  nextAttemptAt: isoOf(r.next_attempt_at)!,
  createdAt: isoOf(r.created_at)!,
  sentAt: isoOf(r.sent_at),
});

export async function outbox(db: Db, state?: OutboxRow['state']): Promise<OutboxRow[]> {
  let q = db.knex('omsagg_report_outbox').select('*').orderBy('created_at').orderBy('message_id');
  if (state) q = q.where('state', state);
  return ((await q) as Record<string, unknown>[]).map(fromDb);
}

export interface DispatchOptions {
  root: string;
  baseUrl: string;
  transports: Transports;
  /** tries per message in this run (default 3) */
  tries?: number;
  /** first backoff between tries in this run, doubled each time (default 2000 ms) */
  backoffMs?: number;
  /** a message still failing this long after it was queued is given up (default 7 d) */
  giveUpAfterMs?: number;
  now?: () => Date;
  log?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

export interface DispatchResult {
  sent: number;
  pending: number;
  failed: number;
}

async function sendOne(m: OutboxRow, s: ReportSummary, o: DispatchOptions): Promise<void> {
  const links = linksOf(s, o.baseUrl);
  if (m.channel === 'mail') {
    if (!o.transports.mail) throw new Error('no SMTP server configured (OMSAGG_SMTP_URL or --smtp-url)');
    await o.transports.mail({ to: m.target.split(','), subject: subjectOf(s), text: mailText(s, links), html: mailHtml(s, links) });
  } else {
    await o.transports.webhook(webhookUrl(m.target), webhookPayload(s, links));
  }
}

/** Sends every due message; failures are retried with backoff, then left for a later run. */
export async function dispatch(db: Db, o: DispatchOptions): Promise<DispatchResult> {
  const now = o.now ?? (() => new Date());
  const sleep = o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const log = o.log ?? (() => {});
  const tries = o.tries ?? 3;
  const backoff = o.backoffMs ?? 2000;
  const giveUp = o.giveUpAfterMs ?? 7 * 86_400_000;
  const due = (await outbox(db, 'pending')).filter((m) => m.nextAttemptAt <= iso(now()));
  const result: DispatchResult = { sent: 0, pending: 0, failed: 0 };
  for (const m of due) {
    const s = readSummary(o.root, m.report, m.periodKey);
    let error = s ? '' : `the report ${m.report}/${m.periodKey} is not in the repository ${o.root}`;
    let attempts = m.attempts;
    for (let k = 0; s && k < tries; k++) {
      attempts++;
      try {
        await sendOne(m, s, o);
        error = '';
        break;
      } catch (err) {
        error = (err as Error).message.split('\n')[0].slice(0, 900);
        log(`report notify: ${m.channel} ${m.id} attempt ${attempts} failed: ${error}`);
        if (k + 1 < tries) await sleep(backoff * 2 ** k);
      }
    }
    if (!error) {
      await db
        .knex('omsagg_report_outbox')
        .where('message_id', m.id)
        .update({ state: 'sent', attempts, last_error: null, sent_at: dbTime(db, iso(now())) });
      log(`report notify: ${m.channel} ${m.id} sent`);
      result.sent++;
      continue;
    }
    const expired = now().getTime() - Date.parse(m.createdAt) >= giveUp;
    // later runs: 5 min after the first failing run, doubling up to 6 h
    const wait = Math.min(6 * 3600_000, 300_000 * 2 ** Math.min(10, Math.floor(m.attempts / Math.max(1, tries))));
    await db
      .knex('omsagg_report_outbox')
      .where('message_id', m.id)
      .update({
        state: expired ? 'failed' : 'pending',
        attempts,
        last_error: error,
        next_attempt_at: dbTime(db, iso(new Date(now().getTime() + wait))),
      });
    log(`report notify: ${m.channel} ${m.id} ${expired ? 'given up' : `left pending, next try after ${iso(new Date(now().getTime() + wait))}`}: ${error}`);
    if (expired) result.failed++;
    else result.pending++;
  }
  return result;
}

/** Makes every pending message due now (omsagg report --send-now, and tests). */
export async function retryNow(db: Db, now = new Date()): Promise<void> {
  await db
    .knex('omsagg_report_outbox')
    .where('state', 'pending')
    .update({ next_attempt_at: dbTime(db, iso(now)) });
}
