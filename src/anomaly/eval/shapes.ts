// Seeded series with the shapes that break a noise model (the evaluation of `omsagg detect`): each
// anomaly-free, to count false alarms, and with injected anomalies, to count what is found. Rows are
// five minutes apart (a day is 288 rows), as most exported monitoring series are.
import { Rng } from '../../shared/prng.js';

export const STEP_S = 300;
export const DAY_ROWS = 86400 / STEP_S;

export interface Series {
  name: string;
  /** epoch seconds */
  t: number[];
  x: number[];
  /** 1 = injected anomaly, 0 = normal, −1 = the settling after an anomaly (left out of the rates) */
  label: number[];
}

export interface ShapeOptions {
  n?: number;
  seed?: number;
}

type Shape = (rng: Rng, n: number) => number[];

const daily = (i: number, phase = 0) => Math.sin((2 * Math.PI * i) / DAY_ROWS + phase);

/** a Student-t draw with ν degrees of freedom (heavy tails for small ν) */
function studentT(rng: Rng, nu: number): number {
  let chi = 0;
  for (let k = 0; k < Math.round(nu); k++) chi += rng.normal() ** 2;
  const frac = nu - Math.round(nu);
  if (frac !== 0) chi += Math.abs(frac) * rng.normal() ** 2;
  return rng.normal() / Math.sqrt(Math.max(chi, 1e-12) / nu);
}

/**
 * The anomaly-free shapes. Each is a thing real monitoring series do and a Gaussian noise model
 * does not expect.
 */
export const SHAPES: Record<string, Shape> = {
  /** a daily cycle with harmonics and no noise at all */
  'noiseless-periodic': (_r, n) => Array.from({ length: n }, (_, i) => 50 + 20 * daily(i) + 5 * daily(2 * i, 1)),
  /** a noiseless square wave: two values, switching twice a day */
  'square-wave': (_r, n) => Array.from({ length: n }, (_, i) => (i % DAY_ROWS < DAY_ROWS / 2 ? 80 : 20)),
  /** one value, forever */
  constant: (_r, n) => new Array<number>(n).fill(42),
  /** a constant that steps to another constant about once a month (a setting changed) */
  'constant-steps': (rng, n) => {
    let v = 100;
    return Array.from({ length: n }, (_, i) => {
      if (i > 0 && i % (30 * DAY_ROWS) === 0) v += rng.pick([-1, 1]) * rng.int(5, 40);
      return v;
    });
  },
  /** small counts (0, 1, 2 …) with a daily rhythm: quantised, many ties, skewed */
  quantised: (rng, n) => Array.from({ length: n }, (_, i) => rng.poisson(2 + 1.5 * daily(i))),
  /** values rounded to a coarse grid, most rows on one level (a sensor's resolution) */
  'coarse-grid': (rng, n) => Array.from({ length: n }, () => Math.round(32 + 0.45 * rng.normal())),
  /** a daily cycle with Student-t noise (ν = 2: a 10-sigma value is common) */
  'heavy-tails': (rng, n) => Array.from({ length: n }, (_, i) => 100 + 10 * daily(i) + 2 * studentT(rng, 2)),
  /** a trend whose slope itself drifts (growth that speeds up and slows down), with noise */
  trends: (rng, n) => {
    let v = 100;
    let slope = 0.01;
    return Array.from({ length: n }, () => {
      slope = Math.max(-0.03, Math.min(0.03, slope + 0.0003 * rng.normal()));
      v += slope;
      return v + rng.normal();
    });
  },
  /** a level that switches between a few regimes every few hours (load balancing, modes) */
  'level-shifts': (rng, n) => {
    const levels = [20, 35, 60];
    let k = 0;
    let left = 0;
    return Array.from({ length: n }, () => {
      if (left-- <= 0) [k, left] = [rng.int(0, levels.length - 1), rng.int(20, 200)];
      return levels[k] + 2 * rng.normal();
    });
  },
  /** a random walk with measurement noise (a temperature, a pressure) */
  wandering: (rng, n) => {
    let v = 20;
    return Array.from({ length: n }, () => {
      v += 0.05 * rng.normal();
      return v + 0.02 * rng.normal();
    });
  },
  /** constant for long stretches, with rare tiny jitter (near-zero variance) */
  'near-constant': (rng, n) => Array.from({ length: n }, () => (rng.chance(0.01) ? 7 + 0.001 * rng.pick([-1, 1]) : 7)),
  /** a daily cycle with small Gaussian noise */
  'small-noise-periodic': (rng, n) => Array.from({ length: n }, (_, i) => 50 + 20 * daily(i) + 0.5 * rng.normal()),
};

export function cleanSeries(shape: string, o: ShapeOptions = {}): Series {
  const n = o.n ?? 20 * DAY_ROWS;
  const rng = Rng.derive(o.seed ?? 1, shape);
  const x = SHAPES[shape](rng, n);
  const t0 = Date.UTC(2018, 4, 1) / 1000;
  return { name: shape, t: x.map((_, i) => t0 + i * STEP_S), x, label: new Array<number>(n).fill(0) };
}

/** The kinds of anomaly injected: spikes, level shifts, a stuck value, a burst of noise, a drift. */
export const ANOMALY_KINDS = ['spike', 'shift', 'stuck', 'noise-burst', 'drift'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/** a robust typical size of a series' changes, so anomalies scale with the series */
function typicalSize(x: number[]): number {
  const s = [...x].sort((a, b) => a - b);
  const iqr = s[Math.floor(0.75 * (s.length - 1))] - s[Math.floor(0.25 * (s.length - 1))];
  return iqr > 0 ? iqr : Math.max(Math.abs(s[s.length >> 1]) * 0.1, 1);
}

/**
 * Injects one anomaly of `kind` every `every` rows after `from` (the learning rows stay clean): each
 * labelled over the rows it lasts, and followed by 50 settling rows left out of the rates.
 */
export function withAnomalies(s: Series, kind: AnomalyKind, o: { from: number; every?: number; seed?: number }): Series {
  const rng = Rng.derive(o.seed ?? 1, s.name, kind);
  const x = [...s.x];
  const label = [...s.label];
  const size = typicalSize(s.x);
  const every = o.every ?? 2 * DAY_ROWS;
  for (let at = o.from + rng.int(0, every >> 1); at < x.length - 100; at += every) {
    let len = 1;
    const sign = rng.pick([-1, 1]);
    if (kind === 'spike') x[at] += sign * size * rng.uniform(2, 4);
    else if (kind === 'shift') {
      len = rng.int(30, 100);
      for (let i = at; i < at + len; i++) x[i] += sign * size * rng.uniform(0.9, 1.1);
    } else if (kind === 'stuck') {
      len = rng.int(30, 100);
      // the value freezes away from where the series goes next
      const v = x[at] + sign * 0.5 * size;
      for (let i = at; i < at + len; i++) x[i] = v;
    } else if (kind === 'noise-burst') {
      len = rng.int(20, 60);
      for (let i = at; i < at + len; i++) x[i] += size * rng.normal();
    } else {
      len = rng.int(60, 150);
      for (let i = at; i < at + len; i++) x[i] += (sign * 1.5 * size * (i - at)) / len;
    }
    for (let i = at; i < at + len + 50 && i < x.length; i++) label[i] = i < at + len ? 1 : -1;
  }
  return { name: `${s.name}+${kind}`, t: s.t, x, label };
}
