// The one argument style of the anomaly commands: node's util.parseArgs (strict, --help), and values
// checked here, so a bad value is a clear error and never a NaN passed on silently.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Parses args strictly; unknown options and missing values are UsageErrors. */
export function parse(args: string[], options: Options, allowPositionals = false): Parsed {
  try {
    const r = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function wholeNumber(name: string, v: string | boolean | undefined, min = 1): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}, got '${v}'`);
  return n;
}

export function nonNegative(name: string, v: string | boolean | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a number ≥ 0, got '${v}'`);
  return n;
}

export function text(v: string | boolean | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
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
