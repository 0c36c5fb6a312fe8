// Progress of an import on stderr: a cli-progress bar with ETA on a terminal, a plain line with
// the same figures every few seconds otherwise (logs, CI). Work is weighted by lumisections so
// that the ETA does not treat a 77-lumisection run like a 1500-lumisection one.
import cliProgress from 'cli-progress';

export interface ImportProgress {
  start(total: number): void;
  /** `done` weight units; the note names the unit and the rows so far */
  update(done: number, note: string): void;
  stop(): void;
}

export function makeImportProgress(opts: { quiet?: boolean; stream?: NodeJS.WriteStream; intervalMs?: number } = {}): ImportProgress {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet) return { start() {}, update() {}, stop() {} };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: 'import [{bar}] {percentage}% | {note} | eta {eta_formatted}', stream, hideCursor: true, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    );
    return {
      start: (total) => bar.start(total, 0, { note: '' }),
      update: (done, note) => bar.update(done, { note }),
      stop: () => bar.stop(),
    };
  }
  const every = opts.intervalMs ?? 5000;
  let total = 0;
  let last = 0;
  let t0 = Date.now();
  return {
    start(t) {
      total = t;
      t0 = Date.now();
    },
    update(done, note) {
      const now = Date.now();
      if (now - last < every && done < total) return;
      last = now;
      const pct = total ? (100 * done) / total : 100;
      const elapsed = (now - t0) / 1000;
      const eta = done > 0 && done < total ? `, eta ${formatSeconds((elapsed * (total - done)) / done)}` : '';
      stream.write(`import: ${pct.toFixed(1)} % | ${note} | ${formatSeconds(elapsed)} elapsed${eta}\n`);
    },
    stop() {},
  };
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
