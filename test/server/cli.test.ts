// Every command (derived from the CLI's registry) speaks one argument style: --help answers with the
// usage and exit 0, an unknown option or a bad --db is a one-line message and exit 2, never a stack.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COMMANDS, main } from '../../src/cli.js';
import { numberRange, databaseUrl, parse, UsageError, wholeNumber } from '../../src/command-line/options.js';

let out: string[];
let err: string[];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

// silence takes an action before its options; import needs a source and a selection before its target
const argsFor = (name: string, rest: string[]) =>
  name === 'silence' ? ['silence', 'list', ...rest] : name === 'import' && rest[0] === '--db' ? ['import', '--from', 'http://127.0.0.1:9/', '--runs', '1', ...rest] : [...name.split(' '), ...rest];

describe('omsagg commands', () => {
  it.each(Object.keys(COMMANDS))('%s --help prints its usage and exits 0', async (name) => {
    expect(await main(argsFor(name, ['--help']))).toBe(0);
    expect(out.join('\n')).toMatch(/usage: omsagg/);
    expect(err).toEqual([]);
  });

  it.each(Object.keys(COMMANDS))('%s --no-such-option exits 2 naming the option', async (name) => {
    expect(await main(argsFor(name, ['--no-such-option']))).toBe(2);
    expect(err.join('\n')).toMatch(/unknown option '--no-such-option'/);
    expect(err.join('\n')).not.toMatch(/\n\s+at /);
  });

  it.each(Object.keys(COMMANDS).filter((n) => !['serve', 'openapi', 'detect'].includes(n) && !n.startsWith('eval')))('%s --db with an unknown scheme exits 2 before opening anything', async (name) => {
    expect(await main(argsFor(name, ['--db', 'mysql://somewhere/db']))).toBe(2);
    expect(err.join('\n')).toMatch(/must start with sqlite:, postgres:\/\/ or oracle:\/\//);
  });

  it('the top level lists every command and rejects an unknown one', async () => {
    expect(await main(['--help'])).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(out.join('\n')).toContain(`  ${name} `);
    expect(await main(['nope'])).toBe(2);
    expect(err.join('\n')).toMatch(/unknown command 'nope'/);
  });
});

describe('the shared argument checks', () => {
  it('reject what would otherwise become NaN or an empty range', () => {
    expect(() => wholeNumber('jobs', 'x', 1)).toThrow(UsageError);
    expect(() => wholeNumber('jobs', '0', 1)).toThrow(/≥ 1/);
    expect(() => wholeNumber('seed', '5', 0, 3)).toThrow(/from 0 to 3/);
    expect(wholeNumber('jobs', '4', 1)).toBe(4);
    expect(wholeNumber('jobs', undefined, 1)).toBeUndefined();
    expect(numberRange('runs', '315000-315100')).toEqual([315000, 315100]);
    expect(numberRange('runs', '315000')).toEqual([315000, 315000]);
    expect(() => numberRange('runs', '9-3')).toThrow(/empty/);
    expect(() => numberRange('runs', 'abc')).toThrow(/range A-B/);
    expect(() => parse(['--port'], { port: { type: 'string' } })).toThrow(/option --port needs a value/);
    expect(() => parse(['stray'], {})).toThrow(/unexpected argument 'stray'/);
  });

  it('one default database for every command, the same as the server’s', () => {
    expect(databaseUrl(undefined, {})).toBe('sqlite:data/omsagg.sqlite');
    expect(databaseUrl(undefined, { OMSAGG_DB: 'postgres://h/db' })).toBe('postgres://h/db');
    expect(databaseUrl('sqlite:/tmp/x.sqlite', { OMSAGG_DB: 'postgres://h/db' })).toBe('sqlite:/tmp/x.sqlite');
    expect(() => databaseUrl('mysql://x', {})).toThrow(UsageError);
  });
});
