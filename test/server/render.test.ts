// The render stage alone (no database, no HTTP): pages built as UTF-8 bytes that are exactly their
// text form, and streams in chunks of bounded size that join into one valid document, whatever the
// number of rows and batch sizes.
import { describe, expect, it } from 'vitest';
import { planRead } from '../../src/jsonapi/plan.js';
import { parseQuery } from '../../src/jsonapi/query.js';
import { BufferPool, ByteBuilder, CHUNK_BYTES, ChunkWriter } from '../../src/jsonapi/bytes.js';
import { CHUNK_CHARS, renderCsvStream, renderJsonStream, renderPage, renderPageBody } from '../../src/jsonapi/render.js';
import { loadResources } from '../../src/resources/loader.js';
import type { RowSet } from '../../src/db/reader.js';
import { expectValidJsonApi } from '../helpers/jsonapi.js';

const resource = loadResources().get('hltpathrates')!;
const plan = planRead(resource, parseQuery('filter[run_number][EQ]=319579&page[limit]=100000', resource, { defaultLimit: 100, maxLimit: 100_000 }), {});
const csvPlan = planRead(resource, parseQuery('filter[run_number][EQ]=319579&page[limit]=100000', resource, { defaultLimit: 100, maxLimit: 100_000 }), { representation: 'csv' });
const columns = plan.select.map((c) => c.column);
const urls = { baseUrl: 'http://127.0.0.1:8080/api/v1' };

/** n rows shaped like the view's; names of varying length (one with a quote and a non-ASCII letter). */
function rowsOf(n: number): unknown[][] {
  return Array.from({ length: n }, (_, i) =>
    columns.map((c) =>
      c === 'path_name'
        ? i % 97 === 5
          ? `HLT_"Δ"_${'x'.repeat(i % 40)}_v${i}`
          : `HLT_Path${i}_v1`
        : c === 'path_group'
          ? 'jet'
          : c === 'start_time'
            ? '2018-07-07T19:16:05Z'
            : c === 'rate'
              ? i / 7
              : i,
    ),
  );
}

const result = (rows: unknown[][]) => ({ rows: { columns, rows }, more: false, nextCursor: null, count: { value: rows.length, exact: true, method: 'exact' as const }, related: new Map() });

async function collect<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const c of gen) out.push(c);
  return out;
}

function streamOf(rows: unknown[][], batch: number) {
  const batches = async function* (): AsyncGenerator<RowSet> {
    for (let i = 0; i < rows.length; i += batch) yield { columns, rows: rows.slice(i, i + batch) };
  };
  return { batches: batches(), count: () => Promise.resolve(null), tail: () => ({ more: false, nextCursor: null, rows: rows.length }), close: async () => {} };
}

