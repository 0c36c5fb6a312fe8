// `omsagg serve` as a real process: listens, answers, opens the database read-only, stops cleanly
// on SIGTERM; bad configuration and bad resource files stop it with a clear message.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteFixture, type Fixture } from './fixture.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtureResources = path.join(root, 'test/server/fixtures/resources');

function omsagg(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "import { main } from './src/cli.ts'; process.exitCode = await main(process.argv.slice(1));", ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

describe('omsagg serve', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await sqliteFixture();
  });
  afterAll(async () => fx?.cleanup());

  it('serves, logs structured lines, and shuts down on SIGTERM', async () => {
    const p = omsagg(['serve', '--port', '0', '--resources', fixtureResources], { OMSAGG_DB: fx.url, LOG_LEVEL: 'info' });
    let base = '';
    for (let i = 0; i < 300 && !base; i++) {
      const m = /"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/.exec(p.output());
      if (m) base = m[1];
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(base, p.output()).not.toBe('');
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    const runs = await fetch(`${base}/agg/api//v1/runs/?filter[run_number][EQ]=315000`);
    expect(runs.status).toBe(200);
    expect(runs.headers.get('content-type')).toContain('application/vnd.api+json');
    expect((await runs.json()).data[0].id).toBe('315000');
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.output()).toContain('"signal":"SIGTERM"');
  });

  it('stops with a clear message on bad configuration', async () => {
    const p = omsagg(['serve', '--port', 'eighty'], { OMSAGG_DB: fx.url });
    expect(await p.exited).toBe(2);
    expect(p.output()).toContain("PORT='eighty' must be a whole number");
  });

  it('stops naming the file and field of a bad resource file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-badres-'));
    fs.writeFileSync(path.join(dir, 'runs.yaml'), 'type: runs\ntitle: Runs\nid: [run_number]\nattributes:\n  run_number: { type: integer }\n');
    const p = omsagg(['serve', '--port', '0', '--resources', dir], { OMSAGG_DB: fx.url });
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain("resource file runs.yaml: field 'attributes.run_number.unit'");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
