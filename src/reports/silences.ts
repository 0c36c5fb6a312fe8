// Silences (Alertmanager's idea): who silenced which alarms, why, and until when. A silence names a
// report, a check and a device pattern (each may be `*`; the pattern is a glob matched against
// the device group, e.g. `PixelBarrel_BpI_SEC8_*` or `BPix_L3/*`), and applies to the reports
// whose period ends while it is active.
import type { Db } from '../db/connection.js';
import { dbTime, isoOf } from './store.js';
import { wireTime } from '../jsonapi/values.js';

export interface Silence {
  id: number;
  report: string;
  check: string;
  groupPattern: string;
  author: string;
  reason: string;
  startsAt: string;
  endsAt: string;
  createdAt: string;
}

export class SilenceError extends Error {}

function globRe(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

/** Whether the silence covers this alarm (its report, check and device group or device name). */
export function silences(s: Silence, report: string, check: string, groupKey: string): boolean {
  if (s.report !== '*' && s.report !== report) return false;
  if (s.check !== '*' && s.check !== check) return false;
  const re = globRe(s.groupPattern);
  const device = groupKey.split('/').pop()!;
  return re.test(groupKey) || re.test(device);
}

export const activeAt = (s: Silence, time: string) => s.startsAt <= time && time < s.endsAt;

const fromDb = (r: Record<string, unknown>): Silence => ({
  id: Number(r.silence_id),
  report: String(r.report),
  check: String(r.check_id),
  groupPattern: String(r.group_pattern),
  author: String(r.author),
  reason: String(r.reason),
  startsAt: isoOf(r.starts_at)!,
  endsAt: isoOf(r.ends_at)!,
  createdAt: isoOf(r.created_at)!,
});

export async function listSilences(db: Db): Promise<Silence[]> {
  const rows = (await db.knex('omsagg_report_silences').select('*').orderBy('silence_id')) as Record<string, unknown>[];
  return rows.map(fromDb);
}

export interface NewSilence {
  report: string;
  check: string;
  groupPattern: string;
  author: string;
  reason: string;
  startsAt: string;
  endsAt: string;
}

export async function addSilence(db: Db, s: NewSilence, now = new Date()): Promise<Silence> {
  if (!s.author.trim()) throw new SilenceError('a silence needs an author (--author NAME)');
  if (!s.reason.trim()) throw new SilenceError('a silence needs a reason (--reason TEXT)');
  if (s.endsAt <= s.startsAt) throw new SilenceError(`the silence ends (${s.endsAt}) before it starts (${s.startsAt})`);
  const createdAt = wireTime(now);
  return db.knex.transaction(async (trx) => {
    const max = (await trx('omsagg_report_silences').max({ m: 'silence_id' }).first()) as { m: unknown } | undefined;
    const id = Number(max?.m ?? 0) + 1;
    await trx('omsagg_report_silences').insert({
      silence_id: id,
      report: s.report,
      check_id: s.check,
      group_pattern: s.groupPattern,
      author: s.author.trim().slice(0, 128),
      reason: s.reason.trim().slice(0, 1000),
      starts_at: dbTime(db, s.startsAt),
      ends_at: dbTime(db, s.endsAt),
      created_at: dbTime(db, createdAt),
    });
    return { id, ...s, createdAt };
  });
}

/** Ends a silence now (it stays listed, with its end time). */
export async function expireSilence(db: Db, id: number, now = new Date()): Promise<Silence> {
  const row = (await db.knex('omsagg_report_silences').where('silence_id', id).first()) as Record<string, unknown> | undefined;
  if (!row) throw new SilenceError(`there is no silence ${id} (omsagg silence list)`);
  const s = fromDb(row);
  const t = wireTime(now);
  if (s.endsAt > t) {
    await db
      .knex('omsagg_report_silences')
      .where('silence_id', id)
      .update({ ends_at: dbTime(db, t < s.startsAt ? s.startsAt : t) });
    s.endsAt = t < s.startsAt ? s.startsAt : t;
  }
  return s;
}
