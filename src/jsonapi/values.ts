// Value conversions at the two edges of the engine: query-string text → typed filter value, and
// database value → wire value (datetimes `YYYY-MM-DDTHH:MM:SSZ`, booleans, arrays).
import type { ScalarType } from './resource.js';

export class ValueError extends Error {}

const NULL_WORDS = new Set(['none', 'null']);
const TRUE_WORDS = new Set(['true', '1']);
const FALSE_WORDS = new Set(['false', '0']);

// Accepts 2018-05-01, 2018-05-01T00:00:00Z, 2018-05-01 00:00:00, fractions, and an offset whose
// `+` arrived as a space (python str() → unencoded `+00:00` → form-decoded to ` 00:00`).
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+\- ]\d{2}(?::?\d{2})?)?$/i;

export function parseDatetime(text: string): Date {
  const m = DATETIME_RE.exec(text.trim() === text ? text : text.replace(/^\s+/, ''));
  if (!m) throw new ValueError(`'${text}' is not a datetime (use YYYY-MM-DDTHH:MM:SSZ)`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', tz] = m;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, frac ? Math.round(Number(`0.${frac}`) * 1000) : 0);
  const check = new Date(Date.UTC(+y, +mo - 1, +d));
  if (check.getUTCMonth() !== +mo - 1 || +h > 23 || +mi > 59 || +s > 60) throw new ValueError(`'${text}' is not a valid date/time`);
  if (tz && tz.toUpperCase() !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    const offMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    ms -= sign * offMin * 60_000;
  }
  return new Date(ms);
}

/** The wire form of a time (Date or epoch ms): `YYYY-MM-DDTHH:MM:SSZ`, UTC, whole seconds. */
export function wireTime(t: Date | number): string {
  return `${new Date(t).toISOString().slice(0, 19)}Z`;
}

/** A stored or bound boolean in any of its database spellings (true, 1, '1', 'true'). */
export function asBoolean(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || (typeof v === 'string' && v.toLowerCase() === 'true');
}

/** `YYYY-MM-DDTHH:MM:SSZ` (or `YYYY-MM-DD HH:MM:SS` for include=presentation_timestamp). */
export function formatDatetime(value: unknown, presentation = false): string | null {
  if (value === null || value === undefined) return null;
  let d: Date;
  if (value instanceof Date) d = value;
  else if (typeof value === 'number') d = new Date(value);
  else {
    const s = String(value);
    try {
      d = parseDatetime(s);
    } catch {
      return s;
    }
  }
  if (Number.isNaN(d.getTime())) return null;
  const iso = d.toISOString().slice(0, 19);
  return presentation ? iso.replace('T', ' ') : `${iso}Z`;
}

/** A filter value as typed by the attribute; `null` stands for None/null (IS NULL / IS NOT NULL). */
export type FilterValue = number | string | boolean | Date | null;

export function parseFilterValue(type: ScalarType, text: string): FilterValue {
  if (NULL_WORDS.has(text.toLowerCase())) return null;
  switch (type) {
    case 'integer': {
      if (!/^[+-]?\d+(\.0*)?$/.test(text.trim())) throw new ValueError(`'${text}' is not an integer`);
      const n = Number(text.trim());
      if (!Number.isSafeInteger(n)) throw new ValueError(`'${text}' is out of range`);
      return n;
    }
    case 'number': {
      const t = text.trim();
      const n = t === '' ? NaN : Number(t);
      if (!Number.isFinite(n)) throw new ValueError(`'${text}' is not a number`);
      return n;
    }
    case 'boolean': {
      const t = text.trim().toLowerCase();
      if (TRUE_WORDS.has(t)) return true;
      if (FALSE_WORDS.has(t)) return false;
      throw new ValueError(`'${text}' is not a boolean (true/false/True/False/1/0)`);
    }
    case 'datetime':
      return parseDatetime(text);
    case 'string':
    case 'array':
      return text;
  }
}

/** Database value → JSON value on the wire. */
export function toWire(type: ScalarType, value: unknown, presentation = false): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value);
      return Number.isFinite(n) ? n : null;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number' || typeof value === 'bigint') return Number(value) !== 0;
      return TRUE_WORDS.has(String(value).toLowerCase());
    case 'datetime':
      return formatDatetime(value, presentation);
    case 'array':
      if (Array.isArray(value)) return value;
      return String(value) === '' ? [] : String(value).split(',');
    case 'string':
      return value instanceof Date ? formatDatetime(value) : String(value);
  }
}
