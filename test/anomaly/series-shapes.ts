// Seeded generators of time-series shapes with injected anomalies, for the detect tests.

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(r: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

export interface Series {
  /** epoch seconds, 5-minute steps */
  t: number[];
  x: number[];
  /** 1 = injected anomaly, 0 = clean, -1 = transition (left out of the metrics) */
  label: number[];
}

export const STEP_S = 300;
export const DAY_ROWS = 86400 / STEP_S;

export interface ShapeOptions {
  n?: number;
  seed?: number;
  trendPerRow?: number;
  dailyAmplitude?: number;
  noise?: number;
  /** AR(1) coefficient of the noise */
  ar?: number;
}

/** trend + daily cycle + (AR) noise; no anomaly yet */
export function baseSeries(o: ShapeOptions = {}): Series {
  const n = o.n ?? 6000;
  const g = gaussian(rng(o.seed ?? 1));
  const t0 = Date.UTC(2018, 4, 1) / 1000;
  const t: number[] = [];
  const x: number[] = [];
  let e = 0;
  for (let i = 0; i < n; i++) {
    t.push(t0 + i * STEP_S);
    e = (o.ar ?? 0) * e + (o.noise ?? 1) * g();
    x.push(100 + (o.trendPerRow ?? 0) * i + (o.dailyAmplitude ?? 0) * Math.sin((2 * Math.PI * i) / DAY_ROWS) + e);
  }
  return { t, x, label: new Array(n).fill(0) };
}

export function addSpikes(s: Series, positions: number[], size: number): Series {
  for (const [k, p] of positions.entries()) {
    s.x[p] += (k % 2 ? -1 : 1) * size * (1 + (k % 3) / 2);
    s.label[p] = 1;
  }
  return s;
}

export function addLevelShift(s: Series, at: number, size: number, labelled = 20, transition = 400): Series {
  for (let i = at; i < s.x.length; i++) {
    s.x[i] += size;
    if (i < at + labelled) s.label[i] = 1;
    else if (i < at + transition) s.label[i] = -1;
  }
  return s;
}

/** a ramp of `slope` per row from `at` for `length` rows, then back to normal */
export function addDrift(s: Series, at: number, length: number, slope: number, unlabelledStart = 50): Series {
  for (let i = at; i < at + length && i < s.x.length; i++) {
    s.x[i] += slope * (i - at);
    s.label[i] = i < at + unlabelledStart ? -1 : 1;
  }
  for (let i = at + length; i < Math.min(s.x.length, at + length + 400); i++) s.label[i] = -1;
  return s;
}

export function spikePositions(from: number, to: number, count: number): number[] {
  const step = Math.floor((to - from) / count);
  return Array.from({ length: count }, (_, k) => from + k * step + ((k * 37) % Math.max(1, step - 1)));
}