describe('render to bytes', () => {
  it.each([0, 1, 23, 4000])('a page of %i rows: UTF-8 bytes of exactly the text, one valid document', (n) => {
    const rows = rowsOf(n);
    const body = renderPageBody(plan, result(rows), urls);
    const text = renderPage(plan, result(rows), urls);
    expect(body.bytes.equals(Buffer.from(text))).toBe(true);
    body.release();
    const doc = JSON.parse(text);
    // the official schema's check costs seconds per thousand resources: the small pages cover it
    if (n <= 23) expectValidJsonApi(doc);
    expect(doc.data.map((d: { attributes: { path_name: string } }) => d.attributes.path_name)).toEqual(rows.map((r) => r[columns.indexOf('path_name')]));
  });

  it.each([
    [4000, 500],
    [4000, 7],
    [1, 1],
    [0, 5],
  ])('a page streamed in pooled chunks, %i rows in batches of %i: bounded chunks that are the page, byte for byte', async (n, batch) => {
    const rows = rowsOf(n);
    const out = new ChunkWriter();
    const chunks = await collect(renderJsonStream(plan, streamOf(rows, batch), urls, out));
    const streamed = Buffer.concat(chunks).toString('utf8');
    out.release();
    expect(JSON.parse(streamed).data).toEqual(JSON.parse(renderPage(plan, result(rows), urls)).data);
    // a chunk is at most one pooled buffer; each batch ends one, so small batches give many
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(CHUNK_BYTES);
    if (n === 4000 && batch === 7) expect(chunks.length).toBeGreaterThan(500);
    if (n === 4000 && batch === 500) expect(chunks.length).toBeGreaterThanOrEqual(8);
  });

  it.each([
    [4000, 500],
    [4000, 7],
    [1, 1],
    [0, 5],
  ])('an export streamed in string chunks, %i rows in batches of %i: bounded chunks that are the page, byte for byte', async (n, batch) => {
    const rows = rowsOf(n);
    const chunks = await collect(renderJsonStream(plan, streamOf(rows, batch), urls));
    const streamed = chunks.join('');
    expect(JSON.parse(streamed).data).toEqual(JSON.parse(renderPage(plan, result(rows), urls)).data);
    // a chunk ends with the row that took it past CHUNK_CHARS (rows re-serialised keep their length)
    const longestRow = Math.max(0, ...JSON.parse(streamed).data.map((d: unknown) => JSON.stringify(d).length));
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(CHUNK_CHARS + longestRow + 1);
    if (n === 4000) expect(chunks.length).toBeGreaterThan(10);
  });

  it('a chunk writer holds at most its bound of pooled buffers, and hands them back once', () => {
    const pool = new BufferPool(64 * 1024 * 1024, 64);
    const out = new ChunkWriter(pool, 2 * CHUNK_BYTES);
    const row = 'x'.repeat(1000);
    const chunks: Buffer[] = [];
    for (let i = 0; i < 1200; i++) {
      const full = out.write(row);
      if (full) chunks.push(full);
    }
    chunks.push(out.flush()!);
    expect(Buffer.concat(chunks).toString()).toBe(row.repeat(1200));
    expect(pool.stats().retainedBytes).toBe(0);
    out.release();
    out.release();
    // 1.2 MB written: the first two buffers were pooled, the rest were not
    expect(pool.stats().retainedBytes).toBe(2 * CHUNK_BYTES);
  });

  it('a streamed row larger than a chunk buffer arrives whole, multi-byte characters included', async () => {
    // 'µ' takes 2 bytes: the row's bytes exceed the chunk buffer while its characters do not
    const name = 'HLT_' + 'µ'.repeat(CHUNK_BYTES / 2);
    const long = rowsOf(3).map((r) => r.map((v, i) => (columns[i] === 'path_name' ? name : v)));
    const chunks = await collect(renderJsonStream(plan, streamOf(long, 2), urls, new ChunkWriter()));
    const doc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    expect(doc.data.map((d: { attributes: { path_name: string } }) => d.attributes.path_name)).toEqual([name, name, name]);
  });

  it('CSV streams every row once, in order, across chunk and batch boundaries', async () => {
    const rows = rowsOf(6000);
    const chunks = await collect(renderCsvStream(csvPlan, streamOf(rows, 333).batches));
    expect(chunks.length).toBeGreaterThan(5);
    const ids = chunks
      .join('')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(',')[columns.indexOf('path_id')]));
    expect(ids).toEqual(rows.map((r) => r[columns.indexOf('path_id')]));
  });

  it('writes multi-byte characters across buffer growth as UTF-8', () => {
    const pool = new BufferPool();
    const b = new ByteBuilder(pool, 8);
    const parts = ['{"a":"é', 'Δ€', '𝄞"}', '', 'x'.repeat(70_000), '€'.repeat(30_000)];
    for (const p of parts) b.write(p);
    expect(b.bytes().toString('utf8')).toBe(parts.join(''));
    b.release();
  });

  it('the pool hands a released buffer out again, and keeps no more than its bound', () => {
    const pool = new BufferPool(256 * 1024, 4);
    const a = pool.get(100_000);
    expect(a.length).toBe(128 * 1024);
    pool.release(a);
    expect(pool.get(70_000)).toBe(a);
    pool.release(Buffer.allocUnsafeSlow(128 * 1024));
    pool.release(Buffer.allocUnsafeSlow(128 * 1024));
    pool.release(Buffer.allocUnsafeSlow(128 * 1024));
    expect(pool.stats().retainedBytes).toBe(256 * 1024);
    pool.release(Buffer.allocUnsafeSlow(1000)); // not a size class: dropped
    expect(pool.stats().retainedBytes).toBe(256 * 1024);
  });
});
