import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('config', () => {
  it('has defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', maxPageLimit: 100_000, defaultPageLimit: 100, logLevel: 'info', dbUrl: undefined });
    expect(c.prefixes).toEqual(['/api/v1', '/agg/api/v1']);
  });
  it('reads env and lets flags win', () => {
    const c = loadConfig({ PORT: '9000', OMSAGG_PREFIXES: '/pixel-agg/api/v1/, /x/api/v1', OMSAGG_DB: 'sqlite:/tmp/a.sqlite' }, ['--port', '9100', '--log-level=debug', '--max-page-limit', '500']);
    expect(c.port).toBe(9100);
    expect(c.logLevel).toBe('debug');
    expect(c.maxPageLimit).toBe(500);
    expect(c.prefixes).toEqual(['/api/v1', '/agg/api/v1', '/pixel-agg/api/v1', '/x/api/v1']);
    expect(c.dbUrl).toBe('sqlite:/tmp/a.sqlite');
  });
  it.each([
    [{ PORT: 'eighty' }, [], /PORT='eighty'/],
    [{ PORT: '70000' }, [], /PORT=70000/],
    [{ OMSAGG_MAX_PAGE_LIMIT: '-5' }, [], /OMSAGG_MAX_PAGE_LIMIT/],
    [{ OMSAGG_PREFIXES: 'pixel agg' }, [], /OMSAGG_PREFIXES/],
    [{ LOG_LEVEL: 'loud' }, [], /LOG_LEVEL/],
    [{ OMSAGG_DB: 'mysql://x' }, [], /OMSAGG_DB/],
    [{ OMSAGG_DEFAULT_PAGE_LIMIT: '500', OMSAGG_MAX_PAGE_LIMIT: '100' }, [], /exceeds/],
    [{}, ['--bogus', '1'], /unknown option '--bogus'/],
    [{}, ['--port'], /needs a value/],
  ] as const)('rejects %o %o with a clear message', (env, args, msg) => {
    expect(() => loadConfig(env, [...args])).toThrow(ConfigError);
    expect(() => loadConfig(env, [...args])).toThrow(msg);
  });
});
