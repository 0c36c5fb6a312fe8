// A short load round in the suite, behind OMSAGG_LOAD=1 (the figures come from `npm run bench:load`):
// `omsagg serve` on the demo, autocannon at 100 connections over resources, probes and CSV for a
// few seconds: zero errors and zero non-2xx answers, and the server's RSS after two rounds printed.
import { afterAll, describe, expect, it } from 'vitest';
import { formatRound, loadRound } from '../../bench/lib/load.js';
import { testDatabase } from '../helpers/databases.js';
import { startServe, type ServeProcess } from './serve-process.js';

const ON = process.env.OMSAGG_LOAD === '1';
const SECONDS = Number(process.env.OMSAGG_LOAD_SECONDS ?? 4);

describe.skipIf(!ON)('load (OMSAGG_LOAD=1)', () => {
  let serve: ServeProcess | undefined;
  afterAll(() => serve?.kill());

  it('100 connections over a mix of resources, probes and CSV: no errors', async () => {
    serve = await startServe({ OMSAGG_DB: testDatabase('sqlite').url });
    const runs = (await (await fetch(`${serve.base}/api/v1/runs?sort=-run_number&page[limit]=1`)).json()) as { data: { id: string }[] };
    const run = Number(runs.data[0].id);
    for (const round of [1, 2]) {
      const r = await loadRound(serve.base, serve.child.pid!, { round, seconds: SECONDS, connections: 100, run });
      process.stderr.write(`[load] ${formatRound(r)}\n`);
      expect(r.requests).toBeGreaterThan(0);
      expect(r.errors + r.non2xx).toBe(0);
    }
    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
  }, 120_000);
});
