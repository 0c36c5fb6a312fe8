// SKAB (Skoltech Anomaly Benchmark v0.9, github.com/waico/SKAB, GPL-3.0) under its leaderboard's
// outlier-detection protocol: in every file with anomalies the first 400 rows learn and the rest is
// scored; binary F1, false-alarm rate (FAR) and missed-alarm rate (MAR) over all scored rows together.
// The data is read where it lies (never copied into the project); absent, the evaluation is skipped.
import fs from 'node:fs';
import path from 'node:path';
import { SeriesDetector } from '../series/detector.js';

export const SKAB_LEARN_ROWS = 400;

/** The published leaderboard rows (the repository's README): F1, FAR, MAR. */
export const SKAB_LEADERBOARD: { name: string; f1: number; far: number; mar: number }[] = [
  { name: 'Conv-AE', f1: 0.78, far: 0.1355, mar: 0.2802 },
  { name: 'MSET', f1: 0.78, far: 0.3973, mar: 0.1413 },
  { name: 'PCA T²+Q', f1: 0.76, far: 0.2662, mar: 0.2492 },
  { name: 'LSTM-AE', f1: 0.74, far: 0.2996, mar: 0.2592 },
  { name: 'T²', f1: 0.66, far: 0.1921, mar: 0.426 },
  { name: 'LSTM-VAE', f1: 0.56, far: 0.0913, mar: 0.5503 },
  { name: 'Isolation forest', f1: 0.29, far: 0.0256, mar: 0.8289 },
];

export interface SkabFile {
  /** path relative to the data folder, e.g. valve1/3.csv */
  name: string;
  t: number[];
  x: number[][];
  /** 1 inside an anomaly (absent in the anomaly-free run) */
  anomaly: number[] | null;
}

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface SkabScores extends Confusion {
  f1: number;
  far: number;
  mar: number;
}

/** The SKAB data folder, or null when it is not there. */
export function findSkab(dir: string): string | null {
  const data = fs.existsSync(path.join(dir, 'data')) ? path.join(dir, 'data') : dir;
  return fs.existsSync(path.join(data, 'valve1')) ? data : null;
}

export function readSkabFile(dataDir: string, name: string): SkabFile {
  const lines = fs
    .readFileSync(path.join(dataDir, name), 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = lines[0].split(';');
  const ai = header.indexOf('anomaly');
  const valueCols = header.map((_, i) => i).filter((i) => i > 0 && header[i] !== 'anomaly' && header[i] !== 'changepoint');
  const t: number[] = [];
  const x: number[][] = [];
  const anomaly: number[] = [];
  for (const line of lines.slice(1)) {
    const f = line.split(';');
    t.push(Date.parse(f[0].replace(' ', 'T') + 'Z'));
    x.push(valueCols.map((i) => Number(f[i])));
    if (ai >= 0) anomaly.push(Number(f[ai]) === 1 ? 1 : 0);
  }
  return { name, t, x, anomaly: ai >= 0 ? anomaly : null };
}

/** Every labelled experiment (valve1, valve2, other), sorted by folder and number. */
export function skabFiles(dataDir: string): string[] {
  const out: string[] = [];
  for (const dir of ['valve1', 'valve2', 'other']) {
    const files = fs.existsSync(path.join(dataDir, dir)) ? fs.readdirSync(path.join(dataDir, dir)).filter((f) => f.endsWith('.csv')) : [];
    files.sort((a, b) => parseInt(a) - parseInt(b));
    for (const f of files) out.push(`${dir}/${f}`);
  }
  return out;
}

/** Runs the detector on one file: flags per row (the learning rows are never flagged). */
export function detectSkab(file: SkabFile): boolean[] {
  const d = new SeriesDetector(file.x[0]?.length ?? 0, { learnRows: SKAB_LEARN_ROWS, secondsPerTimeUnit: 0.001 });
  return file.x.map((row, i) => d.push(file.t[i], row).flag);
}

export function confusion(flags: boolean[], labels: number[], from = SKAB_LEARN_ROWS): Confusion {
  const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (let i = from; i < labels.length; i++) {
    if (labels[i]) flags[i] ? c.tp++ : c.fn++;
    else flags[i] ? c.fp++ : c.tn++;
  }
  return c;
}

export function scores(c: Confusion): SkabScores {
  const precision = c.tp / Math.max(c.tp + c.fp, 1);
  const recall = c.tp / Math.max(c.tp + c.fn, 1);
  return {
    ...c,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    far: c.fp / Math.max(c.fp + c.tn, 1),
    mar: c.fn / Math.max(c.fn + c.tp, 1),
  };
}

export function addConfusion(a: Confusion, b: Confusion): Confusion {
  return { tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn, tn: a.tn + b.tn };
}
