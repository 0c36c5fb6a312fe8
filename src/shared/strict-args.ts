// node's util.parseArgs in strict mode with messages a user reads: the one parser under every command
// and the server's flags.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type ArgOptions = NonNullable<ParseArgsConfig['options']>;

export class ArgsError extends Error {}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parseStrict(args: string[], options: ArgOptions, allowPositionals = false): ParsedArgs {
  try {
    const r = parseArgs({ args, options, strict: true, allowPositionals });
    return { values: r.values as ParsedArgs['values'], positionals: r.positionals };
  } catch (err) {
    throw new ArgsError(readable(err as Error & { code?: string }));
  }
}

function readable(err: Error & { code?: string }): string {
  const quoted = /'(-[^' ]+)/.exec(err.message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${quoted ?? err.message}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(err.message) ? `option ${quoted ?? ''} needs a value` : err.message;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(err.message)?.[0] ?? ''} (options start with --)`.replace(/ +\(/, ' (');
    default:
      return err.message;
  }
}
