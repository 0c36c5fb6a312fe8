// Load rounds against a running omsagg: autocannon at N connections for a fixed time over a mix of
// resources, probes and CSV exports; per round the requests, errors (socket errors, timeouts and
// non-2xx answers), latency percentiles and the server's resident memory (VmRSS of the server and
// its reader processes) after the round. Used by bench/load.ts and test/reliability/load.test.ts.
import fs from 'node:fs';
import autocannon from 'autocannon';

/** The mix: every connection cycles through it in order. */
export function loadMix(run: number): { path: string; headers?: Record<string, string> }[] {
  return [
    { path: `/api/v1/runs?page[limit]=20` },
    { path: `/api/v1/lumisections?filter[run_number][EQ]=${run}&page[limit]=100&fields=lumisection_number,recorded_lumi,pileup` },
    { path: `/api/v1/hltpathrates?filter[run_number][EQ]=${run}&filter[lumisection_number][LE]=20&page[limit]=200` },
    { path: `/api/v1/probes/hlt-rates/plot?run_number=${run}` },
    { path: `/api/v1/probes/trigger-rates/points?run_number=${run}&page[limit]=500` },
    { path: `/api/v1/lumisections/csv?filter[run_number][EQ]=${run}&page[limit]=1000`, headers: { accept: 'text/csv' } },
    { path: `/api/v1/deadtimes?filter[run_number][EQ]=${run}&page[limit]=100` },
    { path: '/health' },
  ];
}

export interface Round {
  round: number;
  seconds: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  rssMb: number;
}

/** Resident memory of a process and its children (reader processes), MB. */
export function rssMb(pid: number): number {
  const pids = [pid];
  try {
    for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
      const kids = fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim();
      if (kids) pids.push(...kids.split(/\s+/).map(Number));
    }
  } catch {
    // no /proc: the server alone
  }
  let kb = 0;
  for (const p of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      // exited meanwhile
    }
  }
  return kb / 1024;
}

export async function loadRound(base: string, pid: number, o: { round: number; seconds: number; connections: number; run: number }): Promise<Round> {
  const result = await autocannon({
    url: base,
    connections: o.connections,
    duration: o.seconds,
    timeout: 30,
    requests: loadMix(o.run).map((r) => ({ method: 'GET', path: r.path, headers: r.headers })),
  });
  return {
    round: o.round,
    seconds: o.seconds,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    rssMb: Math.round(rssMb(pid)),
  };
}

export function formatRound(r: Round): string {
  return `round ${r.round}: ${r.requests} requests in ${r.seconds} s, errors ${r.errors} (timeouts ${r.timeouts}), non-2xx ${r.non2xx}, latency p50 ${r.p50Ms} ms p99 ${r.p99Ms} ms max ${r.maxMs} ms, RSS after ${r.rssMb} MB`;
}
