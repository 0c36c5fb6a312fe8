// The harness's own checks: rows counted on arrival (no silent truncation goes unnoticed) and the
// options. Run with `npx vitest run --config bench/vitest.config.ts` (not part of npm test / CI).
import { describe, expect, it } from 'vitest';
import { CsvRowCounter, JsonRowCounter } from '../lib/http.js';
import { parseOptions } from '../lib/options.js';

/** Feeds text in chunks of random sizes (splitting multi-byte characters and tokens). */
function feed(counter: { push(b: Buffer): void; rows(): number }, text: string, seed = 1): number {
  const buf = Buffer.from(text, 'utf8');
  let x = seed;
  for (let i = 0; i < buf.length;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const n = 1 + (x % 17);
    counter.push(buf.subarray(i, i + n));
    i += n;
  }
  return counter.rows();
}

describe('CsvRowCounter', () => {
  it('counts data rows, not the header, quoted newlines or a missing final newline', () => {
    const csv = 'a,b\n1,"x\ny"\n2,"say ""hi"",\nok"\n3,z';
    for (let seed = 1; seed < 20; seed++) expect(feed(new CsvRowCounter(), csv, seed)).toBe(3);
    expect(feed(new CsvRowCounter(), 'a,b\n')).toBe(0);
    expect(feed(new CsvRowCounter(), '')).toBe(0);
  });
});

describe('JsonRowCounter', () => {
  const doc = {
    links: { data: [{ x: 1 }] },
    data: Array.from({ length: 57 }, (_, i) => ({ id: `${i}`, type: 't', attributes: { s: 'a "quoted" ] } [ { string \\', n: [1, { y: 2 }] }, links: { self: 'u' } })),
    meta: { totalResourceCount: 57, data: [{}] },
  };
  it('counts the objects of the top-level "data" array of a JSON:API document, whatever the chunking', () => {
    const text = JSON.stringify(doc);
    for (let seed = 1; seed < 20; seed++) expect(feed(new JsonRowCounter('data'), text, seed)).toBe(57);
    expect(feed(new JsonRowCounter('data'), JSON.stringify({ data: [], meta: {} }))).toBe(0);
  });
  it('counts the elements of a top-level array (Platformatic)', () => {
    expect(feed(new JsonRowCounter('array'), JSON.stringify(doc.data))).toBe(57);
  });
  it('stops at a truncated document without counting past it', () => {
    const text = JSON.stringify(doc);
    const cut = text.slice(0, text.indexOf('"id":"30"'));
    expect(feed(new JsonRowCounter('data'), cut)).toBe(31);
  });
});

describe('options', () => {
  it('defaults and the quick mode', () => {
    const o = parseOptions([], {}, '/repo');
    if (o === 'help') throw new Error('help');
    expect(o).toMatchObject({
      dbs: ['sqlite'],
      scale: 'month',
      duration: 10,
      rounds: 2,
      connections: 10,
      exportRows: 1_000_000,
      dataDir: '/repo/data/bench',
      targets: ['omsagg', 'platformatic', 'bare'],
    });
    const q = parseOptions(['--quick', '--db', 'both', '--data-dir', '/d'], { OMSAGG_BENCH_DATA: '/ignored' }, '/repo');
    if (q === 'help') throw new Error('help');
    expect(q).toMatchObject({ dbs: ['sqlite', 'postgres'], duration: 2, rounds: 1, exportRows: 100_000, shapes: 'first', dataDir: '/d' });
    expect(parseOptions([], { OMSAGG_BENCH_DATA: '/env' }, '/repo')).toMatchObject({ dataDir: '/env' });
  });
  it('rejects bad values', () => {
    expect(() => parseOptions(['--db', 'oracle'])).toThrow(/--db/);
    expect(() => parseOptions(['--targets', 'bare'])).toThrow(/omsagg/);
    expect(() => parseOptions(['--server-core', '1'])).toThrow(/differ/);
    expect(() => parseOptions(['--bogus'])).toThrow();
  });
});
