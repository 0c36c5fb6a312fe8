// omsagg import: harvests a live OMS aggregation API (or another omsagg) into omsagg's database.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_DB_URL } from '../config.js';
import { openDb, parseDbUrl, redact, type Db } from '../db/connection.js';
import { parseDatetime } from '../jsonapi/values.js';
import { getMeta } from '../db/schema.js';
import { AuthError, ClientCredentialsToken, DEFAULT_AUDIENCE, DEFAULT_TOKEN_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET, findCredentials } from './auth.js';
import { harvest, RESOURCES, type HarvestSummary, type Selection } from './harvest.js';
import { DEFAULT_HTTP, SourceClient, SourceError } from './http.js';
import { databaseUrl, parse, UsageError } from '../command-line/options.js';
import { makeProgress } from '../shared/progress.js';
import { prepareTarget, TargetError } from './store.js';

const HELP = `usage: omsagg import --from URL (--runs A-B | --fills A-B | --since DATETIME|last) [options]

Imports fills, runs, lumisections, L1 and HLT rates and path metadata, dead times and the pixel
resources (when the source has them) from an OMS aggregation API — or another omsagg — into
omsagg's base tables, converting units to omsagg's. Every (resource, run) is checkpointed in
omsagg_jobs with the rows it committed: run the same command again after an interruption and it
resumes where it stopped; finished units are skipped.

  --from URL          the source API base, e.g. https://cmsoms.cern.ch/agg/api/v1
  --runs A-B          runs A to B (or one run A)
  --fills A-B         the runs of fills A to B
  --since T           runs that started at or after T (ISO datetime), or 'last': after the latest
                      run a previous import took from this source (an incremental cursor)
  --resources LIST    comma-separated subset of: ${RESOURCES.join(', ')}
                      (runs are always imported: the others hang off them)
  --db URL            target database (default $OMSAGG_DB); created if empty; never the seeded demo
  --page-size N       rows per request (default 1000)
  --rate R            at most R requests per second (default ${DEFAULT_HTTP.ratePerSecond}; 0 = unlimited)
  --retries N         retries of a failed request (default ${DEFAULT_HTTP.retries}) with exponential backoff on
                      429/5xx/time-outs/broken connections, honouring Retry-After
  --backoff S         first retry delay in seconds, doubled per retry (default ${DEFAULT_HTTP.baseDelayMs / 1000})
  --timeout S         per-request time limit in seconds (default ${DEFAULT_HTTP.timeoutMs / 1000})
  --paging MODE       auto (cursors where the source offers them, else offsets) | offset | cursor
  --auth MODE         oidc | none (default: oidc when client credentials are found, else none)
  --token-url URL     OIDC token endpoint (default ${DEFAULT_TOKEN_URL})
  --audience A        OIDC audience (default ${DEFAULT_AUDIENCE})
  --credentials FILE  client id and secret: JSON {"client_id","client_secret"} or KEY=VALUE lines;
                      else the environment ${ENV_CLIENT_ID} / ${ENV_CLIENT_SECRET}.
                      Never on the command line.
  --ca FILE           PEM CA bundle to trust for an https source and token endpoint
  --dry-run           list what would be fetched (one request: the runs), write nothing
  --refresh           import again units already imported
  --quiet             no progress bar`;

function range(name: string, v: string): [number, number] {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(v);
  if (!m) throw new UsageError(`--${name} must be a number or a range A-B, got '${v}'`);
  const a = Number(m[1]);
  const b = m[2] ? Number(m[2]) : a;
  if (b < a) throw new UsageError(`--${name} ${v}: the range is empty`);
  return [a, b];
}

