// OIDC client-credentials authentication as the OMS python client does it (auth_oidc): POST
// grant_type=client_credentials, client_id, client_secret and audience to the token endpoint, send
// the access token as a bearer token, renew it before it expires and whenever the source answers 401.
// The client id and secret come from the environment or a file, never from the command line
// (where every user of the machine could read them in the process list).
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';

export const DEFAULT_TOKEN_URL = 'https://auth.cern.ch/auth/realms/cern/api-access/token';
export const DEFAULT_AUDIENCE = 'cmsoms-prod';
export const ENV_CLIENT_ID = 'OMSAGG_IMPORT_CLIENT_ID';
export const ENV_CLIENT_SECRET = 'OMSAGG_IMPORT_CLIENT_SECRET';

export class AuthError extends Error {
  constructor(
    readonly code: 'auth_config' | 'auth_failed',
    message: string,
  ) {
    super(message);
  }
}

export interface Credentials {
  clientId: string;
  clientSecret: string;
}

export interface TokenProvider {
  token(): Promise<string>;
  /** forget the current token (the source refused it) */
  invalidate(): void;
  readonly renewals: number;
}

/** A credentials file: JSON {"client_id","client_secret"} or lines KEY=VALUE (client_id=…, or the env names). */
export function readCredentialsFile(file: string): Credentials {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new AuthError('auth_config', `cannot read the credentials file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let id: unknown;
  let secret: unknown;
  if (text.trim().startsWith('{')) {
    try {
      const j = JSON.parse(text) as Record<string, unknown>;
      id = j.client_id ?? j.clientId;
      secret = j.client_secret ?? j.clientSecret;
    } catch {
      throw new AuthError('auth_config', `the credentials file ${file} is not valid JSON`);
    }
  } else {
    const kv = new Map<string, string>();
    for (const line of text.split(/\r?\n/)) {
      const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
      if (m) kv.set(m[1].toLowerCase(), m[2].replace(/^(['"])(.*)\1$/, '$2'));
    }
    id = kv.get('client_id') ?? kv.get(ENV_CLIENT_ID.toLowerCase());
    secret = kv.get('client_secret') ?? kv.get(ENV_CLIENT_SECRET.toLowerCase());
  }
  if (typeof id !== 'string' || !id || typeof secret !== 'string' || !secret) {
    throw new AuthError('auth_config', `the credentials file ${file} needs client_id and client_secret`);
  }
  return { clientId: id, clientSecret: secret };
}

/** Credentials from --credentials FILE, else the environment; undefined when neither has them. */
export function findCredentials(env: NodeJS.ProcessEnv, file?: string): Credentials | undefined {
  if (file) return readCredentialsFile(file);
  const clientId = env[ENV_CLIENT_ID];
  const clientSecret = env[ENV_CLIENT_SECRET];
  if (clientId && clientSecret) return { clientId, clientSecret };
  if (clientId || clientSecret) throw new AuthError('auth_config', `set both ${ENV_CLIENT_ID} and ${ENV_CLIENT_SECRET} (or neither)`);
  return undefined;
}

function post(url: string, form: string, ca?: Buffer, timeoutMs = 30_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.request(
      u,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'content-length': Buffer.byteLength(form) },
        ...(u.protocol === 'https:' && ca ? { ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(form);
  });
}

export class ClientCredentialsToken implements TokenProvider {
  private current: { token: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;
  renewals = 0;

  constructor(private readonly o: { tokenUrl: string; audience?: string; credentials: Credentials; ca?: Buffer; now?: () => number }) {}

  invalidate(): void {
    this.current = null;
  }

  async token(): Promise<string> {
    const now = (this.o.now ?? Date.now)();
    // renew 30 s before the token expires rather than be refused with it
    if (this.current && now < this.current.expiresAt - 30_000) return this.current.token;
    this.pending ??= this.fetchToken().finally(() => (this.pending = null));
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.o.credentials.clientId, client_secret: this.o.credentials.clientSecret });
    if (this.o.audience) form.set('audience', this.o.audience);
    let res: { status: number; body: string };
    try {
      res = await post(this.o.tokenUrl, form.toString(), this.o.ca);
    } catch (err) {
      throw new AuthError('auth_failed', `token endpoint ${this.o.tokenUrl}: ${(err as Error).message}`);
    }
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(res.body) as Record<string, unknown>;
    } catch {
      // reported below
    }
    if (res.status !== 200 || typeof body.access_token !== 'string') {
      const why = typeof body.error === 'string' ? `${body.error}${body.error_description ? `: ${String(body.error_description)}` : ''}` : `HTTP ${res.status}`;
      throw new AuthError('auth_failed', `token endpoint ${this.o.tokenUrl} refused the client credentials (${why})`);
    }
    const ttl = typeof body.expires_in === 'number' ? body.expires_in : 300;
    this.current = { token: body.access_token, expiresAt: (this.o.now ?? Date.now)() + ttl * 1000 };
    this.renewals++;
    return body.access_token;
  }
}
