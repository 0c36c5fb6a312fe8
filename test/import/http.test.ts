// The harvester's HTTP client and authentication against real local servers: Retry-After honoured,
// retries bounded, final statuses not retried, time-outs, the request-rate limit, OIDC client
// credentials (form, bearer, renewal on 401 and before expiry), credentials never from the command
// line, and a custom CA bundle for an https source.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthError, ClientCredentialsToken, findCredentials, readCredentialsFile } from '../../src/import/auth.js';
import { run as importCommand } from '../../src/import/command.js';
import { retryAfterMs, SourceClient, SourceError } from '../../src/import/http.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;
const servers: (http.Server | https.Server)[] = [];

async function listen(handler: Handler, tls?: { key: Buffer; cert: Buffer }): Promise<string> {
  const h = (req: http.IncomingMessage, res: http.ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, res, body));
  };
  const server = tls ? https.createServer(tls, h) : http.createServer(h);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

describe('SourceClient', () => {
  it('waits as long as Retry-After asks (seconds or an HTTP date), then succeeds', async () => {
    let hits = 0;
    const base = await listen((_q, res) => (++hits === 1 ? json(res, 503, {}, { 'retry-after': '1' }) : json(res, 200, { data: [] })));
    const retries: number[] = [];
    const client = new SourceClient({ ratePerSecond: 0, baseDelayMs: 1, onRetry: (r) => retries.push(r.delayMs) });
    const t0 = Date.now();
    expect(await client.getJson(`${base}/runs`)).toEqual({ data: [] });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(980);
    expect(retries).toEqual([1000]);
    expect(hits).toBe(2);
    client.close();
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(30_000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });

  it('retries 429 and 5xx with growing delays, at most `retries` times', async () => {
    let hits = 0;
    const base = await listen((_q, res) => (++hits, json(res, hits % 2 ? 429 : 502, {})));
    const delays: number[] = [];
    const client = new SourceClient({ ratePerSecond: 0, retries: 3, baseDelayMs: 4, onRetry: (r) => delays.push(r.delayMs) });
    const err = await client.getJson(`${base}/runs`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).code).toBe('source_unavailable');
    expect(hits).toBe(4);
    expect(delays).toHaveLength(3);
    // exponential: each delay within [base·2^k / 2, base·2^k]
    delays.forEach((d, k) => {
      expect(d).toBeGreaterThanOrEqual(2 * 2 ** k);
      expect(d).toBeLessThanOrEqual(4 * 2 ** k);
    });
    client.close();
  });

  it('does not retry a final answer (404, 400)', async () => {
    let hits = 0;
    const base = await listen((_q, res) => (++hits, json(res, 404, { errors: [{ code: 'not_found', detail: 'no such resource' }] })));
    const client = new SourceClient({ ratePerSecond: 0, baseDelayMs: 1 });
    const err = (await client.getJson(`${base}/pixelcurrents`).catch((e: unknown) => e)) as SourceError;
    expect(err.status).toBe(404);
    expect(err.message).toMatch(/not_found: no such resource/);
    expect(hits).toBe(1);
    client.close();
  });

  it('gives up on an answer slower than the time limit and asks again', async () => {
    let hits = 0;
    const base = await listen((_q, res) => {
      if (++hits === 1) return; // never answers
      json(res, 200, { data: [1] });
    });
    const client = new SourceClient({ ratePerSecond: 0, timeoutMs: 150, baseDelayMs: 1 });
    expect(await client.getJson(`${base}/runs`)).toEqual({ data: [1] });
    expect(hits).toBe(2);
    client.close();
  });

  it('keeps to the request rate', async () => {
    const base = await listen((_q, res) => json(res, 200, {}));
    const client = new SourceClient({ ratePerSecond: 20 });
    const t0 = Date.now();
    for (let i = 0; i < 6; i++) await client.getJson(`${base}/runs`);
    // 6 requests at 20/s: the last one starts 5 × 50 ms after the first
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
    client.close();
  });
});

