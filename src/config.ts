// One validated Config from the environment and command-line flags (flags win).
//   OMSAGG_DB / --db                 sqlite:PATH | postgres://…[?schema=S] | oracle://…  (default: embedded demo)
//   PORT / --port                    listen port (default 8080)
//   HOST / --host                    listen address (default 127.0.0.1)
//   OMSAGG_PREFIXES / --prefixes     extra API prefixes, comma separated (e.g. /pixel-agg/api/v1)
//   OMSAGG_MAX_PAGE_LIMIT / --max-page-limit        largest page[limit] (default 100000 rows)
//   OMSAGG_DEFAULT_PAGE_LIMIT / --default-page-limit page[limit] when absent (default 100 rows)
//   OMSAGG_STATEMENT_TIMEOUT_MS / --statement-timeout-ms  per-statement limit (default 30000 ms)
//   LOG_LEVEL / --log-level          fatal|error|warn|info|debug|trace|silent (default info)
//   OMSAGG_RESOURCES / --resources   directory of resource files (default resources/)
//   OMSAGG_DB_POOL / --db-pool       database connections (PostgreSQL, Oracle) or SQLite reader processes
//                                    per server (default 8 / 3); × replicas must stay under the account's session limit
//   OMSAGG_CACHE_MB / --cache-mb     memory for compressed answers about closed runs (default 64, 0 = none)
//   OMSAGG_SHUTDOWN_TIMEOUT_MS       longest a SIGTERM waits for requests in flight to finish (default 25000)
//   OMSAGG_VERSION_REFRESH_MS        how often the runs' state (closed, latest lumisection) is re-read (default 2000)
//   OMSAGG_AUTH_ISSUER, OMSAGG_AUTH_AUDIENCE, OMSAGG_AUTH_JWKS_URL   OIDC bearer tokens required (all three, or none = off)
//   OMSAGG_AUTH_ALGORITHMS           signature algorithms accepted (default RS256,ES256)
//   OMSAGG_AUTH_JWKS_REFRESH_MS      shortest interval between key-set fetches (default 30000)
//   OMSAGG_CORS_ORIGINS              origins allowed to read cross-origin, comma separated (default none)
//   OMSAGG_RATE_LIMIT                requests per minute per client (default 0 = no limit)
import { ArgsError, parseStrict } from './shared/strict-args.js';

export const DEFAULT_DB_URL = 'sqlite:data/omsagg.sqlite';
export const BUILTIN_PREFIXES = ['/api/v1', '/agg/api/v1'] as const;

export interface Config {
  /** undefined = the embedded demo database (created and seeded on first start) */
  dbUrl?: string;
  port: number;
  host: string;
  /** every API prefix served: the built-in ones followed by the configured extras */
  prefixes: string[];
  maxPageLimit: number;
  defaultPageLimit: number;
  statementTimeoutMs: number;
  logLevel: string;
  resourcesDir?: string;
  /** connections (PostgreSQL, Oracle) or reader processes (SQLite); undefined = the dialect's default */
  dbPool?: number;
  cacheMb: number;
  versionRefreshMs: number;
  /** how long a stop waits for the requests in flight before cutting them */
  shutdownTimeoutMs: number;
  /** OIDC bearer-token authentication; undefined = off (anyone who reaches the server may read) */
  auth?: AuthConfig;
  /** origins (scheme://host[:port]) allowed to read cross-origin; empty = no CORS headers */
  corsOrigins: string[];
  /** requests per minute per client; 0 = no limit */
  rateLimitPerMinute: number;
}

export interface AuthConfig {
  issuer: string;
  audience: string;
  jwksUrl: string;
  algorithms: string[];
  /** shortest interval between two fetches of the key set (a token with an unknown key id triggers one) */
  jwksRefreshMs: number;
}

const JWS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

