// The one argument style of every omsagg command: node's util.parseArgs (strict, --help everywhere),
// values checked here so a bad value is a clear error (exit 2) and never a NaN passed on silently, and
// the one default database shared with the server's configuration.
import { ConfigError, DEFAULT_DB_URL, resolveDbUrl } from '../config.js';
import { ArgsError, parseStrict, type ArgOptions, type ParsedArgs } from '../shared/strict-args.js';

export class UsageError extends Error {}

export type Options = ArgOptions;
export type Value = string | boolean | undefined;
export type Parsed = ParsedArgs;

/** Parses args strictly; unknown options and missing values are UsageErrors. `--help`/`-h` is always known. */
export function parse(args: string[], options: Options, allowPositionals = false): Parsed {
  try {
    return parseStrict(args, { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals);
  } catch (err) {
    if (err instanceof ArgsError) throw new UsageError(err.message);
    throw err;
  }
}

export function wholeNumber(name: string, v: Value, min = 1, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`}, got '${v}'`);
  }
  return n;
}

export function nonNegative(name: string, v: Value): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a number ≥ 0, got '${v}'`);
  return n;
}

export function text(v: Value): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `A-B` or `A` (whole numbers, A ≤ B) as an inclusive range. */
export function numberRange(name: string, v: Value): [number, number] | undefined {
  if (v === undefined) return undefined;
  const m = typeof v === 'string' ? /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(v) : null;
  if (!m) throw new UsageError(`--${name} must be a number or a range A-B, got '${String(v)}'`);
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (b < a) throw new UsageError(`--${name} ${String(v)}: the range is empty (B < A)`);
  return [a, b];
}

/** The database a command works on: --db, else $OMSAGG_DB, else the embedded default; checked like the server's. */
export function databaseUrl(v: Value, env: Record<string, string | undefined> = process.env): string {
  try {
    return resolveDbUrl(text(v) ?? env.OMSAGG_DB);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message.replace(/^OMSAGG_DB/, '--db / OMSAGG_DB'));
    throw err;
  }
}

/** The `--db URL` line every command's usage shows, the description starting at column `width`. */
export function dbOptionHelp(width: number, note = ''): string {
  return `${'--db URL'.padEnd(width)}database (default $OMSAGG_DB, else the embedded ${DEFAULT_DB_URL})${note}`;
}

/** Runs a command body; a UsageError prints the message and the usage and returns 2. */
export async function withUsage(command: string, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`omsagg ${command}: ${err.message}\n\n${usage}`);
      return 2;
    }
    throw err;
  }
}

/**
 * A whole command: parses `args` against `options`, answers `--help` with `usage`, and runs `body` on
 * the parsed values; bad arguments print the message and the usage and exit 2.
 */
export function command(name: string, usage: string, options: Options, body: (parsed: Parsed) => Promise<number>, allowPositionals = false): (args: string[]) => Promise<number> {
  return (args) =>
    withUsage(name, usage, async () => {
      const parsed = parse(args, options, allowPositionals);
      if (parsed.values.help) {
        console.log(usage);
        return 0;
      }
      return body(parsed);
    });
}
