// /reports on the server: the repository served read-only with the right types, a directory asked
// for without its slash still resolves its relative links, paths cannot leave the repository, and
// every error is a JSON:API document (never a stack trace).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppPlugin } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDb, type Db } from '../../src/db/connection.js';
import { loadProbes } from '../../src/probes/registry.js';
import { openCatalog } from '../../src/reports/data.js';
import { defaultDefinitionsDir, loadDefinitions } from '../../src/reports/definitions.js';
import { runReportJob } from '../../src/reports/job.js';
import { makePeriod } from '../../src/reports/period.js';
import { reportsPlugin, resolveInside } from '../../src/reports/plugin.js';
import { defaultPlugins } from '../../src/server/plugins.js';
import { testDatabase, writableSqliteCopy, type WritableDatabase } from '../helpers/databases.js';

let w: WritableDatabase;
let db: Db;
let root: string;
let empty: string;
let app: FastifyInstance;
let bare: FastifyInstance;

const appWith = async (dir: string) => {
  const reports: AppPlugin = (async (a, o) => reportsPlugin(a, { ...o, root: dir })) as AppPlugin;
  return buildApp(loadConfig({ LOG_LEVEL: 'silent' }), { db, logger: false, plugins: [reports] });
};

beforeAll(async () => {
  w = await writableSqliteCopy();
  const rw = await openDb(w.url);
  const catalog = openCatalog(rw);
  const probes = await loadProbes();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-serve-'));
  empty = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-empty-'));
  await runReportJob({
    db: rw,
    catalog,
    probes,
    definitions: loadDefinitions(defaultDefinitionsDir(), catalog, probes).filter((d) => d.id === 'masked-rocs'),
    periods: [makePeriod(new Date('2018-09-30T00:00:00Z'), 86400)],
    root,
    baseUrl: 'http://127.0.0.1/reports',
    notify: false,
  });
  await rw.close();
  db = await openDb(testDatabase('sqlite').url, { readonly: true });
  app = await appWith(root);
  bare = await appWith(empty);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await bare?.close();
  await db?.close();
  await w?.cleanup();
  for (const d of [root, empty]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

const get = (a: FastifyInstance, url: string) => a.inject({ method: 'GET', url });

describe('/reports', () => {
  it('serves the indexes, the reports and their data with their types', async () => {
    const index = await get(app, '/reports/');
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.body).toContain('href="masked-rocs/2018-09-29/index.html"');
    for (const [url, type] of [
      ['/reports/RECENT_WITH_ALM.html', 'text/html; charset=utf-8'],
      ['/reports/masked-rocs/2018-09-29/index.html', 'text/html; charset=utf-8'],
      ['/reports/masked-rocs/2018-09-29/report.json', 'application/json; charset=utf-8'],
      ['/reports/masked-rocs/2018-09-29/alarms.csv', 'text/csv; charset=utf-8'],
      ['/reports/assets/report.css', 'text/css; charset=utf-8'],
      ['/reports/days/2018-09-29.html', 'text/html; charset=utf-8'],
    ]) {
      const r = await get(app, url);
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['content-type'], url).toBe(type);
    }
    expect(JSON.parse((await get(app, '/reports/masked-rocs/2018-09-29/report.json')).body).counts.active).toBe(2);
    const plotly = (await get(app, '/reports/assets')).statusCode;
    expect(plotly).toBe(404);
  });

  it('a directory without its slash gets a base so its relative links resolve', async () => {
    const r = await get(app, '/reports/masked-rocs/2018-09-29');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('<base href="/reports/masked-rocs/2018-09-29/">');
    expect((await get(app, '/reports')).body).toContain('<base href="/reports/">');
    expect((await get(app, '/reports/masked-rocs/2018-09-29/')).body).not.toContain('<base');
  });

  it('/reports/run/{run} shows the reports of the day the run started', async () => {
    const r = await get(app, '/reports/run/323940');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('<h1>Reports of 2018-09-29</h1>');
    expect(r.body).toContain('href="../masked-rocs/2018-09-29/index.html"');
  });

  it('before the first report the repository index is a page saying so', async () => {
    const r = await get(bare, '/reports/');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.body).toContain('No reports yet');
  });

  it('errors are JSON:API documents: unknown file, unknown run, a day without report, a bad run, no repository', async () => {
    for (const [a, url, status, code] of [
      [app, '/reports/masked-rocs/2018-09-28/index.html', 404, 'not_found'],
      [app, '/reports/run/999999', 404, 'unknown_run'],
      [app, '/reports/run/323857', 404, 'no_report'],
      [app, '/reports/run/abc', 400, 'invalid_run'],
      [bare, '/reports/masked-rocs/', 404, 'no_reports'],
    ] as [FastifyInstance, string, number, string][]) {
      const r = await get(a, url);
      expect(r.statusCode, url).toBe(status);
      expect(r.headers['content-type'], url).toMatch(/^application\/vnd\.api\+json/);
      const e = JSON.parse(r.body).errors[0];
      expect(e, url).toMatchObject({ status: String(status), code });
      expect(e.title.length).toBeGreaterThan(0);
      expect(e.detail).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }
  });

  it('cannot leave the repository', async () => {
    fs.writeFileSync(path.join(path.dirname(root), 'omsagg-secret.txt'), 'TOP-SECRET-CONTENT-42');
    try {
      for (const url of ['/reports/../omsagg-secret.txt', '/reports/%2e%2e/omsagg-secret.txt', '/reports/masked-rocs/%2e%2e/%2e%2e/omsagg-secret.txt', '/reports/..%2fomsagg-secret.txt']) {
        const r = await get(app, url);
        expect(r.body, url).not.toContain('TOP-SECRET-CONTENT-42');
        expect([400, 404], url).toContain(r.statusCode);
      }
    } finally {
      fs.rmSync(path.join(path.dirname(root), 'omsagg-secret.txt'), { force: true });
    }
  });

  it('resolves every request path to a file inside the repository (or refuses it)', () => {
    for (const rel of ['../x', '..%2f..%2fetc%2fpasswd', '/etc/passwd', 'a/../../b', '%2e%2e/%2e%2e/x', 'masked-rocs/../../..']) {
      const full = resolveInside(root, rel);
      expect(full === root || full!.startsWith(root + path.sep), rel).toBe(true);
    }
    expect(resolveInside(root, 'a%00b')).toBeNull();
    expect(resolveInside(root, '%E0%A4%A')).toBeNull();
  });

  it('is registered with the server plugins and only reads', async () => {
    const names = (await defaultPlugins()).map((p) => p.name);
    expect(names).toContain('reportsPlugin');
    for (const method of ['POST', 'PUT', 'DELETE'] as const) {
      const r = await app.inject({ method, url: '/reports/index.html' });
      // writes are refused before routing, on every path (test/reliability/read-only.test.ts)
      expect(r.statusCode, method).toBe(405);
      expect(r.headers.allow).toMatch(/GET/);
    }
  });
});
