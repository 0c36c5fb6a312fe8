// The command's guard rails: a dry run fetches only the run list and writes nothing; a database
// holding the synthetic seed and the embedded demo file are refused; bad options are clear errors.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as importCommand } from '../../src/import/command.js';
import { writableSqliteCopy, type WritableDatabase } from '../helpers/databases.js';
import { emptyTarget, serve, smallSeed, type Served, type Target } from './harness.js';

async function capture(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const e = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await importCommand(args), out: out.join('\n'), err: err.join('\n') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('omsagg import', () => {
  let seed: Target;
  let source: Served;
  beforeAll(async () => {
    seed = await smallSeed(3);
    source = await serve(seed.url);
  });
  afterAll(async () => {
    await source?.close();
    await seed?.cleanup();
  });

  it('dry run: lists the units and their first request, and creates nothing', async () => {
    const t = await emptyTarget('sqlite');
    try {
      const r = await capture(['--from', source.base, '--runs', '323841-323857', '--db', t.url, '--dry-run', '--resources', 'lumisections,hltpathrates']);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/dry run: 2 runs; 6 of 6 units would be fetched/);
      expect(r.out).toMatch(
        /hltpathrates:323857 +fetch +http:\/\/127\.0\.0\.1:\d+\/api\/v1\/hltpathrates\?filter\[run_number\]\[EQ\]=323857&group\[granularity\]=lumisection&page\[limit\]=1000&page\[cursor\]=/,
      );
      expect(fs.existsSync(t.url.slice('sqlite:'.length))).toBe(false);
      // after an import, the dry run says what would be skipped
      expect((await capture(['--from', source.base, '--runs', '323841', '--db', t.url, '--resources', 'lumisections', '--quiet', '--rate', '0'])).code).toBe(0);
      const again = await capture(['--from', source.base, '--runs', '323841-323857', '--db', t.url, '--dry-run', '--resources', 'lumisections']);
      expect(again.out).toMatch(/lumisections:323841 +skip: already imported/);
      expect(again.out).toMatch(/lumisections:323857 +fetch/);
      // the incremental cursor: runs from the latest one imported from this source on
      const since = await capture(['--from', source.base, '--since', 'last', '--db', t.url, '--dry-run', '--resources', 'lumisections']);
      expect(since.code, since.err).toBe(0);
      expect(since.out).toMatch(/lumisections:323841 +skip: already imported/);
      expect(since.out).toMatch(/dry run: 2 runs/);
      // by fill: the runs of fill 7001
      const fills = await capture(['--from', source.base, '--fills', '7001', '--db', t.url, '--dry-run', '--resources', 'fills']);
      expect(fills.out).toMatch(/dry run: 2 runs/);
      expect(fills.out).toMatch(/fills:7001 +fetch +\S+\/fills\?filter\[fill_number\]\[EQ\]=7001&/);
    } finally {
      await t.cleanup();
    }
  });

  it('refuses a database that holds the synthetic seed, and the embedded demo file', async () => {
    let copy: WritableDatabase | undefined;
    try {
      copy = await writableSqliteCopy();
      const r = await capture(['--from', source.base, '--runs', '323841', '--db', copy.url, '--quiet']);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/seeded_database: the database holds the synthetic demo seed 2018/);
      const d = await capture(['--from', source.base, '--runs', '323841', '--db', 'sqlite:data/omsagg.sqlite']);
      expect(d.code).toBe(2);
      expect(d.err).toMatch(/embedded_demo/);
    } finally {
      await copy?.cleanup();
    }
  });

  it('explains bad options', async () => {
    const cases: [string[], RegExp][] = [
      [['--runs', '1'], /--from URL is required/],
      [['--from', 'ftp://x', '--runs', '1'], /not an http\(s\) URL/],
      [['--from', 'http://h/api/v1'], /choose what to import/],
      [['--from', 'http://h/api/v1', '--runs', '9-3'], /the range is empty/],
      [['--from', 'http://h/api/v1', '--runs', '1', '--resources', 'runs,bogus'], /unknown bogus/],
      [['--from', 'http://h/api/v1', '--runs', '1', '--page-size', '0'], /--page-size must be a positive number/],
      [['--from', 'http://h/api/v1', '--runs', '1', '--paging', 'random'], /--paging must be auto, offset or cursor/],
      [['--from', 'http://u:p@h/api/v1', '--runs', '1'], /must not carry credentials/],
      [['--from', 'http://h/api/v1', '--since', 'tomorrow', '--db', 'sqlite:/tmp/omsagg-import-never.sqlite', '--dry-run'], /is not a datetime/],
    ];
    for (const [args, re] of cases) {
      const r = await capture(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(re);
    }
  });
});
