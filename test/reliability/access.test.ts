// Access: OIDC bearer tokens against a local JWKS server with locally generated keys (valid,
// expired, not yet valid, wrong audience, wrong issuer, wrong signature, unknown key id, alg none,
// HS256 with the public key, missing, malformed), key caching and rotation, an unreachable key set;
// /health open; CORS only for configured origins; the per-client rate limit; security headers.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type JWK, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { testApp } from '../helpers/app.js';
import { testDatabase } from '../helpers/databases.js';
import { expectValidJsonApi } from '../helpers/jsonapi.js';

const ISSUER = 'https://auth.cern.ch/auth/realms/cern';
const AUDIENCE = 'cmsoms-agg';
const URL_OK = '/api/v1/runs?page[limit]=1';

interface Key {
  kid: string;
  priv: CryptoKey;
  jwk: JWK;
}

async function key(kid: string, alg = 'RS256'): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, priv: privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A JWKS endpoint the test controls: which keys it publishes, whether it answers, how often it was asked. */
class JwksServer {
  keys: JWK[] = [];
  down = false;
  fetches = 0;
  private server = http.createServer((_req, res) => {
    this.fetches++;
    if (this.down) return void res.socket?.destroy();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: this.keys }));
  });
  url = '';
  async start() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/protocol/openid-connect/certs`;
  }
  stop() {
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}

const now = () => Math.floor(Date.now() / 1000);

function token(k: Key, o: { iss?: string; aud?: string; exp?: number; nbf?: number; kid?: string; alg?: string } = {}): Promise<string> {
  const jwt = new SignJWT({ preferred_username: 'shifter', sub: 'u-123' })
    .setProtectedHeader({ alg: o.alg ?? 'RS256', kid: o.kid ?? k.kid, typ: 'JWT' })
    .setIssuer(o.iss ?? ISSUER)
    .setAudience(o.aud ?? AUDIENCE)
    .setIssuedAt(now() - 60)
    .setExpirationTime(o.exp ?? now() + 600);
  if (o.nbf !== undefined) jwt.setNotBefore(o.nbf);
  return jwt.sign(k.priv);
}

let db: Db;
beforeAll(async () => {
  db = await openDb(testDatabase('sqlite').url, { readonly: true });
});
afterAll(async () => db?.close());

describe('OIDC bearer tokens', () => {
  const jwks = new JwksServer();
  let app: FastifyInstance;
  let k1: Key;
  let k2: Key;
  let stranger: Key;

  beforeAll(async () => {
    [k1, k2, stranger] = await Promise.all([key('k1'), key('k2'), key('k-unknown')]);
    jwks.keys = [k1.jwk];
    await jwks.start();
    app = await testApp(db, { env: { OMSAGG_AUTH_ISSUER: ISSUER, OMSAGG_AUTH_AUDIENCE: AUDIENCE, OMSAGG_AUTH_JWKS_URL: jwks.url, OMSAGG_AUTH_JWKS_REFRESH_MS: '0' } });
  });
  afterAll(async () => {
    await app?.close();
    await jwks.stop();
  });

  const get = (authorization?: string, url = URL_OK) => app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });

  async function refused(authorization: string | undefined, code: string) {
    const res = await get(authorization);
    expect(res.statusCode, res.body).toBe(401);
    const doc = res.json();
    expectValidJsonApi(doc);
    expect(doc.errors[0].code).toBe(code);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="omsagg"/);
    return res;
  }

  it('a valid token reads; keys are fetched once and cached', async () => {
    const t = await token(k1);
    for (let i = 0; i < 5; i++) {
      const res = await get(`Bearer ${t}`);
      expect(res.statusCode, res.body).toBe(200);
    }
    expect(jwks.fetches).toBe(1);
  });

  it('refuses each bad token with 401 and a code saying why', async () => {
    await refused(undefined, 'missing_token');
    await refused('Basic c2hpZnRlcjpwYXNz', 'malformed_authorization');
    await refused('Bearer not.a.jwt', 'malformed_token');
    await refused(`Bearer ${await token(k1, { exp: now() - 3600 })}`, 'token_expired');
    await refused(`Bearer ${await token(k1, { nbf: now() + 3600 })}`, 'token_not_yet_valid');
    await refused(`Bearer ${await token(k1, { aud: 'some-other-service' })}`, 'wrong_audience');
    await refused(`Bearer ${await token(k1, { iss: 'https://evil.example/realms/cern' })}`, 'wrong_issuer');
    // signed by another key under k1's key id
    await refused(`Bearer ${await token(k2, { kid: 'k1' })}`, 'bad_signature');
    await refused(`Bearer ${await token(stranger)}`, 'unknown_key');
    const none = new UnsecuredJWT({ sub: 'u-123' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(now() + 600)
      .encode();
    const res = await get(`Bearer ${none}`);
    expect(res.statusCode).toBe(401);
    expect(['algorithm_not_allowed', 'malformed_token']).toContain(res.json().errors[0].code);
    // HS256 keyed with the published public key (the classic algorithm confusion)
    const confused = await new SignJWT({ sub: 'u-123' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(now() + 600)
      .sign(new TextEncoder().encode(JSON.stringify(k1.jwk)));
    await refused(`Bearer ${confused}`, 'algorithm_not_allowed');
  });

  it('a rotated key (a new key id) is picked up from the key set', async () => {
    const t2 = await token(k2);
    const before = jwks.fetches;
    await refused(`Bearer ${t2}`, 'unknown_key');
    jwks.keys = [k1.jwk, k2.jwk];
    const res = await get(`Bearer ${t2}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(jwks.fetches).toBeGreaterThan(before);
  });

  it('/health stays open; other pages need the token', async () => {
    expect((await get(undefined, '/health')).statusCode).toBe(200);
    expect((await get(undefined, '/probes')).statusCode).toBe(401);
    expect((await get(undefined, '/api/v1/openapi.json')).statusCode).toBe(401);
  });

  it('an unreachable key set is a 503 with Retry-After, not a 401', async () => {
    jwks.down = true;
    try {
      const res = await get(`Bearer ${await token(await key('k-new'))}`);
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json().errors[0].code).toBe('auth_unavailable');
      expect(res.headers['retry-after']).toBe('5');
    } finally {
      jwks.down = false;
    }
  });
});