function authConfig(e: Record<string, string | undefined>): AuthConfig | undefined {
  const issuer = e.OMSAGG_AUTH_ISSUER?.trim();
  const audience = e.OMSAGG_AUTH_AUDIENCE?.trim();
  const jwksUrl = e.OMSAGG_AUTH_JWKS_URL?.trim();
  const given = [issuer, audience, jwksUrl].filter(Boolean).length;
  if (given === 0) return undefined;
  if (given < 3) throw new ConfigError('OMSAGG_AUTH_ISSUER, OMSAGG_AUTH_AUDIENCE and OMSAGG_AUTH_JWKS_URL must be set together (or none, for no authentication)');
  let u: URL;
  try {
    u = new URL(jwksUrl!);
  } catch {
    throw new ConfigError(`OMSAGG_AUTH_JWKS_URL='${jwksUrl}' is not a URL`);
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname))) {
    throw new ConfigError(`OMSAGG_AUTH_JWKS_URL='${jwksUrl}' must be https:// (http:// only on the loopback)`);
  }
  const algorithms = (e.OMSAGG_AUTH_ALGORITHMS ?? 'RS256,ES256')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (const a of algorithms) if (!JWS_ALGORITHMS.includes(a)) throw new ConfigError(`OMSAGG_AUTH_ALGORITHMS: '${a}' is not one of ${JWS_ALGORITHMS.join(', ')}`);
  if (!algorithms.length) throw new ConfigError('OMSAGG_AUTH_ALGORITHMS must name at least one algorithm');
  const jwksRefreshMs = int('OMSAGG_AUTH_JWKS_REFRESH_MS', e.OMSAGG_AUTH_JWKS_REFRESH_MS, 30_000, 0, 86_400_000, 'ms');
  return { issuer: issuer!, audience: audience!, jwksUrl: u.toString(), algorithms, jwksRefreshMs };
}

function corsOrigins(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((o) => {
      let u: URL;
      try {
        u = new URL(o);
      } catch {
        throw new ConfigError(`OMSAGG_CORS_ORIGINS: '${o}' is not an origin such as https://cmsoms.cern.ch`);
      }
      if (!/^https?:$/.test(u.protocol) || u.origin !== o.replace(/\/$/, '')) throw new ConfigError(`OMSAGG_CORS_ORIGINS: '${o}' must be scheme://host[:port] only`);
      return u.origin;
    });
}

export class ConfigError extends Error {}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const FLAGS: Record<string, string> = {
  '--db': 'OMSAGG_DB',
  '--port': 'PORT',
  '--host': 'HOST',
  '--prefixes': 'OMSAGG_PREFIXES',
  '--max-page-limit': 'OMSAGG_MAX_PAGE_LIMIT',
  '--default-page-limit': 'OMSAGG_DEFAULT_PAGE_LIMIT',
  '--statement-timeout-ms': 'OMSAGG_STATEMENT_TIMEOUT_MS',
  '--log-level': 'LOG_LEVEL',
  '--resources': 'OMSAGG_RESOURCES',
  '--db-pool': 'OMSAGG_DB_POOL',
  '--cache-mb': 'OMSAGG_CACHE_MB',
};

export const CONFIG_HELP = Object.entries(FLAGS)
  .map(([flag, env]) => `  ${`${flag} VALUE`.padEnd(30)} (env ${env})`)
  .join('\n');

function int(name: string, raw: string | undefined, dflt: number, min: number, max: number, unit: string): number {
  if (raw === undefined || raw === '') return dflt;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name}='${raw}' must be a whole number of ${unit}`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${name}=${n} must be between ${min} and ${max} ${unit}`);
  return n;
}

/** Parses `--flag value` / `--flag=value` (node's util.parseArgs) into env-style keys; unknown flags are errors. */
export function flagsToEnv(args: string[]): Record<string, string> {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag.slice(2), { type: 'string' as const }]));
    ({ values } = parseStrict(args, options));
  } catch (err) {
    if (err instanceof ArgsError) throw new ConfigError(`${err.message}\noptions:\n${CONFIG_HELP}`);
    throw err;
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) if (typeof value === 'string') out[FLAGS[`--${name}`]] = value;
  return out;
}

