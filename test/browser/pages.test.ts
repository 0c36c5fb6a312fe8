// The built-in page in a real browser: Debian's Chromium through playwright-core against the app
// listening on 127.0.0.1 (ephemeral port). Opens the index and every probe page, waits for the plot,
// checks traces were drawn and the console stayed clean, drives the form, and writes screenshots to
// test-output/screenshots/ (look at them).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDb, type Db } from '../../src/db/connection.js';
import { loadProbes } from '../../src/probes/registry.js';
import { defaultPlugins } from '../../src/server/plugins.js';
import { PLOTLY_URL } from '../../src/web/plugin.js';
import { run as scoreCommand } from '../../src/anomaly/commands/score.js';
import { writableSqliteCopy, type WritableDatabase } from '../helpers/databases.js';

const SHOTS = path.resolve('test-output/screenshots');
// every probe of the registry: a new probe file is opened here without any edit
const PROBES = (await loadProbes()).list().map((p) => p.id);

let w: WritableDatabase;
let db: Db;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let latestRun: number;
let firstRun: number;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  w = await writableSqliteCopy();
  const rw = await openDb(w.url);
  latestRun = Number((await rw.knex('v_runs').max({ r: 'run_number' }).first())!.r);
  firstRun = Number((await rw.knex('v_hltpathrates').min({ r: 'run_number' }).first())!.r);
  // the latest run is "ongoing" in this copy, so its pages refresh themselves
  await rw.knex('runs').where('run_number', latestRun).update({ end_time: null });
  await rw.close();
  // real anomaly scores for the latest run (omsagg score), so the anomaly page and spans render
  const code = await scoreCommand(['--db', w.url, '--runs', `${latestRun}-${latestRun}`]);
  expect(code).toBe(0);
  db = await openDb(w.url);
  app = await buildApp(loadConfig({ OMSAGG_DB: w.url, LOG_LEVEL: 'silent' }), {
    db,
    logger: false,
    plugins: await defaultPlugins(),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address() as { port: number };
  base = `http://127.0.0.1:${addr.port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await db?.close();
  await w?.cleanup();
});

interface Watched {
  page: Page;
  errors: string[];
}

async function open(url: string): Promise<Watched> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}${url}`);
  return { page, errors };
}

/** Polls an expression from outside the page: waitForFunction evaluates a string inside it, which
 *  the server's Content-Security-Policy (no 'unsafe-eval') forbids. */
async function until(page: Page, expr: string, timeoutMs = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!(await page.evaluate(expr))) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function drawn(page: Page, after = 0): Promise<number> {
  await until(page, `Number(document.getElementById('plot').dataset.drawn || 0) > ${after}`);
  return Number(await page.evaluate(`document.getElementById('plot').dataset.drawn`));
}

describe('the landing page in Chromium', () => {
  it('says what the server is and every link on it works', async () => {
    const { page, errors } = await open('/');
    expect(await page.textContent('h1')).toBe('omsagg');
    const hrefs = [...new Set(await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href)))];
    expect(hrefs.length).toBeGreaterThan(10);
    for (const h of hrefs) expect((await page.request.get(h)).status(), h).toBe(200);
    for (const must of ['/api/v1', '/probes', '/reports/', '/docs']) expect(hrefs).toContain(`${base}${must}`);
    await page.screenshot({ path: path.join(SHOTS, 'landing.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the built-in probe page in Chromium', () => {
  it('serves plotly.js at a versioned URL with immutable caching', async () => {
    const res = await fetch(`${base}${PLOTLY_URL}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(PLOTLY_URL).toMatch(/plotly-\d+\.\d+\.\d+\.min\.js$/);
  });

  it('index lists every probe with title and description', async () => {
    const { page, errors } = await open('/probes');
    const cards = await page.$$eval('.card h2', (els) => els.map((e) => e.textContent));
    expect(cards).toHaveLength(PROBES.length);
    await page.screenshot({ path: path.join(SHOTS, 'index.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it.each(PROBES)('%s page draws its plot with no console errors', async (id) => {
    const { page, errors } = await open(`/probes/${id}`);
    await drawn(page);
    const traces = Number(await page.evaluate(`document.getElementById('plot').data.length`));
    expect(traces).toBeGreaterThan(0);
    const svgTraces = await page.$$eval('.js-plotly-plot .trace, .js-plotly-plot .hm', (els) => els.length);
    expect(svgTraces).toBeGreaterThan(0);
    expect(await page.textContent('#status')).not.toMatch(/error|not found|invalid/i);
    // every axis title carries its unit where the plot object has one
    const titles = await page.$$eval('.g-xtitle, .g-ytitle, .g-y2title', (els) => els.map((e) => e.textContent ?? ''));
    expect(titles.every((t) => t.length > 0)).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, `${id}.png`), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('changing a parameter through the form redraws the plot and keeps the state in the URL', async () => {
    const { page, errors } = await open('/probes/hlt-rates');
    const first = await drawn(page);
    expect(await page.evaluate(`document.getElementById('plot').layout.title.text`)).toContain(String(latestRun));
    await page.selectOption('#p-scale', 'log');
    await page.fill('#p-run_number', String(firstRun));
    await page.click('#update');
    await drawn(page, first);
    expect(page.url()).toContain('scale=log');
    expect(page.url()).toContain(`run_number=${firstRun}`);
    expect(await page.evaluate(`document.getElementById('plot').layout.yaxis.type`)).toBe('log');
    expect(await page.evaluate(`document.getElementById('plot').layout.title.text`)).toContain(String(firstRun));
    await page.screenshot({ path: path.join(SHOTS, 'hlt-rates-changed.png'), fullPage: true });
    // the shared URL reproduces the view
    const shared = await open(new URL(page.url()).pathname + new URL(page.url()).search);
    await drawn(shared.page);
    expect(await shared.page.evaluate(`document.getElementById('plot').layout.yaxis.type`)).toBe('log');
    expect(await shared.page.inputValue('#p-run_number')).toBe(String(firstRun));
    expect(errors).toEqual([]);
    expect(shared.errors).toEqual([]);
    await shared.page.close();
    await page.close();
  });

  it('shows a bad parameter as a clear error on the form', async () => {
    const { page, errors } = await open('/probes/hlt-rates?run_number=abc');
    await page.waitForSelector('#status.error');
    expect(await page.textContent('#status')).toMatch(/run_number/);
    expect(await page.getAttribute('#p-run_number', 'aria-invalid')).toBe('true');
    // the only console error is the browser's note about the 400 response
    expect(errors.every((e) => /status of 400/.test(e))).toBe(true);
    await page.close();
  });

  it('refreshes by itself while the run is ongoing', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.clock.install();
    let requests = 0;
    page.on('request', (r) => {
      if (r.url().includes('/probes/trigger-rates/plotly')) requests++;
    });
    await page.goto(`${base}/probes/trigger-rates?run_number=${latestRun}`);
    await drawn(page);
    expect(await page.textContent('#status')).toMatch(/Live/);
    const before = requests;
    await page.clock.fastForward(31_000);
    await until(page, `Number(document.getElementById('plot').dataset.drawn) > 1`);
    expect(requests).toBeGreaterThan(before);
    await page.close();
  });
});
