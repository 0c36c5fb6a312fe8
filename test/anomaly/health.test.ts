// Pixel health checks on simulated readings: HV trip, cooling excursion, FED bursts, masked ROCs.
import { describe, expect, it } from 'vitest';
import { fitHealthReference, HealthModel } from '../../src/anomaly/lumi/health-model.js';
import { leakageTemperatureFactor as temperatureFactor } from '../../src/shared/physics.js';
import type { LumiInput, RunLayout } from '../../src/anomaly/lumi/types.js';
import { gaussian, rng } from './series-shapes.js';

const layout: RunLayout = { paths: [], groups: [], powerGroups: ['PG_A', 'PG_B'], feds: ['1200', '1201'], parts: ['BPix_L1', 'FPix_Dp1'] };

interface Hooks {
  temp?: (ls: number, g: number) => number;
  trip?: (ls: number, g: number) => boolean;
  fed?: (ls: number, f: number) => number;
  extraMasked?: (ls: number, k: number) => number;
}

function run(seed: number, n: number, h: Hooks = {}): LumiInput[] {
  const r = rng(seed);
  const g = gaussian(rng(seed + 1));
  const seu = [16, 16];
  const out: LumiInput[] = [];
  for (let ls = 1; ls <= n; ls++) {
    if (ls % 80 === 0) seu.fill(16); // recovery clears single-event upsets
    const temperature = Float64Array.from([0, 1], (k) => -20 + 0.05 * g() + (h.temp?.(ls, k) ?? 0));
    const leakage = Float64Array.from([0, 1], (k) => (h.trip?.(ls, k) ? 0.02 : 800 * (1 + 0.002 * g()) * temperatureFactor(temperature[k])));
    for (let k = 0; k < 2; k++) if (r() < 0.02) seu[k] += 16;
    out.push({
      run: 1,
      ls,
      pileup: 40,
      lumi: 15000,
      bunches: 2544,
      live: 0.98,
      counts: new Float64Array(0),
      prescales: new Float64Array(0),
      leakage,
      temperature,
      fedErrors: Float64Array.from([0, 1], (f) => (r() < 0.05 ? 55 : r() < 0.2 ? 2 : 0) + (h.fed?.(ls, f) ?? 0)),
      maskedRocs: Float64Array.from([0, 1], (k) => seu[k] + (h.extraMasked?.(ls, k) ?? 0)),
    });
  }
  return out;
}

const ref = fitHealthReference(layout, [run(1, 300), run(2, 300)]);

function score(xs: LumiInput[]): number[] {
  const m = new HealthModel(layout, ref);
  return xs.map((x) => {
    const e = m.evaluate(x);
    m.learn();
    return e.p;
  });
}

describe('health model', () => {
  it('is quiet on a normal run with single-event upsets, recoveries and short FED bursts', () => {
    const p = score(run(3, 400));
    expect(p.filter((v) => v < 1e-4).length).toBe(0);
  });

  it('flags an HV trip at once and forgets it when the current is back', () => {
    const p = score(run(4, 200, { trip: (ls, g) => g === 1 && ls >= 100 && ls < 110 }));
    expect(p[99]).toBeLessThan(1e-9);
    expect(Math.max(...p.slice(99, 109))).toBeLessThan(1e-6);
    expect(Math.min(...p.slice(112))).toBeGreaterThan(1e-4);
  });

  it('flags a cooling excursion through its plateau, although the corrected current hides it', () => {
    const p = score(run(5, 200, { temp: (ls, g) => (g === 0 && ls >= 100 && ls < 130 ? 3 : 0) }));
    expect(p.slice(100, 129).every((v) => v < 1e-6)).toBe(true);
    expect(Math.min(...p.slice(132))).toBeGreaterThan(1e-4);
  });

  it('flags a FED burst that persists, not a single-lumisection upset burst', () => {
    const p = score(run(6, 200, { fed: (ls, f) => (f === 0 && ls >= 100 && ls < 140 ? 300 : 0) }));
    expect(p.slice(101, 139).every((v) => v < 1e-6)).toBe(true);
  });

  it('flags several modules masked at once, also across a recovery, not single upsets', () => {
    // 3 modules masked from LS 150 to 190: a recovery at LS 160 does not clear them
    const p = score(run(7, 240, { extraMasked: (ls, k) => (k === 1 && ls >= 150 && ls < 190 ? 48 : 0) }));
    expect(p[149]).toBeLessThan(1e-4);
    expect(p.slice(150, 189).every((v) => v < 1e-3)).toBe(true);
    expect(Math.min(...p.slice(192))).toBeGreaterThan(1e-4);
  });
});

describe('health model: temperature expectation from a narrow luminosity span', () => {
  // eight power groups warming by 4e-5 °C per unit of luminosity (the occupancy term); a reference
  // whose luminosity spans only 14 700..15 300 (a run's own start) knows each group's slope poorly
  const pgs = Array.from({ length: 8 }, (_, i) => `PG_${i}`);
  const lay: RunLayout = { paths: [], groups: [], powerGroups: pgs, feds: [], parts: [] };
  const g = gaussian(rng(41));
  const mk = (n: number, lumi: (ls: number) => number, heat: (ls: number) => number = () => 0): LumiInput[] =>
    Array.from({ length: n }, (_, i) => {
      const ls = i + 1;
      const temperature = Float64Array.from(pgs, () => -22 + 4e-5 * lumi(ls) + 0.05 * g() + heat(ls));
      return {
        run: 1,
        ls,
        pileup: 40,
        lumi: lumi(ls),
        bunches: 2544,
        live: 0.98,
        counts: new Float64Array(0),
        prescales: new Float64Array(0),
        leakage: Float64Array.from(temperature, (t) => 800 * temperatureFactor(t)),
        temperature,
        fedErrors: new Float64Array(0),
        maskedRocs: new Float64Array(0),
      };
    });
  const narrow = fitHealthReference(lay, [mk(60, (ls) => 15300 - 10 * ls)]);
  const pOf = (xs: LumiInput[]) => {
    const m = new HealthModel(lay, narrow);
    return xs.map((x) => {
      const e = m.evaluate(x);
      m.learn();
      return e.p;
    });
  };

  it('a luminosity drop (the sensors cool a little) does not flag', () => {
    const p = pOf(mk(200, (ls) => (ls >= 100 && ls < 120 ? 6000 : 14500)));
    expect(p.filter((v) => v < 1e-4).length).toBe(0);
  });

  it('a cooling excursion of +3 °C still flags', () => {
    const p = pOf(
      mk(
        200,
        () => 14500,
        (ls) => (ls >= 100 && ls < 120 ? 3 : 0),
      ),
    );
    expect(p.slice(100, 120).filter((v) => v < 1e-6).length).toBeGreaterThanOrEqual(15);
  });
});
