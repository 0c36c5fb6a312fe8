// omsagg's own report tables: created when missing (from the committed DDL), alarm state rows per
// report period. Only the report job and the silence command write here; the server never does.
import type { Db } from '../db/connection.js';
import { tableStatements } from '../db/schema.js';
import { formatDatetime } from '../jsonapi/values.js';
import type { Period } from './types.js';

export const REPORT_TABLES = ['omsagg_report_alarms', 'omsagg_report_silences', 'omsagg_report_outbox'] as const;

/** Creates the report tables a database lacks (a database seeded before they existed). */
export async function ensureReportTables(db: Db): Promise<void> {
  const statements = tableStatements(db.dialect);
  for (const t of REPORT_TABLES) {
    if (await db.knex.schema.hasTable(t)) continue;
    for (const sql of statements.get(t) ?? []) await db.knex.raw(sql);
  }
}

/** A time for a write on this dialect (SQLite text, PostgreSQL/Oracle timestamps). */
export const dbTime = (db: Db, iso: string | null): string | Date | null => (iso === null ? null : db.dialect === 'sqlite' ? iso : new Date(iso));
export const isoOf = (v: unknown): string | null => (v === null || v === undefined ? null : formatDatetime(v));

export interface AlarmRow {
  report: string;
  check: string;
  groupKey: string;
  periodStart: string;
  periodEnd: string;
  state: 'firing' | 'inhibited' | 'no_data' | 'failed' | 'resolved';
  transition: 'raised' | 'repeated' | 'firing' | 'inhibited' | 'resolved';
  severity: string;
  sentence: string;
  firstRaised: string;
  lastNotified: string | null;
  notified: boolean;
  silenceId: number | null;
  inhibitedBy: string | null;
}

function fromDb(r: Record<string, unknown>): AlarmRow {
  return {
    report: String(r.report),
    check: String(r.check_id),
    groupKey: String(r.group_key),
    periodStart: isoOf(r.period_start)!,
    periodEnd: isoOf(r.period_end)!,
    state: r.state as AlarmRow['state'],
    transition: r.transition as AlarmRow['transition'],
    severity: String(r.severity),
    sentence: String(r.sentence ?? ''),
    firstRaised: isoOf(r.first_raised)!,
    lastNotified: isoOf(r.last_notified),
    notified: Number(r.notified) === 1,
    silenceId: r.silence_id === null || r.silence_id === undefined ? null : Number(r.silence_id),
    inhibitedBy: (r.inhibited_by as string | null) ?? null,
  };
}

/** The alarm rows of the latest earlier period of the same length that has any. */
export async function previousAlarms(db: Db, report: string, period: Period): Promise<AlarmRow[]> {
  const ends = (await db
    .knex('omsagg_report_alarms')
    .distinct('period_start', 'period_end')
    .where('report', report)
    .andWhere('period_end', '<', dbTime(db, period.end) as string)
    .orderBy('period_end', 'desc')
    .limit(50)) as Record<string, unknown>[];
  const prev = ends.find((e) => Date.parse(isoOf(e.period_end)!) - Date.parse(isoOf(e.period_start)!) === period.seconds * 1000);
  if (!prev) return [];
  const rows = (await db
    .knex('omsagg_report_alarms')
    .where({ report })
    .andWhere('period_end', dbTime(db, isoOf(prev.period_end)) as string)) as Record<string, unknown>[];
  return rows.map(fromDb);
}

export async function alarmsOf(db: Db, report: string, period: Period): Promise<AlarmRow[]> {
  const rows = (await db
    .knex('omsagg_report_alarms')
    .where({ report })
    .andWhere('period_end', dbTime(db, period.end) as string)) as Record<string, unknown>[];
  return rows.map(fromDb);
}

/** Replaces the alarm rows of one report period (a re-run writes the same rows again). */
export async function writeAlarms(db: Db, report: string, period: Period, rows: AlarmRow[]): Promise<void> {
  await db.knex.transaction(async (trx) => {
    await trx('omsagg_report_alarms')
      .where({ report })
      .andWhere('period_end', dbTime(db, period.end) as string)
      .delete();
    for (let i = 0; i < rows.length; i += 100) {
      await trx('omsagg_report_alarms').insert(
        rows.slice(i, i + 100).map((r) => ({
          report: r.report,
          check_id: r.check,
          group_key: r.groupKey.slice(0, 256),
          period_end: dbTime(db, r.periodEnd),
          period_start: dbTime(db, r.periodStart),
          state: r.state,
          transition: r.transition,
          severity: r.severity,
          sentence: r.sentence.slice(0, 1000),
          first_raised: dbTime(db, r.firstRaised),
          last_notified: dbTime(db, r.lastNotified),
          notified: r.notified ? 1 : 0,
          silence_id: r.silenceId,
          inhibited_by: r.inhibitedBy?.slice(0, 256) ?? null,
        })),
      );
    }
  });
}
