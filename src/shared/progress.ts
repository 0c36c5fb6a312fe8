// The one progress display of the long jobs (seed, score, summarize, import): a cli-progress bar on a
// TTY; on logs and CI a plain line at most every few seconds. Both show done/total, the rate and an ETA.
import cliProgress from 'cli-progress';

export interface ProgressDisplay {
  /** a new phase of `total` items (`label`: what is being done) */
  start(total: number, label: string): void;
  /** `done` items of the phase are finished; `note` says what is being worked on */
  update(done: number, note?: string): void;
  /** one more item finished */
  tick(note?: string): void;
  stop(): void;
}

export interface ProgressOptions {
  /** what the items are, plural (lumisections, runs, pages) */
  unit: string;
  quiet?: boolean;
  stream?: NodeJS.WriteStream;
  /** plain-line mode: at most one line per this many ms (default 5000) */
  everyMs?: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(0)} s`;

export function makeProgress(o: ProgressOptions): ProgressDisplay {
  const stream = o.stream ?? process.stderr;
  if (o.quiet) return { start() {}, update() {}, tick() {}, stop() {} };
  let done = 0;
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar({ format: `{label} [{bar}] {value}/{total} ${o.unit} | {note} | eta {eta_formatted}`, stream, hideCursor: true }, cliProgress.Presets.shades_classic);
    return {
      start: (total, label) => {
        done = 0;
        bar.start(total, 0, { label, note: '' });
      },
      update: (d, note = '') => bar.update((done = d), { note }),
      tick: (note = '') => bar.update(++done, { note }),
      stop: () => bar.stop(),
    };
  }
  let total = 0;
  let label = '';
  let last = 0;
  let t0 = Date.now();
  const line = (note: string) => {
    const now = Date.now();
    if (now - last < (o.everyMs ?? 5000) && done < total) return;
    last = now;
    const pct = total ? ((100 * done) / total).toFixed(1) : '100';
    const eta = done > 0 && done < total ? `, eta ${seconds(((now - t0) * (total - done)) / done)}` : '';
    stream.write(`${label}: ${done}/${total} ${o.unit} (${pct} %)${note ? `, ${note}` : ''}, ${seconds(now - t0)}${eta}\n`);
  };
  return {
    start(t, l) {
      total = t;
      label = l;
      done = 0;
      last = 0;
      t0 = Date.now();
      stream.write(`${label}: ${total} ${o.unit}\n`);
    },
    update(d, note = '') {
      done = d;
      line(note);
    },
    tick(note = '') {
      done++;
      line(note);
    },
    stop() {},
  };
}
