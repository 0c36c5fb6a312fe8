// npm run bench:render — the JSON renderer alone, without database or HTTP: CPU time to render a
// 3 168-row page of hltpathrates (one HLT path over run 319579 as the comparison scenario asks it)
// and a 200 000-row stream, each as the socket receives it (chunks measured with Buffer.byteLength,
// which flattens them as the socket does); and a 100-row page built
// whole, three ways: one string handed to the socket (measured for Content-Length, then encoded:
// Fastify's path for a string body), one string encoded once into a Buffer, or written row by row
// into a pooled buffer (what the routes send). Rows are synthetic but shaped like the view's; the
// output is the full OMS envelope. Prints the median of --repeat runs. CI does not run it.
import { parseArgs } from 'node:util';
import { planRead } from '../src/jsonapi/plan.js';
import { parseQuery } from '../src/jsonapi/query.js';
import { renderJsonStream, renderPage, renderPageBody } from '../src/jsonapi/render.js';
import { loadResources } from '../src/resources/loader.js';

const { values } = parseArgs({ options: { repeat: { type: 'string', default: '5' } } });
const repeat = Math.max(1, Number(values.repeat));
const resource = loadResources().get('hltpathrates')!;
const plan = planRead(resource, parseQuery('filter[run_number][EQ]=319579&page[limit]=1000000', resource, { defaultLimit: 100, maxLimit: 1_000_000 }), {});
const columns = plan.select.map((c) => c.column);

function rowsOf(n: number): unknown[][] {
  const text: Record<string, string> = { path_name: 'HLT_AK4CaloJet100_v5', path_group: 'jet', start_time: '2018-07-07T19:16:05Z' };
  return Array.from({ length: n }, (_, i) => columns.map((c) => text[c] ?? (c === 'rate' ? 3.5607 + i / 7 : 319579 + (i % 3168))));
}

async function render(rows: unknown[][], batch: number): Promise<{ cpuMs: number; bytes: number }> {
  const batches = async function* () {
    for (let i = 0; i < rows.length; i += batch) yield { columns, rows: rows.slice(i, i + batch) };
  };
  const stream = { batches: batches(), count: () => Promise.resolve(null), tail: () => ({ more: false, nextCursor: null, rows: rows.length }), close: async () => {} };
  const t0 = process.cpuUsage();
  let bytes = 0;
  for await (const chunk of renderJsonStream(plan, stream, { baseUrl: 'http://127.0.0.1:8080/api/v1' })) bytes += Buffer.byteLength(chunk);
  const t = process.cpuUsage(t0);
  return { cpuMs: (t.user + t.system) / 1000, bytes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [title, n, batch] of [
  ['3 168-row page', 3168, 5000],
  ['200 000-row stream (5 000-row batches)', 200_000, 5000],
] as const) {
  const rows = rowsOf(n);
  await render(rows, batch); // warm-up: compiles the row writer
  const runs: { cpuMs: number; bytes: number }[] = [];
  for (let i = 0; i < repeat; i++) runs.push(await render(rows, batch));
  const ms = median(runs.map((r) => r.cpuMs));
  console.log(`${title}: ${ms.toFixed(1)} ms CPU (median of ${repeat}), ${(runs[0].bytes / 1e6).toFixed(1)} MB, ${Math.round(n / (ms / 1000)).toLocaleString('en')} rows per CPU second`);
}

// a page built whole, then prepared for the socket three ways
const pageRows = rowsOf(100);
const pageResult = { rows: { columns, rows: pageRows }, more: true, nextCursor: null, count: { value: 163_080, exact: true, method: 'exact' as const }, related: new Map() };
const urls = { baseUrl: 'http://127.0.0.1:8080/api/v1' };
const ways: [string, () => number][] = [
  [
    'one string, sent as a string (byteLength, then encoded by the socket)',
    () => {
      const text = renderPage(plan, pageResult, urls);
      return Buffer.byteLength(text) + Buffer.from(text).length;
    },
  ],
  ['one string, encoded once to a Buffer', () => Buffer.from(renderPage(plan, pageResult, urls)).length],
  [
    'written row by row into a pooled buffer (what the routes send)',
    () => {
      const body = renderPageBody(plan, pageResult, urls);
      const n = body.bytes.length;
      body.release();
      return n;
    },
  ],
];
for (const [title, send] of ways) {
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = process.cpuUsage();
    for (let k = 0; k < 200; k++) send();
    const t = process.cpuUsage(t0);
    times.push((t.user + t.system) / 1000 / 200);
  }
  console.log(`100-row page built whole, ${title}: ${median(times).toFixed(3)} ms CPU per page (median of ${repeat})`);
}
