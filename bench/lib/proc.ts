// Processes: servers pinned to a core with taskset, readiness, clean stops, and peak memory from
// /proc (VmHWM reset through clear_refs before each measurement, VmRSS sampled meanwhile), for the
// server process and, separately, its child processes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fetchText } from './http.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Pins this process and all its threads (and so what it spawns without taskset) to one core. */
export function pinSelf(core: number): void {
  const r = spawnSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`taskset failed: ${r.stderr || r.error}`);
}

export function hasTaskset(): boolean {
  return spawnSync('taskset', ['--version']).status === 0;
}

const live = new Set<ChildProcess>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const killAll = () => {
    for (const c of live) {
      try {
        c.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(130);
    });
  }
}

export interface Server {
  name: string;
  pid: number;
  base: string;
  log: string;
  /** SIGTERM (SIGKILL after 10 s, or at once with `kill`), children first */
  stop(kill?: boolean): Promise<void>;
}

export async function startServer(o: {
  name: string;
  cmd: string;
  args: string[];
  core: number;
  port: number;
  readyPath: string;
  logDir: string;
  cwd: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}): Promise<Server> {
  hookExit();
  mkdirSync(o.logDir, { recursive: true });
  const log = path.join(o.logDir, `${o.name}.log`);
  const out = createWriteStream(log);
  // core < 0: not pinned (replicas sharing the machine)
  const [cmd, args] = o.core >= 0 ? ['taskset', ['-c', String(o.core), o.cmd, ...o.args]] : [o.cmd, o.args];
  const child = spawn(cmd, args, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  live.add(child);
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? -1;
    live.delete(child);
  });
  const base = `http://127.0.0.1:${o.port}`;
  const deadline = Date.now() + (o.timeoutMs ?? 120_000);
  for (;;) {
    if (exited !== null) throw new Error(`${o.name} exited (code ${exited}) before it was ready; see ${log}`);
    try {
      const r = await fetchText(base + o.readyPath, 2000);
      if (r.status === 200) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${o.name} not ready after ${(o.timeoutMs ?? 120_000) / 1000} s; see ${log}`);
    }
    await sleep(250);
  }
  return {
    name: o.name,
    pid: child.pid!,
    base,
    log,
    stop: async (kill = false) => {
      if (exited !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const sig = kill ? 'SIGKILL' : 'SIGTERM';
      for (const d of descendants(child.pid!)) {
        try {
          process.kill(d, sig);
        } catch {
          /* gone */
        }
      }
      child.kill(sig);
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(t);
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Child processes (recursively) of pid, from /proc/<n>/stat. */
/** CPU seconds (user + system, all threads) of a process and its living descendants so far. */
export function cpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      // fields after the command name, which may hold spaces: utime and stime are the 12th and 13th
      const rest = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ').pop()!.split(' ');
      ticks += Number(rest[11]) + Number(rest[12]);
    } catch {
      // ended meanwhile
    }
  }
  return ticks / 100; // USER_HZ
}

export function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(d), ppid);
    } catch {
      /* exited */
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift()!;
    for (const [c, pp] of parent) {
      if (pp !== p) continue;
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

/** VmRSS and VmHWM in bytes (undefined when the process is gone). */
export function memory(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    /* not allowed or gone: the sampled RSS still counts */
  }
}

export interface Peak {
  /** the server process: max of its VmHWM (reset at the start) and the sampled VmRSS */
  server: number;
  /** its child processes together: max over samples of the sum of their VmRSS (and their VmHWM when there is one child) */
  children: number;
  /** child processes seen during the measurement */
  childCount: number;
}

/** Samples the server's and its children's memory every `everyMs` until stopped. */
export function sampleMemory(pid: number, everyMs = 100): { stop(): Peak } {
  resetPeak(pid);
  const seen = new Set<number>();
  const ever = new Set<number>();
  for (const c of descendants(pid)) {
    resetPeak(c);
    seen.add(c);
    ever.add(c);
  }
  let server = 0;
  let children = 0;
  let tick = 0;
  const sample = () => {
    const m = memory(pid);
    if (m) server = Math.max(server, m.rss);
    // the process tree is re-read every 5th sample (it is the expensive part)
    const kids = tick++ % 5 === 0 ? descendants(pid) : [...seen];
    let sum = 0;
    for (const c of kids) {
      if (!seen.has(c)) {
        resetPeak(c);
        seen.add(c);
        ever.add(c);
      }
      const cm = memory(c);
      if (cm) sum += cm.rss;
      else seen.delete(c);
    }
    children = Math.max(children, sum);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      const m = memory(pid);
      if (m) server = Math.max(server, m.hwm);
      if (seen.size === 1) {
        const cm = memory([...seen][0]);
        if (cm) children = Math.max(children, cm.hwm);
      }
      return { server, children, childCount: ever.size };
    },
  };
}
