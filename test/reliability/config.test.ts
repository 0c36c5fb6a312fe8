// The access and shutdown options: validated at start with messages naming the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const AUTH = {
  OMSAGG_AUTH_ISSUER: 'https://auth.cern.ch/auth/realms/cern',
  OMSAGG_AUTH_AUDIENCE: 'cmsoms',
  OMSAGG_AUTH_JWKS_URL: 'https://auth.cern.ch/auth/realms/cern/protocol/openid-connect/certs',
};

describe('access and shutdown options', () => {
  it('defaults: no authentication, no CORS, no rate limit, a 25 s drain', () => {
    const c = loadConfig({});
    expect(c.auth).toBeUndefined();
    expect(c.corsOrigins).toEqual([]);
    expect(c.rateLimitPerMinute).toBe(0);
    expect(c.shutdownTimeoutMs).toBe(25_000);
  });

  it('reads a complete authentication setting and the other options', () => {
    const c = loadConfig({
      ...AUTH,
      OMSAGG_AUTH_ALGORITHMS: 'RS256, PS256',
      OMSAGG_CORS_ORIGINS: 'https://cmsoms.cern.ch, http://localhost:3000',
      OMSAGG_RATE_LIMIT: '600',
      OMSAGG_SHUTDOWN_TIMEOUT_MS: '5000',
    });
    expect(c.auth).toEqual({ issuer: AUTH.OMSAGG_AUTH_ISSUER, audience: 'cmsoms', jwksUrl: AUTH.OMSAGG_AUTH_JWKS_URL, algorithms: ['RS256', 'PS256'], jwksRefreshMs: 30_000 });
    expect(c.corsOrigins).toEqual(['https://cmsoms.cern.ch', 'http://localhost:3000']);
    expect(c.rateLimitPerMinute).toBe(600);
    expect(c.shutdownTimeoutMs).toBe(5000);
  });

  it.each([
    [{ OMSAGG_AUTH_ISSUER: AUTH.OMSAGG_AUTH_ISSUER }, /must be set together/],
    [{ ...AUTH, OMSAGG_AUTH_JWKS_URL: 'http://auth.example/certs' }, /must be https/],
    [{ ...AUTH, OMSAGG_AUTH_JWKS_URL: 'not a url' }, /is not a URL/],
    [{ ...AUTH, OMSAGG_AUTH_ALGORITHMS: 'none' }, /OMSAGG_AUTH_ALGORITHMS: 'none'/],
    [{ ...AUTH, OMSAGG_AUTH_ALGORITHMS: 'HS256' }, /OMSAGG_AUTH_ALGORITHMS: 'HS256'/],
    [{ OMSAGG_CORS_ORIGINS: '*' }, /OMSAGG_CORS_ORIGINS/],
    [{ OMSAGG_CORS_ORIGINS: 'https://cmsoms.cern.ch/path' }, /scheme:\/\/host\[:port\] only/],
    [{ OMSAGG_RATE_LIMIT: '-1' }, /OMSAGG_RATE_LIMIT/],
    [{ OMSAGG_SHUTDOWN_TIMEOUT_MS: '5s' }, /OMSAGG_SHUTDOWN_TIMEOUT_MS/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env as Record<string, string>)).toThrow(ConfigError);
    expect(() => loadConfig(env as Record<string, string>)).toThrow(message);
  });
});
