// npm run bench: omsagg against Platformatic DB and a bare Fastify + knex route on the same
// database, servers pinned to one core and the load generator (this process, autocannon) to
// another, targets interleaved round by round. Prints one table per database and the goals of
// issue 10. `npm run bench -- --help` for the options. CI does not run it.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDatabase, type BenchDb } from './lib/data.js';
import { ensureBenchDeps } from './lib/deps.js';
import { fetchText } from './lib/http.js';
import { parseOptions, USAGE, type Options, type Target } from './lib/options.js';
import { hasTaskset, pinSelf } from './lib/proc.js';
import type { Measurement } from './lib/measure.js';
import type { Scenario } from './lib/scenarios.js';
import type { Running } from './lib/targets.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (s: string) => process.stderr.write(`${s}\n`);

function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`;
}

/**
 * One request per scenario and target before round 1: warms caches, checks that every target
 * returns the same number of rows, and finds the scenarios whose first request does not answer
 * within the limit (they are reported as not answered instead of being measured).
 */
async function validate(s: Scenario, servers: Running[], limitS: number): Promise<{ notes: string[]; slow: Set<Target> }> {
  const notes: string[] = [];
  const slow = new Set<Target>();
  if (s.kind !== 'load') return { notes, slow };
  const counts = new Map<Target, number>();
  for (const t of servers) {
    const p = s.paths[t.target];
    if (!p) continue;
    try {
      let r = await fetchText(t.base + p, limitS * 1000);
      if (r.status === 404 && s.group === 'probe' && p.includes('?')) {
        // the probe has no data for the comparison run: its defaults instead
        const d = await fetchText(t.base + p.slice(0, p.indexOf('?')), limitS * 1000);
        if (d.status === 200) {
          notes.push(`${s.id}: no data for the comparison run (HTTP 404); measured with the probe's defaults`);
          s.paths[t.target] = p.slice(0, p.indexOf('?'));
          s.title = s.title.replace(/\(run \d+\)/, '(defaults)');
          r = d;
        }
      }
      if (r.status !== 200) {
        notes.push(`${s.id} ${t.target}: HTTP ${r.status} ${r.text.replace(/\s+/g, ' ').slice(0, 160)}`);
        continue;
      }
      if (s.group === 'compare') {
        const body = JSON.parse(r.text) as unknown;
        counts.set(t.target, Array.isArray(body) ? body.length : ((body as { data?: unknown[] }).data?.length ?? NaN));
      }
    } catch (e) {
      const msg = (e as Error).message;
      if (/^timeout/.test(msg)) {
        slow.add(t.target);
        notes.push(`${s.id} ${t.target}: no answer within ${limitS} s; not measured (counts as not met)`);
      } else notes.push(`${s.id} ${t.target}: ${msg}`);
    }
  }
  if (counts.size > 1 && new Set(counts.values()).size > 1) notes.push(`${s.id}: ROW COUNTS DIFFER between targets: ${[...counts].map(([t, n]) => `${t} ${n}`).join(', ')}`);
  else if (counts.size) notes.push(`${s.id}: ${[...counts.values()][0]} rows from each of ${[...counts.keys()].join(', ')}`);
  return { notes, slow };
}

