// Seasonal period of a learning window, from the autocorrelation of the linearly detrended values.

export interface PeriodEstimate {
  /** period in samples (rows, fractional after peak interpolation), or 0 when no clear seasonality */
  lagRows: number;
  /** autocorrelation at that lag (dimensionless, -1..1) */
  acf: number;
}

/**
 * Finds the lag of the strongest autocorrelation peak after the first zero crossing.
 * Requires at least two full periods in the window; a peak below `minAcf` means "no season".
 */
export function estimatePeriod(values: ArrayLike<number>, minAcf = 0.3): PeriodEstimate {
  const xs: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) xs.push(values[i]);
  const n = xs.length;
  if (n < 16) return { lagRows: 0, acf: 0 };
  // detrend (ordinary least squares on the index)
  const mi = (n - 1) / 2;
  let my = 0;
  for (const v of xs) my += v;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - mi) * (xs[i] - my);
    sxx += (i - mi) * (i - mi);
  }
  const slope = sxy / sxx;
  const r = xs.map((v, i) => v - my - slope * (i - mi));
  let var0 = 0;
  for (const v of r) var0 += v * v;
  if (var0 <= 0) return { lagRows: 0, acf: 0 };
  const maxLag = Math.floor(n / 2);
  const acf = new Float64Array(maxLag + 1);
  for (let lag = 1; lag <= maxLag; lag++) {
    let s = 0;
    for (let i = lag; i < n; i++) s += r[i] * r[i - lag];
    // unbiased (per pair): the plain sum shrinks with the lag and pulls the peak early
    acf[lag] = s / (n - lag) / (var0 / n);
  }
  let lag = 1;
  while (lag <= maxLag && acf[lag] > 0) lag++;
  let best = 0;
  let bestAcf = minAcf;
  for (; lag < maxLag; lag++) {
    if (acf[lag] > bestAcf && acf[lag] >= acf[lag - 1] && acf[lag] >= acf[lag + 1]) {
      best = lag;
      bestAcf = acf[lag];
    }
  }
  // prefer the fundamental: a multiple of a shorter peak with comparable strength is the same season
  if (best > 0) {
    for (let div = 5; div >= 2; div--) {
      const l = Math.round(best / div);
      if (l < 2) continue;
      let peak = 0;
      let peakLag = 0;
      for (let d = Math.max(2, l - 2); d <= Math.min(maxLag - 1, l + 2); d++) if (acf[d] > peak) [peak, peakLag] = [acf[d], d];
      if (peakLag > 0 && peak > 0.8 * bestAcf) return { lagRows: refine(acf, peakLag), acf: peak };
    }
  }
  return { lagRows: best ? refine(acf, best) : 0, acf: best ? bestAcf : 0 };
}

/** Parabolic interpolation of the peak: sub-row precision matters when the phase is carried for weeks. */
function refine(acf: Float64Array, lag: number): number {
  if (lag < 1 || lag + 1 >= acf.length) return lag;
  const [a, b, c] = [acf[lag - 1], acf[lag], acf[lag + 1]];
  const den = a - 2 * b + c;
  return den < 0 ? lag + Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den)) : lag;
}

const KNOWN_PERIODS_S = [3600, 86400, 7 * 86400];

/** Snaps a period (in seconds) to an hour, a day or a week when it is within 3 % of one. */
export function snapPeriodSeconds(periodS: number): number {
  for (const k of KNOWN_PERIODS_S) if (Math.abs(periodS - k) <= 0.03 * k) return k;
  return periodS;
}