describe('without authentication configured', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp(db);
  });
  afterAll(async () => app?.close());

  it('reads without a token, sends no CORS headers, sets the security headers', async () => {
    const res = await app.inject({ method: 'GET', url: URL_OK, headers: { origin: 'https://cmsoms.cern.ch' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['ratelimit-limit']).toBeUndefined();
  });
});

describe('CORS and the rate limit', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp(db, { env: { OMSAGG_CORS_ORIGINS: 'https://cmsoms.cern.ch,http://localhost:3000', OMSAGG_RATE_LIMIT: '5' } });
  });
  afterAll(async () => app?.close());

  it('allows the configured origins only', async () => {
    const ok = await app.inject({ method: 'GET', url: URL_OK, headers: { origin: 'https://cmsoms.cern.ch' }, remoteAddress: '10.0.0.1' });
    expect(ok.headers['access-control-allow-origin']).toBe('https://cmsoms.cern.ch');
    expect(String(ok.headers['access-control-expose-headers'])).toContain('ETag');
    const other = await app.inject({ method: 'GET', url: URL_OK, headers: { origin: 'https://evil.example' }, remoteAddress: '10.0.0.2' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: URL_OK,
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      remoteAddress: '10.0.0.3',
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(String(preflight.headers['access-control-allow-methods'])).toMatch(/^GET, ?HEAD$/);
    expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
    expect(ok.headers['content-security-policy']).toContain("frame-ancestors 'self' https://cmsoms.cern.ch http://localhost:3000");
  });

  it('limits each client, not everyone; /health is not limited', async () => {
    const from = (ip: string, url = URL_OK) => app.inject({ method: 'GET', url, remoteAddress: ip });
    for (let i = 0; i < 5; i++) expect((await from('10.1.1.1')).statusCode).toBe(200);
    const limited = await from('10.1.1.1');
    expect(limited.statusCode).toBe(429);
    expectValidJsonApi(limited.json());
    expect(limited.json().errors[0].code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await from('10.1.1.2')).statusCode).toBe(200);
    for (let i = 0; i < 8; i++) expect((await from('10.1.1.1', '/health')).statusCode).toBe(200);
  });
});
