// Durations as written in report definitions and on the command line, and numbers with units as
// they appear in alarm sentences.
import { plainUnit } from '../plot/axis.js';

/** One lumisection: 2^18 orbits / 11245.5 Hz, written 23.31 s as everywhere in omsagg. */
export const LS_SECONDS = 23.31;

const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  sec: 1,
  second: 1,
  seconds: 1,
  min: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
  w: 604800,
  week: 604800,
  weeks: 604800,
  ls: LS_SECONDS,
  lumisection: LS_SECONDS,
  lumisections: LS_SECONDS,
};

export class DurationError extends Error {}

/** `24h`, `7d`, `30 min`, `90s`, `5 LS` → seconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$/.exec(String(text));
  const unit = m ? UNIT_SECONDS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new DurationError(`'${text}' is not a duration (e.g. 24h, 7d, 30min, 90s, 5 LS)`);
  const seconds = Number(m[1]) * unit;
  if (!(seconds > 0)) throw new DurationError(`'${text}' must be longer than zero`);
  return seconds;
}

/** Whole lumisections a duration spans (at least one). */
export function durationLs(text: string): number {
  return Math.max(1, Math.round(parseDuration(text) / LS_SECONDS));
}

/** A period length the way a person writes it: 24h, 7d, 90min. */
export function formatPeriod(seconds: number): string {
  if (seconds % 86400 === 0 && seconds > 86400) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}min`;
  return `${seconds}s`;
}

/** A readable unit (`{\mu}A` → µA), '' for none. */
export function unitText(unit: string | null | undefined): string {
  return unit ? plainUnit(unit) : '';
}

/** Four significant digits, digit groups separated by a thin space, a real minus sign. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  let s: string;
  if (a >= 1e7 || a < 1e-3) s = v.toExponential(3).replace(/e\+?(-?)(\d+)/, (_m, sign, e) => ` × 10^${sign}${e}`);
  else if (a >= 1000)
    s = Math.round(v)
      .toString()
      .replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
  else s = String(Number(v.toPrecision(4)));
  return s.replace(/^-/, '−');
}

/** `12.4 Hz`, `0 V`, `5 counts`; a dimensionless value stays bare. */
export function withUnit(v: number, unit: string | null | undefined): string {
  const u = unitText(unit);
  if (!u) return formatNumber(v);
  return u === '%' ? `${formatNumber(v)} %` : `${formatNumber(v)} ${u}`;
}

/** `12 lumisections (4.7 min)` */
export function lsDuration(n: number): string {
  const seconds = n * LS_SECONDS;
  const three = (x: number) => String(Number(x.toPrecision(3)));
  const t = seconds < 120 ? `${Math.round(seconds)} s` : seconds < 7200 ? `${three(seconds / 60)} min` : `${three(seconds / 3600)} h`;
  return `${n} lumisection${n === 1 ? '' : 's'} (${t})`;
}

/** `2018-06-15 06:03 UTC` */
export function utcMinute(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : 'unknown time';
}
