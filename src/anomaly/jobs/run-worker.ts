// A worker thread of the run pool (run-pool.ts): opens the database read-only, then scores the runs
// it is sent, one at a time, and posts each result back. It never writes.
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '../../db/connection.js';
import { computeRun } from './score-run.js';
import { listRuns, loadStaticLayout } from './source.js';

interface Init {
  url: string;
  baselines: boolean;
}

const init = workerData as Init;
const port = parentPort!;
const db = await openDb(init.url, { readonly: true });
const s = await loadStaticLayout(db);
const allRuns = await listRuns(db);
port.on('message', (msg: { run?: number; stop?: boolean }) => {
  if (msg.stop) {
    void db.close().then(() => port.close());
    return;
  }
  const info = allRuns.find((r) => r.run === msg.run);
  const job = info ? computeRun(db, s, allRuns, info, init.baselines) : Promise.reject(new Error(`run ${msg.run} is not in the database`));
  job.then(
    (result) => port.postMessage({ result }),
    (err: Error) => port.postMessage({ error: err.message, run: msg.run }),
  );
});
port.postMessage({ ready: true });