/** A database URL as given (checked), or undefined when none is: the embedded demo. */
function checkedDbUrl(raw: string | undefined): string | undefined {
  const url = raw?.trim() || undefined;
  if (url && !/^(sqlite:|postgres(ql)?:\/\/|oracle:\/\/)/.test(url)) {
    throw new ConfigError(`OMSAGG_DB must start with sqlite:, postgres:// or oracle:// (got '${url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')}')`);
  }
  return url;
}

/** The database a command works on: the given URL (checked) or the embedded default. */
export function resolveDbUrl(raw: string | undefined): string {
  return checkedDbUrl(raw) ?? DEFAULT_DB_URL;
}

export function loadConfig(env: Record<string, string | undefined> = process.env, args: string[] = []): Config {
  const e = { ...env, ...flagsToEnv(args) };
  const extra = (e.OMSAGG_PREFIXES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((p) => {
      if (!/^(\/[A-Za-z0-9._~-]+)+\/?$/.test(p)) throw new ConfigError(`OMSAGG_PREFIXES: '${p}' must be a path such as /pixel-agg/api/v1`);
      return p.replace(/\/$/, '');
    });
  const logLevel = (e.LOG_LEVEL ?? 'info').toLowerCase();
  if (!LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL='${e.LOG_LEVEL}' must be one of ${LEVELS.join(', ')}`);
  const host = e.HOST?.trim() || '127.0.0.1';
  const maxPageLimit = int('OMSAGG_MAX_PAGE_LIMIT', e.OMSAGG_MAX_PAGE_LIMIT, 100_000, 1, 10_000_000, 'rows');
  const defaultPageLimit = int('OMSAGG_DEFAULT_PAGE_LIMIT', e.OMSAGG_DEFAULT_PAGE_LIMIT, 100, 1, 10_000_000, 'rows');
  if (defaultPageLimit > maxPageLimit) throw new ConfigError(`OMSAGG_DEFAULT_PAGE_LIMIT=${defaultPageLimit} exceeds OMSAGG_MAX_PAGE_LIMIT=${maxPageLimit}`);
  const dbUrl = checkedDbUrl(e.OMSAGG_DB);
  return {
    dbUrl,
    port: int('PORT', e.PORT, 8080, 0, 65535, '(port number)'),
    host,
    prefixes: [...new Set([...BUILTIN_PREFIXES, ...extra])],
    maxPageLimit,
    defaultPageLimit,
    statementTimeoutMs: int('OMSAGG_STATEMENT_TIMEOUT_MS', e.OMSAGG_STATEMENT_TIMEOUT_MS, 30_000, 0, 3_600_000, 'ms'),
    logLevel,
    resourcesDir: e.OMSAGG_RESOURCES?.trim() || undefined,
    dbPool: e.OMSAGG_DB_POOL ? int('OMSAGG_DB_POOL', e.OMSAGG_DB_POOL, 8, 1, 1000, 'connections') : undefined,
    cacheMb: int('OMSAGG_CACHE_MB', e.OMSAGG_CACHE_MB, 64, 0, 65_536, 'MB'),
    versionRefreshMs: int('OMSAGG_VERSION_REFRESH_MS', e.OMSAGG_VERSION_REFRESH_MS, 2000, 100, 3_600_000, 'ms'),
    auth: authConfig(e),
    corsOrigins: corsOrigins(e.OMSAGG_CORS_ORIGINS),
    rateLimitPerMinute: int('OMSAGG_RATE_LIMIT', e.OMSAGG_RATE_LIMIT, 0, 0, 1_000_000, 'requests per minute'),
    shutdownTimeoutMs: int('OMSAGG_SHUTDOWN_TIMEOUT_MS', e.OMSAGG_SHUTDOWN_TIMEOUT_MS, 25_000, 100, 3_600_000, 'ms'),
  };
}