describe('OIDC client credentials', () => {
  it('gets a token with the client credentials, sends it as a bearer token and renews it on 401', async () => {
    const issued: string[] = [];
    const forms: URLSearchParams[] = [];
    const tokenUrl = await listen((req, res, body) => {
      const form = new URLSearchParams(body);
      forms.push(form);
      if (req.method !== 'POST' || form.get('client_secret') !== 's3cret') return json(res, 401, { error: 'invalid_client', error_description: 'bad secret' });
      issued.push(`token-${issued.length + 1}`);
      json(res, 200, { access_token: issued.at(-1), token_type: 'Bearer', expires_in: 3600 });
    });
    let served = 0;
    const seen: string[] = [];
    const base = await listen((req, res) => {
      const auth = req.headers.authorization ?? '';
      seen.push(auth);
      // the source revokes every token after two requests
      if (auth !== `Bearer ${issued.at(-1)}` || ++served % 3 === 0) return json(res, 401, { errors: [{ code: 'unauthorized' }] });
      json(res, 200, { data: [] });
    });
    const auth = new ClientCredentialsToken({ tokenUrl: `${tokenUrl}/token`, audience: 'cmsoms-prod', credentials: { clientId: 'omsagg', clientSecret: 's3cret' } });
    const client = new SourceClient({ ratePerSecond: 0, auth });
    for (let i = 0; i < 5; i++) expect(await client.getJson(`${base}/runs`)).toEqual({ data: [] });
    expect(Object.fromEntries(forms[0])).toEqual({ grant_type: 'client_credentials', client_id: 'omsagg', client_secret: 's3cret', audience: 'cmsoms-prod' });
    expect(auth.renewals).toBe(3);
    expect(seen.filter((s) => s === 'Bearer token-1').length).toBeGreaterThanOrEqual(2);
    expect(seen).toContain('Bearer token-3');
    client.close();
  });

  it('renews a token before it expires, and a refused token stays refused after one renewal', async () => {
    let n = 0;
    const tokenUrl = await listen((_q, res) => json(res, 200, { access_token: `t${++n}`, expires_in: 60 }));
    let now = 1_000_000;
    const auth = new ClientCredentialsToken({ tokenUrl, credentials: { clientId: 'a', clientSecret: 'b' }, now: () => now });
    expect(await auth.token()).toBe('t1');
    now += 20_000;
    expect(await auth.token()).toBe('t1');
    now += 15_000; // within 30 s of expiry
    expect(await auth.token()).toBe('t2');
    let hits = 0;
    const base = await listen((_q, res) => (++hits, json(res, 401, {})));
    const client = new SourceClient({ ratePerSecond: 0, auth });
    const err = (await client.getJson(base).catch((e: unknown) => e)) as SourceError;
    expect(err.status).toBe(401);
    expect(hits).toBe(2);
    client.close();
  });

  it('reports a refusal of the token endpoint', async () => {
    const tokenUrl = await listen((_q, res) => json(res, 401, { error: 'unauthorized_client', error_description: 'client disabled' }));
    const auth = new ClientCredentialsToken({ tokenUrl, credentials: { clientId: 'a', clientSecret: 'b' } });
    const err = (await auth.token().catch((e: unknown) => e)) as AuthError;
    expect(err.code).toBe('auth_failed');
    expect(err.message).toMatch(/unauthorized_client: client disabled/);
  });

  it('reads the credentials from a file or the environment, never from the command line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-cred-'));
    try {
      fs.writeFileSync(path.join(dir, 'c.json'), JSON.stringify({ client_id: 'id1', client_secret: 'sec1' }));
      fs.writeFileSync(path.join(dir, 'c.env'), 'export OMSAGG_IMPORT_CLIENT_ID=id2\nOMSAGG_IMPORT_CLIENT_SECRET="sec2"\n');
      fs.writeFileSync(path.join(dir, 'bad.json'), '{"client_id": "x"}');
      expect(readCredentialsFile(path.join(dir, 'c.json'))).toEqual({ clientId: 'id1', clientSecret: 'sec1' });
      expect(readCredentialsFile(path.join(dir, 'c.env'))).toEqual({ clientId: 'id2', clientSecret: 'sec2' });
      expect(() => readCredentialsFile(path.join(dir, 'bad.json'))).toThrow(/needs client_id and client_secret/);
      expect(findCredentials({ OMSAGG_IMPORT_CLIENT_ID: 'e', OMSAGG_IMPORT_CLIENT_SECRET: 'f' })).toEqual({ clientId: 'e', clientSecret: 'f' });
      expect(findCredentials({})).toBeUndefined();
      expect(() => findCredentials({ OMSAGG_IMPORT_CLIENT_ID: 'e' })).toThrow(/both/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await importCommand(['--from', 'http://127.0.0.1:1/api/v1', '--runs', '1', '--client-secret', 'x'])).toBe(2);
      expect(String(spy.mock.calls[0][0])).toMatch(/never taken from the command line/);
      expect(await importCommand(['--from', 'http://127.0.0.1:1/api/v1', '--runs', '1', '--db', 'sqlite:/tmp/x.sqlite', '--auth', 'oidc'])).toBe(2);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('custom CA bundle', () => {
  it('trusts an https source signed by the given CA, and refuses it without (no retries)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-ca-'));
    try {
      const key = path.join(dir, 'key.pem');
      const cert = path.join(dir, 'cert.pem');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], {
        stdio: 'ignore',
      });
      let hits = 0;
      const base = await listen((_q, res) => (++hits, json(res, 200, { data: ['tls'] })), { key: fs.readFileSync(key), cert: fs.readFileSync(cert) });
      const trusting = new SourceClient({ ratePerSecond: 0, ca: fs.readFileSync(cert) });
      expect(await trusting.getJson(`${base}/runs`)).toEqual({ data: ['tls'] });
      trusting.close();
      const plain = new SourceClient({ ratePerSecond: 0, baseDelayMs: 1 });
      const err = (await plain.getJson(`${base}/runs`).catch((e: unknown) => e)) as SourceError;
      expect(err.code).toBe('source_tls');
      expect(hits).toBe(1);
      plain.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
