// Scores whole runs on worker threads, for `omsagg score` and `omsagg eval`. Runs are independent
// (each learns its reference from the raw data of earlier runs, never from their scores), so they
// are handed out one at a time to whichever worker is free; results arrive in any order. The
// calling thread does all the writing.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RunResult } from './score-run.js';

// From the compiled dist/ the worker is plain JavaScript; from the TypeScript sources (the tests) it
// is loaded through tsx, a development dependency.
const fromSources = import.meta.url.endsWith('.ts');
function workerUrl(): URL {
  if (!fromSources) return new URL('./run-worker.js', import.meta.url);
  const tsx = import.meta.resolve('tsx/esm/api');
  const worker = new URL('./run-worker.ts', import.meta.url).href;
  const boot = `const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(worker)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}

/** default number of workers: the cores there are, at most 4 */
export function defaultJobs(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/** The value of a --jobs option: a whole number ≥ 1. */
export interface PoolOptions {
  jobs: number;
  baselines?: boolean;
  signal?: AbortSignal;
}

/** Scores `runs` on `jobs` workers; `onResult` is awaited for each before that worker gets more. */
export async function scoreRunsOnWorkers(url: string, runs: number[], o: PoolOptions, onResult: (r: RunResult) => Promise<void>): Promise<void> {
  const queue = [...runs];
  const n = Math.max(1, Math.min(o.jobs, queue.length));
  let failure: Error | null = null;
  const one = () =>
    new Promise<void>((resolve) => {
      const worker = new Worker(workerUrl(), { workerData: { url, baselines: o.baselines ?? false } });
      const next = () => {
        const run = failure || o.signal?.aborted ? undefined : queue.shift();
        if (run === undefined) worker.postMessage({ stop: true });
        else worker.postMessage({ run });
      };
      worker.on('message', (msg: { ready?: boolean; result?: RunResult; error?: string; run?: number }) => {
        if (msg.ready) return next();
        if (msg.error) {
          failure ??= new Error(`run ${msg.run}: ${msg.error}`);
          return next();
        }
        onResult(msg.result!).then(next, (err: Error) => {
          failure ??= err;
          next();
        });
      });
      worker.on('error', (err) => {
        failure ??= err;
        resolve();
      });
      worker.on('exit', (code) => {
        // a worker that dies without an 'error' (killed, out of memory) must not pass for done
        if (code !== 0) failure ??= new Error(`a scoring worker exited with code ${code}`);
        resolve();
      });
    });
  await Promise.all(Array.from({ length: n }, one));
  if (failure) throw failure;
}
