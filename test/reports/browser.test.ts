// Reports in a real browser (Debian's Chromium through playwright-core), served by the app's
// /reports route: every figure drawn with the bundled Plotly and no console error; the PDF from
// Chromium's printToPDF has every page (each section that starts a page, as many pages as its
// printed height needs); the index pages lead to the reports; a probe page links to the reports
// of its run's day. Screenshots in test-output/screenshots/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppPlugin } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDb, type Db } from '../../src/db/connection.js';
import { probesPlugin } from '../../src/probes/plugin.js';
import { loadProbes } from '../../src/probes/registry.js';
import { openCatalog } from '../../src/reports/data.js';
import { defaultDefinitionsDir, loadDefinitions } from '../../src/reports/definitions.js';
import { runReportJob } from '../../src/reports/job.js';
import { makePeriod } from '../../src/reports/period.js';
import { reportsPlugin } from '../../src/reports/plugin.js';
import { webPlugin } from '../../src/web/plugin.js';
import { writableSqliteCopy, type WritableDatabase } from '../helpers/databases.js';

const SHOTS = path.resolve('test-output/screenshots');
const ONLY = ['pixel-currents', 'fed-errors'];
const RUN = 323940;

let w: WritableDatabase;
let db: Db;
let root: string;
let app: FastifyInstance;
let base: string;
let browser: Browser;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  w = await writableSqliteCopy();
  const rw = await openDb(w.url);
  const catalog = openCatalog(rw);
  const probes = await loadProbes();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-browser-'));
  await runReportJob({
    db: rw,
    catalog,
    probes,
    definitions: loadDefinitions(defaultDefinitionsDir(), catalog, probes).filter((d) => ONLY.includes(d.id)),
    periods: [makePeriod(new Date('2018-09-30T00:00:00Z'), 86400)],
    root,
    baseUrl: 'http://127.0.0.1/reports',
    notify: false,
  });
  await rw.close();
  db = await openDb(w.url, { readonly: true });
  const reports: AppPlugin = (async (a, o) => reportsPlugin(a, { ...o, root })) as AppPlugin;
  app = await buildApp(loadConfig({ OMSAGG_DB: w.url, LOG_LEVEL: 'silent' }), {
    db,
    logger: false,
    plugins: [probesPlugin, webPlugin, reports],
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await db?.close();
  await w?.cleanup();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

async function open(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  await page.goto(url);
  return { page, errors };
}

describe.each(ONLY)('the %s report in Chromium', (id) => {
  it('draws every figure without a console error, and its PDF has every page', async () => {
    const { page, errors } = await open(`${base}/reports/${id}/2018-09-29/index.html`);
    await page.waitForSelector('body[data-plots-drawn]', { timeout: 60_000 });
    const figures = await page.locator('script.figure-data').count();
    expect(figures).toBeGreaterThanOrEqual(id === 'pixel-currents' ? 3 : 2);
    expect(await page.getAttribute('body', 'data-plots-drawn')).toBe(String(figures));
    // each figure: a Plotly SVG with as many traces as its figure has
    const drawn = await page.evaluate(() =>
      [...document.querySelectorAll('script.figure-data')].map((s) => {
        const el = document.getElementById(`plot-${s.getAttribute('data-for')}`) as (HTMLElement & { data?: unknown[] }) | null;
        return { want: (JSON.parse(s.textContent!) as { data: unknown[] }).data.length, traces: el?.data?.length ?? 0, svg: !!el?.querySelector('.main-svg') };
      }),
    );
    for (const d of drawn) expect(d).toEqual({ want: d.want, traces: d.want, svg: true });
    expect(drawn.every((d) => d.want > 0)).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, `report-${id}.png`), fullPage: true });
    expect(errors).toEqual([]);

    // print: sections start pages; each needs ceil(printed height / page height) pages (A4, 12 mm margins)
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: Math.round((186 / 25.4) * 96), height: Math.round((273 / 25.4) * 96) });
    const sections = await page.evaluate(() => [...document.querySelectorAll('main > section')].map((s) => s.getBoundingClientRect().height));
    const pageHeight = (273 / 25.4) * 96;
    const expected = sections.reduce((n, h) => n + Math.max(1, Math.ceil(h / pageHeight)), 0);
    expect(sections.length).toBe(figures + 3); // summary, checks, figures, data
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    fs.writeFileSync(path.join(SHOTS, `report-${id}.pdf`), pdf);
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g)?.length ?? 0;
    expect(pages).toBe(expected);
    await page.close();
  }, 90_000);
});

describe('the report repository in Chromium', () => {
  it('the index pages lead to the reports', async () => {
    const { page, errors } = await open(`${base}/reports`);
    expect(await page.title()).toBe('All reports · omsagg reports');
    await page.click('a[href="pixel-currents/2018-09-29/index.html"]');
    await page.waitForSelector('body[data-plots-drawn]', { timeout: 60_000 });
    expect(page.url()).toBe(`${base}/reports/pixel-currents/2018-09-29/index.html`);
    await page.click('header a[href="../../RECENT_WITH_ALM.html"]');
    expect(await page.locator('tr[data-report]').count()).toBe(2); // both reports of the day have alarms
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("a probe page links to the reports of its run's day", async () => {
    const { page, errors } = await open(`${base}/probes/fed-errors?run_number=${RUN}`);
    const link = page.locator(`a[href="/reports/run/${RUN}"]`);
    await link.waitFor({ timeout: 60_000 });
    await link.click();
    await page.waitForSelector('h1');
    expect(await page.textContent('h1')).toBe('Reports of 2018-09-29');
    await page.click('a[href="../fed-errors/2018-09-29/index.html"]');
    await page.waitForSelector('body[data-plots-drawn]', { timeout: 60_000 });
    expect(page.url()).toBe(`${base}/reports/fed-errors/2018-09-29/index.html`);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
