// The round trip under faults: a small seeded omsagg behind a proxy that fails every 4th request
// (500, 503 with Retry-After, a connection dropped mid-body, an answer slower than the time limit);
// an import killed half-way (SIGKILL of a child process, and a stop after K pages in-process) and
// run again. Every path ends with the source's documents and the source's row counts: nothing lost,
// nothing twice.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/connection.js';
import { run as importCommand } from '../../src/import/command.js';
import { harvest, RESOURCES } from '../../src/import/harvest.js';
import { SourceClient } from '../../src/import/http.js';
import { prepareTarget, readCheckpoints } from '../../src/import/store.js';
import { comparisonQueries, emptyTarget, expectSameDocuments, injectOnly, serve, smallSeed, type Served, type Target } from './harness.js';
import { everyNth, faultyProxy } from './proxy.js';

const RUNS = '323841-323857';
const RUN_LIST = [323841, 323857];
const FILL = 7001;
/** small pages: many requests, so every fault occurs several times */
const FAST = ['--page-size', '250', '--rate', '0', '--backoff', '0.005', '--timeout', '0.5', '--retries', '5', '--quiet'];

/** Rows per base table for the runs (the tables the import writes). */
async function counts(url: string): Promise<Record<string, number>> {
  const db = await openDb(url, { readonly: true });
  try {
    const out: Record<string, number> = {};
    const perRun = [
      'runs',
      'lumisections',
      'hlt_path_counts',
      'hlt_path_run_summary',
      'l1_trigger_counts',
      'l1_algorithm_counts',
      'deadtimes_ls',
      'pixel_readings',
      'masked_roc_counts',
      'fed_error_counts',
      'fed_channel_status',
    ];
    for (const t of perRun) out[t] = Number(((await db.knex(t).whereIn('run_number', RUN_LIST).count({ n: '*' })) as { n: unknown }[])[0].n);
    // dimension tables whose every row some imported resource names (fed_error_types is not: codes
    // that never occurred appear in no resource, so an import cannot know them)
    for (const t of ['fills', 'hlt_paths', 'pixel_power_groups']) out[t] = Number(((await db.knex(t).count({ n: '*' })) as { n: unknown }[])[0].n);
    return out;
  } finally {
    await db.close();
  }
}

async function expectSameAsSource(source: Served, target: Target): Promise<void> {
  const dst = await injectOnly(target.url);
  try {
    await expectSameDocuments(source.app, dst.app, comparisonQueries(RUN_LIST, [FILL]));
  } finally {
    await dst.close();
  }
  const [a, b] = await Promise.all([counts(source.db.url), counts(target.url)]);
  expect(b).toEqual(a);
}

describe('import under faults', { timeout: 180_000 }, () => {
  let seed: Target;
  let source: Served;
  const targets: Target[] = [];
  const target = async () => {
    const t = await emptyTarget('sqlite');
    targets.push(t);
    return t;
  };

  beforeAll(async () => {
    seed = await smallSeed(6);
    source = await serve(seed.url);
  });
  afterAll(async () => {
    await source?.close();
    for (const t of [seed, ...targets]) await t?.cleanup();
  });

  it('retries 500, 503 + Retry-After, dropped connections and slow answers, and loses nothing', async () => {
    const proxy = await faultyProxy(source.base, { schedule: everyNth(4), slowMs: 1500, retryAfterSeconds: 0 });
    const t = await target();
    try {
      const code = await importCommand(['--from', proxy.base, '--runs', RUNS, '--db', t.url, ...FAST]);
      expect(code).toBe(0);
      // every kind of fault happened, more than once
      for (const f of ['500', '503', 'drop', 'slow'] as const) expect(proxy.stats[f], f).toBeGreaterThanOrEqual(2);
      await expectSameAsSource(source, t);
      // again, everything (--refresh) through the same faults: the same rows, none twice
      const before = proxy.stats.requests;
      expect(await importCommand(['--from', proxy.base, '--runs', RUNS, '--db', t.url, '--refresh', ...FAST])).toBe(0);
      expect(proxy.stats.requests).toBeGreaterThan(before + 20);
      const [a, b] = await Promise.all([counts(source.db.url), counts(t.url)]);
      expect(b).toEqual(a);
    } finally {
      await proxy.close();
    }
  });

  it('resumes after a stop half-way at the first page it had not committed', async () => {
    const t = await target();
    const client = new SourceClient({ ratePerSecond: 0, baseDelayMs: 5 });
    const db = await openDb(t.url);
    try {
      await prepareTarget(db);
      const opts = { source: source.base, selection: { runs: [323841, 323857] as [number, number] }, resources: RESOURCES, pageSize: 250, paging: 'auto' as const };
      const first = await harvest(db, client, { ...opts, stopAfterPages: 7 });
      expect(first.interrupted).toBe(true);
      expect(first.pages).toBe(7);
      const cps = await readCheckpoints(db);
      const running = [...cps.entries()].filter(([, c]) => c.state === 'running');
      expect(running.length).toBe(1);
      expect(decodeURIComponent(running[0][1].next!)).toMatch(/page\[cursor\]=[A-Za-z0-9_-]+/);
      const second = await harvest(db, client, opts);
      expect(second.interrupted).toBe(false);
      expect(second.units.filter((u) => u.status === 'failed')).toEqual([]);
      expect(second.units.filter((u) => u.reason === 'already imported').length).toBeGreaterThan(0);
      // the interrupted unit went on from its checkpoint: its rows are counted once over both runs
      const unit = running[0][0];
      const resumed = second.units.find((u) => u.unit === unit)!;
      const full = (await readCheckpoints(db)).get(unit)!;
      expect(full.state).toBe('done');
      expect(resumed.rows).toBe(full.rows);
      // no page fetched twice: both calls together received exactly what the units hold
      const all = [...(await readCheckpoints(db)).values()].reduce((s, c) => s + c.rows, 0);
      expect(first.rows + second.rows).toBe(all);
    } finally {
      client.close();
      await db.close();
    }
    await expectSameAsSource(source, t);
  });

  it('a killed import process (SIGKILL) is completed by running it again', async () => {
    // slow answers so that the kill lands in the middle
    const proxy = await faultyProxy(source.base, { schedule: () => 'ok', delayMs: 40 });
    const t = await target();
    try {
      const args = ['import', '--from', proxy.base, '--runs', RUNS, '--db', t.url, ...FAST];
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "import { main } from './src/cli.ts'; process.exitCode = await main(process.argv.slice(1));", ...args], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal ? -1 : _code)));
      // wait until it has fetched well into the run's resources, then kill it without warning
      const deadline = Date.now() + 45_000;
      while (proxy.stats.requests < 12 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGKILL');
      expect(await exited, stderr).toBe(-1);
      const killedAt = proxy.stats.requests;
      expect(killedAt).toBeGreaterThanOrEqual(12);
      const cps = await (async () => {
        const db = await openDb(t.url, { readonly: true });
        try {
          return await readCheckpoints(db);
        } finally {
          await db.close();
        }
      })();
      expect([...cps.values()].some((c) => c.state === 'done')).toBe(true);
      const unfinished = 2 * (RESOURCES.length - 1) + 1 - [...cps.values()].filter((c) => c.state === 'done').length;
      expect(unfinished).toBeGreaterThan(0);

      expect(await importCommand(['--from', proxy.base, '--runs', RUNS, '--db', t.url, ...FAST])).toBe(0);
      await expectSameAsSource(source, t);
    } finally {
      await proxy.close();
    }
  });
});
