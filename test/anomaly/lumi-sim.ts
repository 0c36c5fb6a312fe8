// A small seeded simulator of per-lumisection path counts for the model unit tests (independent of
// the project's generator): RateMon-like responses, Poisson counts, prescales, dead time.
import type { LumiInput, RunLayout } from '../../src/anomaly/lumi/types.js';
import { gaussian, rng } from './series-shapes.js';

export interface SimPath {
  name: string;
  group: string;
  /** Hz per bunch = a·μ + b·μ² */
  a: number;
  b: number;
}

export function simPaths(): SimPath[] {
  const groups = ['jet', 'met', 'muon', 'egamma', 'tau'];
  const out: SimPath[] = [];
  for (let i = 0; i < 40; i++) {
    const group = groups[i % groups.length];
    // rates span 0.2 Hz .. 40 Hz at μ=50 (counts per LS ~5 .. ~900), a few quadratic
    const scale = 4e-6 * Math.pow(1.15, i);
    out.push({ name: `HLT_${group}_${i}_v1`, group, a: scale, b: i % 3 === 0 ? scale / 40 : 0 });
  }
  return out;
}

export function layoutOf(paths: SimPath[]): RunLayout {
  return { paths: paths.map((p) => p.name), groups: paths.map((p) => p.group), powerGroups: [], feds: [], parts: [] };
}

export interface SimOptions {
  seed?: number;
  nLs?: number;
  run?: number;
  mu0?: number;
  /** per-LS hooks: multiply the expected rate of a path, change live time, prescale, pileup */
  rateFactor?: (ls: number, path: SimPath) => number;
  live?: (ls: number) => number;
  prescale?: (ls: number, pathIndex: number) => number;
  /** multiply the luminosity (pileup follows) */
  lumiFactor?: (ls: number) => number;
}

const BUNCHES = 2544;
const LS_S = 23.31;

function poisson(r: () => number, g: () => number, lambda: number): number {
  if (lambda < 30) {
    const L = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= r();
    } while (p > L);
    return k - 1;
  }
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * g()));
}

export function simulateRun(paths: SimPath[], o: SimOptions = {}): LumiInput[] {
  const r = rng(o.seed ?? 1);
  const g = gaussian(rng((o.seed ?? 1) + 1000));
  const n = o.nLs ?? 300;
  const out: LumiInput[] = [];
  for (let ls = 1; ls <= n; ls++) {
    const mu = (o.mu0 ?? 55) * Math.exp(-ls / 1500) * (o.lumiFactor?.(ls) ?? 1);
    const live = o.live?.(ls) ?? 0.98 - 0.01 * r();
    const counts = new Float64Array(paths.length);
    const prescales = new Float64Array(paths.length);
    paths.forEach((p, i) => {
      const ps = o.prescale?.(ls, i) ?? 1;
      prescales[i] = ps;
      const lam = ((p.a * mu + p.b * mu * mu) * BUNCHES * LS_S * live * (o.rateFactor?.(ls, p) ?? 1)) / ps;
      counts[i] = poisson(r, g, lam);
    });
    out.push({
      run: o.run ?? 1,
      ls,
      pileup: mu,
      lumi: (mu * 8000) / 22.5,
      bunches: BUNCHES,
      live,
      counts,
      prescales,
      leakage: new Float64Array(0),
      temperature: new Float64Array(0),
      fedErrors: new Float64Array(0),
      maskedRocs: new Float64Array(0),
    });
  }
  return out;
}