async function benchDatabase(db: BenchDb, opts: Options, node22: string, out: Record<string, unknown>): Promise<void> {
  const { startTarget } = await import('./lib/targets.js');
  const { deriveScenarios } = await import('./lib/scenarios.js');
  const { measureExport, measureHealth, measureLoad, unanswered, waitIdle } = await import('./lib/measure.js');
  const notes: string[] = [];
  const logDir = path.join(opts.dataDir, 'logs');
  const startOpts = { root, core: opts.serverCore, logDir, node22, maxRows: opts.exportRows };
  /**
   * Waits until t answers quickly again. A request the client gave up on may keep a server busy
   * for minutes (omsagg's synchronous SQLite reads cannot be interrupted): past --busy-limit the
   * server is killed and started again, which is noted in the output.
   */
  const ready = async (t: Running, before: string): Promise<void> => {
    try {
      const waited = await waitIdle(t, opts.busyLimit * 1000);
      if (waited > 2000) log(`   (${t.target} was busy for ${(waited / 1000).toFixed(1)} s before ${before})`);
    } catch {
      const note = `${t.target} was still busy ${opts.busyLimit} s after an abandoned request; restarted before ${before}`;
      notes.push(note);
      log(`   (${note})`);
      await t.stop(true);
      Object.assign(t, await startTarget(t.target, db, startOpts));
    }
  };
  const { goals, renderGoals, renderTable, tableRows } = await import('./lib/report.js');
  const servers: Running[] = [];
  try {
    for (const target of opts.list ? (['omsagg'] as Target[]) : opts.targets) {
      log(`bench: starting ${target} on ${db.where} (core ${opts.serverCore})`);
      try {
        servers.push(await startTarget(target, db, startOpts));
      } catch (e) {
        if (target === 'omsagg') throw e;
        notes.push(`${target} did not start and is left out: ${(e as Error).message}`);
        log(`bench: ${notes[notes.length - 1]}`);
      }
    }
    const targets = servers.map((s) => s.target);
    const oms = servers.find((s) => s.target === 'omsagg')!;
    const plt = servers.find((s) => s.target === 'platformatic');
    log('bench: deriving the scenarios from omsagg (resources, counts, sample values, probes)');
    const derived = await deriveScenarios(oms.base, opts, targets, plt?.routes);
    const scenarios = derived.scenarios.filter((s) => !opts.only || opts.only.test(s.id));
    const f = derived.facts;
    const header = [
      `== ${db.dialect} ${db.scale}: ${db.where}`,
      `   run ${f.run} (${f.runLumisections} LS, fill ${f.fill}), HLT path ${f.path}; export: ${f.exportResource}, ${f.exportFilter} (${f.exportTotal} rows in run ${f.run})`,
      `   ${scenarios.length} scenarios; ${opts.rounds} round(s); ${opts.duration} s per comparison, ${opts.pageDuration} s per page/probe measurement, ${Math.max(opts.pageDuration, 5)} s for /health; ` +
        `autocannon ${opts.connections} connections (comparisons); closed loop, ${opts.latencyConnections} connection(s) (pages, probes, /health)`,
      ...servers.map((s) => `   ${s.target.padEnd(12)} ${s.version} (pid ${s.pid}, core ${opts.serverCore})`),
    ];
    if (opts.list) {
      console.log(
        [
          ...header,
          ...scenarios.map(
            (s) =>
              `   ${s.id.padEnd(42)} ${s.title}\n${' '.repeat(46)}${
                s.kind === 'load'
                  ? Object.entries(s.paths)
                      .map(([t, p]) => `${t}: ${p}`)
                      .join('\n' + ' '.repeat(46))
                  : s.kind === 'export'
                    ? Object.entries(s.paths)
                        .map(([t, p]) => `${t}: ${p!.path}`)
                        .join('\n' + ' '.repeat(46))
                    : `${s.exportPath} + ${s.slowPath}; ${s.healthPath}, ${s.pagePath}`
              }`,
          ),
        ].join('\n'),
      );
      return;
    }
    log(header.join('\n'));

    const results: Measurement[] = [];
    const skipped = new Map<string, string>();
    for (let round = 1; round <= opts.rounds; round++) {
      for (const s of scenarios) {
        const involved = servers.filter((t) => (s.kind === 'health' ? t.target === 'omsagg' : !!s.paths[t.target]));
        if (!involved.length) continue;
        if (round === 1) {
          for (const t of involved) await ready(t, s.id);
          const v = await validate(s, involved, s.group === 'compare' ? opts.exportTimeout : opts.slowLimit);
          notes.push(...v.notes);
          for (const n of v.notes) log(`   check: ${n}`);
          for (const t of v.slow) skipped.set(`${s.id} ${t}`, `first request > ${opts.slowLimit} s`);
        }
        // interleaved: the order of the targets rotates from round to round
        const order = involved.map((_, i) => involved[(i + round - 1) % involved.length]);
        for (const t of order) {
          const skip = skipped.get(`${s.id} ${t.target}`);
          if (skip) {
            if (round === 1) results.push({ scenario: s.id, target: t.target, round, peak: { server: 0, children: 0, childCount: 0 }, load: unanswered(), skipped: skip });
            continue;
          }
          await ready(t, s.id);
          if (s.kind !== 'load') {
            // a fresh server, so that the peak RSS of an export is its own and not what an earlier
            // scenario left allocated (a heap does not shrink back)
            await t.stop();
            Object.assign(t, await startTarget(t.target, db, startOpts));
          }
          let m: Measurement;
          if (s.kind === 'load')
            m = await measureLoad(s, t, round, s.group === 'compare' ? opts.duration : opts.pageDuration, s.group === 'compare' ? Math.max(30, opts.duration * 3) : opts.slowLimit);
          else if (s.kind === 'export') m = await measureExport(s, t, round, opts.exportTimeout);
          else m = await measureHealth(s, t, round, Math.max(opts.pageDuration, 5), opts.exportTimeout);
          results.push(m);
          if (s.kind !== 'load') {
            // and fresh again afterwards: what the export allocated must not count in later scenarios
            await t.stop();
            Object.assign(t, await startTarget(t.target, db, startOpts));
          }
          const brief = m.load
            ? `${m.load.rps.toFixed(1)} req/s, p50 ${m.load.p50.toFixed(1)} ms, p99 ${m.load.p99.toFixed(1)} ms${m.load.non2xx || m.load.errors || m.load.timeouts ? ` (non-2xx ${m.load.non2xx}, errors ${m.load.errors}, timeouts ${m.load.timeouts})` : ''}`
            : m.export
              ? `${m.export.rows}/${m.export.expected} rows in ${(m.export.ms / 1000).toFixed(1)} s, HTTP ${m.export.status}${m.export.error ? `, ${m.export.error}` : ''}`
              : `/health p99 ${m.health!.health.p99.toFixed(1)} ms, page p99 ${m.health!.page.p99.toFixed(1)} ms, slow query ${m.health!.slowQueries.length}×`;
          log(
            `   [round ${round}/${opts.rounds}] ${s.id} ${t.target}: ${brief}; peak RSS ${(m.peak.server / 2 ** 20).toFixed(0)} MB${m.peak.childCount ? ` + children ${(m.peak.children / 2 ** 20).toFixed(0)} MB` : ''}`,
          );
        }
      }
    }
    const rows = tableRows(scenarios, results, targets);
    const gs = goals(scenarios, results, { scale: db.scale, targets });
    console.log(
      [
        '',
        ...header,
        `   ${new Date().toISOString()}; ${machine()}`,
        `   servers pinned to core ${opts.serverCore}, load generator to core ${opts.loadCore} (taskset); other load may be present on this shared machine, so read the spreads`,
        `   req/s: completed 2xx responses per second, median over rounds (min–max); p50 median, p99 worst round; ratios: median over rounds (per-round range)`,
        `   comparisons: autocannon for a fixed time; pages, probes, /health: closed loop (next request when the last answered; the one in flight at the end is awaited and counted)`,
        `   exports: one streamed request per round, rows counted on arrival (omsagg runs with --max-page-limit ${Math.max(opts.exportRows, 100_000)}); servers restarted before and after each export and /health measurement`,
        `   peak RSS: server process (+ its child processes) during the measurement (VmHWM reset before it, VmRSS sampled every 100 ms)`,
        `   CPU/req (comparisons): CPU ms of the server process, all its threads and child processes, per 2xx response, median over rounds; vs Platformatic: its CPU per request over omsagg's (PostgreSQL's own CPU is not counted)`,
        `   Platformatic answers with its own query syntax and plain arrays (no envelope); the bare route renders omsagg's full envelope; PostgreSQL's own memory is not counted`,
        '',
        renderTable(rows),
        '',
        `goals (${db.dialect}, ${db.scale}):`,
        renderGoals(gs),
        ...(notes.length ? ['', 'checks:', ...notes.map((n) => `  ${n}`)] : []),
        '',
      ].join('\n'),
    );
    out[`${db.dialect}-${db.scale}`] = { db: db.where, facts: f, scenarios, results, goals: gs, notes, servers: servers.map((s) => ({ target: s.target, version: s.version, log: s.log })) };
  } finally {
    for (const s of servers) await s.stop();
  }
}

