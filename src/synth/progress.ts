// Progress on stderr: a cli-progress bar on a TTY, periodic plain lines otherwise (logs, CI).
import cliProgress from 'cli-progress';

export interface Progress {
  start(total: number, label: string): void;
  update(done: number, note: string): void;
  stop(): void;
}

export function makeProgress(opts: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet) return { start() {}, update() {}, stop() {} };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: '{label} [{bar}] {value}/{total} lumisections | {note} | eta {eta_formatted}', stream, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    return {
      start: (total, label) => bar.start(total, 0, { label, note: '' }),
      update: (done, note) => bar.update(done, { note }),
      stop: () => bar.stop(),
    };
  }
  let total = 0;
  let label = '';
  let last = 0;
  const t0 = Date.now();
  return {
    start(t, l) {
      total = t;
      label = l;
      stream.write(`${label}: ${total} lumisections to generate\n`);
    },
    update(done, note) {
      const now = Date.now();
      if (now - last < 5000 && done < total) return;
      last = now;
      const pct = total ? ((100 * done) / total).toFixed(1) : '100';
      stream.write(`${label}: ${done}/${total} lumisections (${pct} %), ${note}, ${((now - t0) / 1000).toFixed(0)} s\n`);
    },
    stop() {},
  };
}
