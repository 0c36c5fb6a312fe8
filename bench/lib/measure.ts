// One measurement: autocannon for a fixed time against one server (load scenarios), one streamed
// request with its rows counted (exports), or /health and a 100-row page under an export and a slow
// query. Peak memory of the server and of its children is taken during each.
import http from 'node:http';
import autocannon from 'autocannon';
import { CsvRowCounter, fetchText, JsonRowCounter, streamRows, type StreamResult } from './http.js';
import { cpuSeconds, sampleMemory, sleep, type Peak } from './proc.js';
import type { CounterKind, ExportScenario, HealthScenario, LoadScenario } from './scenarios.js';
import type { Running } from './targets.js';

export interface LoadFigures {
  /** completed 2xx responses per second */
  rps: number;
  p50: number;
  p99: number;
  max: number;
  bytesPerSec: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface Measurement {
  scenario: string;
  target: string;
  round: number;
  peak: Peak;
  load?: LoadFigures;
  /** comparisons: CPU milliseconds of the server (all threads and child processes) per completed 2xx response */
  cpuMsPerRequest?: number;
  export?: StreamResult & { expected: number; rowsPerSec: number };
  health?: { health: LoadFigures; page: LoadFigures; slowQueries: number[]; exportRan: StreamResult; exportCoveredMs: number };
  /** not measured: why (e.g. the first request did not answer within the limit) */
  skipped?: string;
}

/** A load figure for a scenario that was not measured (counts as not answered). */
export function unanswered(): LoadFigures {
  return { rps: 0, p50: NaN, p99: Infinity, max: Infinity, bytesPerSec: 0, ok: 0, non2xx: 0, errors: 0, timeouts: 1 };
}

export async function cannon(base: string, path: string, connections: number, durationS: number, timeoutS: number): Promise<LoadFigures> {
  const r = await autocannon({ url: base + path, connections, duration: durationS, timeout: timeoutS, pipelining: 1 });
  const ok = r['2xx'];
  const seconds = Math.max(r.duration, 1e-9);
  const lat = r.latency as unknown as Record<string, number>;
  return {
    rps: ok / seconds,
    p50: lat.p50,
    p99: lat.p99,
    max: lat.max,
    bytesPerSec: r.throughput.total / seconds,
    ok,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] : NaN);

/**
 * Closed-loop latency: `connections` clients, each sending the next request when the previous one
 * has answered, for `durationS`; the request in flight when the time is up is still awaited (up to
 * timeoutS) and counted, so a server that blocks shows as a long latency, not as no data.
 */
export async function latencyLoop(base: string, path: string, connections: number, durationS: number, timeoutS: number): Promise<LoadFigures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const lat: number[] = [];
  let bytes = 0;
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  const t0 = performance.now();
  const end = t0 + durationS * 1000;
  const one = () =>
    new Promise<void>((resolve) => {
      const s = performance.now();
      const req = http.get(base + path, { agent, timeout: timeoutS * 1000 }, (res) => {
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) lat.push(performance.now() - s);
          else non2xx++;
          resolve();
        });
        res.on('error', () => (errors++, resolve()));
      });
      req.on('timeout', () => (timeouts++, req.destroy(new Error('timeout'))));
      req.on('error', () => {
        errors++;
        resolve();
      });
    });
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) await one();
    }),
  );
  agent.destroy();
  const seconds = (performance.now() - t0) / 1000;
  const sorted = [...lat].sort((a, b) => a - b);
  return {
    rps: lat.length / seconds,
    p50: pct(sorted, 0.5),
    p99: pct(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? NaN,
    bytesPerSec: bytes / seconds,
    ok: lat.length,
    non2xx,
    errors: errors - timeouts,
    timeouts,
  };
}

function counter(kind: CounterKind) {
  return kind === 'csv' ? new CsvRowCounter() : new JsonRowCounter(kind);
}

/** Waits until the server answers its idle path within 1 s (an abandoned slow request may still run). */
export async function waitIdle(t: Running, maxMs = 600_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    try {
      const r = await fetchText(t.base + t.idlePath, 1000);
      if (r.status === 200 && r.ms < 1000) return Date.now() - t0;
    } catch {
      /* busy */
    }
    if (Date.now() - t0 > maxMs) throw new Error(`${t.name} still busy after ${maxMs / 1000} s`);
    await sleep(500);
  }
}

export async function measureLoad(s: LoadScenario, t: Running, round: number, durationS: number, timeoutS: number): Promise<Measurement> {
  const mem = sampleMemory(t.pid);
  // throughput comparisons: autocannon; latency scenarios (pages, probes): the closed loop
  if (s.group !== 'compare') return { scenario: s.id, target: t.target, round, peak: mem.stop(), load: await latencyLoop(t.base, s.paths[t.target]!, s.connections, durationS, timeoutS) };
  // CPU time counts only what the server itself ran: less swayed than req/s by a neighbour taking the core
  const cpu0 = cpuSeconds(t.pid);
  const load = await cannon(t.base, s.paths[t.target]!, s.connections, durationS, timeoutS);
  const cpuMsPerRequest = load.ok > 0 ? ((cpuSeconds(t.pid) - cpu0) * 1000) / load.ok : NaN;
  return { scenario: s.id, target: t.target, round, peak: mem.stop(), load, cpuMsPerRequest };
}

export async function measureExport(s: ExportScenario, t: Running, round: number, timeoutS: number): Promise<Measurement> {
  const spec = s.paths[t.target]!;
  const mem = sampleMemory(t.pid);
  const r = await streamRows(t.base + spec.path, counter(spec.counter), timeoutS * 1000);
  return { scenario: s.id, target: t.target, round, peak: mem.stop(), export: { ...r, expected: s.expectRows, rowsPerSec: r.rows / (r.ms / 1000) } };
}

export async function measureHealth(s: HealthScenario, t: Running, round: number, durationS: number, timeoutS: number): Promise<Measurement> {
  const mem = sampleMemory(t.pid);
  const stop = new AbortController();
  const exporting = streamRows(t.base + s.exportPath, new CsvRowCounter(), timeoutS * 1000, stop.signal);
  let exportEnded = 0;
  void exporting.then(() => (exportEnded = performance.now()));
  // the slow query, back to back on one connection
  const slowQueries: number[] = [];
  let slowing = true;
  const discard = { push: () => {}, rows: () => 0 };
  const slowLoop = (async () => {
    while (slowing) {
      const r = await streamRows(t.base + s.slowPath, discard, timeoutS * 1000, stop.signal);
      if (r.error || r.status !== 200) break;
      slowQueries.push(r.ms);
    }
  })();
  await sleep(500);
  const t0 = performance.now();
  const [health, page] = await Promise.all([latencyLoop(t.base, s.healthPath, s.connections, durationS, timeoutS), latencyLoop(t.base, s.pagePath, s.connections, durationS, timeoutS)]);
  const t1 = performance.now();
  slowing = false;
  const exportCoveredMs = exportEnded ? Math.max(0, Math.min(exportEnded, t1) - t0) : t1 - t0;
  stop.abort();
  const exportRan = await exporting;
  await slowLoop;
  return { scenario: s.id, target: t.target, round, peak: mem.stop(), health: { health, page, slowQueries, exportRan, exportCoveredMs } };
}