function positive(name: string, v: string | undefined, fallback: number, allowZero = false): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new UsageError(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got '${v}'`);
  return n;
}

function readFile(option: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new UsageError(`--${option} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function printSummary(s: HarvestSummary, write: (line: string) => void): void {
  if (s.plan) {
    write(
      `dry run: ${s.runs.length} runs; ${s.plan.filter((p) => p.state === 'fetch' || p.state.startsWith('fetch again') || p.state.startsWith('resume')).length} of ${s.plan.length} units would be fetched`,
    );
    for (const p of s.plan) write(`  ${p.unit.padEnd(28)} ${p.state.padEnd(26)} ${p.url}`);
    return;
  }
  const byResource = new Map<string, { units: number; rows: number }>();
  for (const u of s.units.filter((x) => x.status === 'imported' || x.status === 'open')) {
    const r = u.unit.split(':')[0];
    const e = byResource.get(r) ?? { units: 0, rows: 0 };
    e.units++;
    e.rows += u.rows;
    byResource.set(r, e);
  }
  write(
    `import ${s.interrupted ? 'INTERRUPTED (run the same command again to resume)' : 'finished'}: ${s.rows} rows in ${s.pages} pages, ${s.requests} requests (${s.retries} retries), ` +
      `${(s.bytes / 1e6).toFixed(1)} MB in ${s.seconds.toFixed(1)} s (${Math.round(s.rows / Math.max(s.seconds, 1e-9))} rows/s)`,
  );
  for (const [r, e] of byResource) write(`  imported ${r}: ${e.units} units, ${e.rows} rows`);
  const reasons = new Map<string, string[]>();
  for (const u of s.units.filter((x) => x.status !== 'imported')) {
    const k = `${u.status}: ${u.reason ?? ''}`;
    reasons.set(k, [...(reasons.get(k) ?? []), u.unit]);
  }
  for (const [k, list] of reasons) write(`  ${k} — ${list.length} unit${list.length > 1 ? 's' : ''} (${list.slice(0, 6).join(', ')}${list.length > 6 ? ', …' : ''})`);
}

export async function run(args: string[]): Promise<number> {
  if (args.some((a) => /^--?(client[-_]?secret|secret|password|token)(=|$)/i.test(a))) {
    console.error(`omsagg import: secrets are never taken from the command line (other users see it in the process list); use ${ENV_CLIENT_ID}/${ENV_CLIENT_SECRET} or --credentials FILE`);
    return 2;
  }
  let v;
  try {
    ({ values: v } = parse(args, {
      from: { type: 'string' },
      runs: { type: 'string' },
      fills: { type: 'string' },
      since: { type: 'string' },
      resources: { type: 'string' },
      db: { type: 'string' },
      'page-size': { type: 'string' },
      rate: { type: 'string' },
      retries: { type: 'string' },
      timeout: { type: 'string' },
      backoff: { type: 'string' },
      paging: { type: 'string' },
      auth: { type: 'string' },
      'token-url': { type: 'string' },
      audience: { type: 'string' },
      credentials: { type: 'string' },
      ca: { type: 'string' },
      'dry-run': { type: 'boolean' },
      refresh: { type: 'boolean' },
      quiet: { type: 'boolean' },
    }) as { values: Record<string, string | undefined> & { help?: boolean; quiet?: boolean; 'dry-run'?: boolean; refresh?: boolean } });
  } catch (err) {
    console.error(`omsagg import: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  const log = (line: string) => console.error(`omsagg import: ${line}`);
  let client: SourceClient | null = null;
  let db: Db | null = null;
  const ac = new AbortController();
  const onSigint = () => ac.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  try {
    if (!v.from) throw new UsageError('--from URL is required');
    let source: URL;
    try {
      source = new URL(v.from);
      if (source.protocol !== 'http:' && source.protocol !== 'https:') throw new Error();
    } catch {
      throw new UsageError(`--from '${v.from}' is not an http(s) URL`);
    }
    if (source.username || source.password) throw new UsageError('--from must not carry credentials; use --credentials FILE or the environment');
    const selection: Selection = {};
    if (v.runs) selection.runs = range('runs', v.runs);
    if (v.fills) selection.fills = range('fills', v.fills);
    if (!v.runs && !v.fills && !v.since) throw new UsageError('choose what to import: --runs A-B, --fills A-B or --since T');
    const resources = v.resources
      ? v.resources
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : RESOURCES;
    const unknown = resources.filter((r) => !RESOURCES.includes(r));
    if (unknown.length) throw new UsageError(`--resources: unknown ${unknown.join(', ')} (known: ${RESOURCES.join(', ')})`);
    const wanted = RESOURCES.filter((r) => r === 'runs' || resources.includes(r));
    const paging = v.paging ?? 'auto';
    if (paging !== 'auto' && paging !== 'offset' && paging !== 'cursor') throw new UsageError(`--paging must be auto, offset or cursor, got '${paging}'`);
    const pageSize = positive('page-size', v['page-size'], 1000);
    if (!Number.isInteger(pageSize)) throw new UsageError('--page-size must be an integer');
    const ca = v.ca ? readFile('ca', v.ca) : undefined;

    const authMode = v.auth ?? 'auto';
    if (!['auto', 'oidc', 'none'].includes(authMode)) throw new UsageError(`--auth must be oidc or none, got '${authMode}'`);
    const credentials = authMode === 'none' ? undefined : findCredentials(process.env, v.credentials);
    if (authMode === 'oidc' && !credentials) throw new UsageError(`--auth oidc needs client credentials: ${ENV_CLIENT_ID}/${ENV_CLIENT_SECRET} or --credentials FILE`);
    const auth = credentials ? new ClientCredentialsToken({ tokenUrl: v['token-url'] ?? DEFAULT_TOKEN_URL, audience: v.audience ?? DEFAULT_AUDIENCE, credentials, ca }) : undefined;

    const url = v.db ?? process.env.OMSAGG_DB;
    if (!url) throw new UsageError('--db URL (or OMSAGG_DB) is required: the database to import into');
    databaseUrl(url); // the scheme checked as every command checks it
    const spec = parseDbUrl(url);
    if (spec.dialect === 'sqlite' && path.resolve(spec.target) === path.resolve(DEFAULT_DB_URL.slice('sqlite:'.length))) {
      throw new TargetError('embedded_demo', `${spec.target} is the embedded demo database that omsagg serve seeds on its own; import into another file and serve it with --db`);
    }

    client = new SourceClient({
      ratePerSecond: positive('rate', v.rate, DEFAULT_HTTP.ratePerSecond, true),
      retries: positive('retries', v.retries, DEFAULT_HTTP.retries, true),
      timeoutMs: positive('timeout', v.timeout, DEFAULT_HTTP.timeoutMs / 1000) * 1000,
      baseDelayMs: positive('backoff', v.backoff, DEFAULT_HTTP.baseDelayMs / 1000, true) * 1000,
      ca,
      auth,
      signal: ac.signal,
      onRetry: v.quiet ? undefined : (r) => process.stderr.isTTY || log(`retry ${r.attempt} in ${(r.delayMs / 1000).toFixed(1)} s: ${r.reason}`),
    });

    if (v['dry-run']) {
      // read the checkpoints if the database exists; never create or write it
      if (spec.dialect !== 'sqlite' || fs.existsSync(spec.target)) db = await openDb(url, { readonly: true, inProcessReads: true });
    } else {
      db = await openDb(url, { inProcessReads: true });
      await prepareTarget(db);
    }
    if (v.since === 'last') {
      const marks = db ? (JSON.parse((await getMeta(db)).import_high_water ?? '{}') as Record<string, string>) : {};
      const mark = marks[v.from.replace(/\/+$/, '')];
      if (!mark) throw new UsageError(`--since last: no earlier import from ${v.from} in this database`);
      selection.since = mark;
    } else if (v.since) {
      try {
        selection.since = parseDatetime(v.since).toISOString().slice(0, 19) + 'Z';
      } catch {
        throw new UsageError(`--since '${v.since}' is not a datetime (YYYY-MM-DDTHH:MM:SSZ) nor 'last'`);
      }
    }
    const summary = await harvest(db, client, {
      source: v.from,
      selection,
      resources: wanted,
      pageSize,
      paging,
      refresh: v.refresh === true,
      dryRun: v['dry-run'] === true,
      progress: makeProgress({ unit: 'lumisections', quiet: v.quiet === true || v['dry-run'] === true }),
      log: v.quiet ? undefined : log,
      signal: ac.signal,
    });
    printSummary(summary, v['dry-run'] ? (l) => console.log(l) : (l) => console.error(l));
    if (!v['dry-run']) console.error(`omsagg import: into ${redact(url)}`);
    return summary.interrupted || summary.units.some((u) => u.status === 'failed') ? 1 : 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`omsagg import: ${err.message}`);
      return 2;
    }
    if (err instanceof TargetError || err instanceof AuthError || err instanceof SourceError) {
      console.error(`omsagg import: ${err.code}: ${err.message}`);
      return err instanceof TargetError || (err instanceof AuthError && err.code === 'auth_config') ? 2 : 1;
    }
    // a database error: the driver's reason without the statement knex puts before it
    const e = err as { code?: string; message?: string };
    const reason = (e.message ?? String(err)).split(' - ').pop()!.slice(0, 500);
    console.error(`omsagg import: ${e.code ? `database error ${e.code}` : 'failed'}: ${reason}${e.code ? ' (the checkpoints keep what was committed: run the command again to resume)' : ''}`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    client?.close();
    await db?.close();
  }
}