async function main(): Promise<number> {
  let opts: Options | 'help';
  try {
    opts = parseOptions(process.argv.slice(2), process.env, root);
  } catch (e) {
    console.error(`bench: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (opts === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (!hasTaskset()) {
    console.error('bench: taskset (util-linux) is needed to pin the servers and the load generator to different cores');
    return 2;
  }
  if (os.cpus().length <= Math.max(opts.serverCore, opts.loadCore)) {
    console.error(`bench: this machine has ${os.cpus().length} cores; --server-core/--load-core must be below that`);
    return 2;
  }
  const { node22 } = ensureBenchDeps(path.join(root, 'bench'));
  const dbs: BenchDb[] = [];
  for (const d of opts.dbs) dbs.push(await ensureDatabase(root, d, opts.scale, opts.dataDir, opts.pgUrl));
  // from here on this process (autocannon, the row counters) runs on the load core only
  pinSelf(opts.loadCore);
  const out: Record<string, unknown> = { started: new Date().toISOString(), options: { ...opts, only: opts.only?.source }, machine: machine() };
  for (const db of dbs) await benchDatabase(db, opts, node22, out);
  if (!opts.list) {
    const file = opts.out ?? path.join(opts.dataDir, 'results', `bench-${opts.dbs.join('+')}-${opts.scale}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(out, null, 1));
    console.log(`raw figures: ${file}`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`bench: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
