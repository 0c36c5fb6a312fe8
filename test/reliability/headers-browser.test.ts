// The security headers do not break the pages: in Chromium, with the app's Content-Security-Policy,
// a probe page draws its Plotly plot and Swagger UI renders the API, with no CSP violation reported
// (securitypolicyviolation events) and no console error.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { testApp } from '../helpers/app.js';
import { testDatabase } from '../helpers/databases.js';

let db: Db;
let app: FastifyInstance;
let browser: Browser;
let base: string;

beforeAll(async () => {
  db = await openDb(testDatabase('sqlite').url, { readonly: true });
  // CORS origins configured: the CSP then names them as frame ancestors (the strictest page setup)
  app = await testApp(db, { env: { OMSAGG_CORS_ORIGINS: 'https://cmsoms.cern.ch' } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await db?.close();
});

async function open(url: string): Promise<{ page: Page; problems: () => Promise<string[]> }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  await page.addInitScript(() => {
    (window as unknown as { __csp: string[] }).__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const res = await page.goto(`${base}${url}`);
  expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
  return { page, problems: async () => [...errors, ...(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp))] };
}

async function until(page: Page, fn: () => boolean, problems: () => Promise<string[]>): Promise<void> {
  const t0 = Date.now();
  while (!(await page.evaluate(fn))) {
    if (Date.now() - t0 > 30_000) throw new Error(`not rendered in 30 s; problems: ${(await problems()).join('; ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('pages under the Content-Security-Policy in Chromium', () => {
  it('a probe page draws its Plotly plot', async () => {
    const { page, problems } = await open('/probes/hlt-rates');
    // polled from outside: waitForFunction would evaluate a string inside the page, which this CSP forbids
    await until(page, () => Number(document.getElementById('plot')?.dataset.drawn || 0) > 0, problems);
    expect(await page.$$eval('.js-plotly-plot .trace', (els) => els.length)).toBeGreaterThan(0);
    // hover and a relayout exercise Plotly's injected styles
    const box = await page.locator('.js-plotly-plot .nsewdrag').first().boundingBox();
    if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForTimeout(300);
    expect(await problems()).toEqual([]);
    await page.close();
  });

  it('Swagger UI renders the API', async () => {
    const { page, problems } = await open('/docs');
    await until(page, () => document.querySelectorAll('.swagger-ui .info .title').length > 0 && document.querySelectorAll('.opblock').length > 0, problems);
    expect(await page.$$eval('.opblock', (els) => els.length)).toBeGreaterThan(10);
    expect(await problems()).toEqual([]);
    await page.close();
  });
});
