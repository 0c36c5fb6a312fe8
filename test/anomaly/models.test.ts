// Unit tests of the lumisection models on simulated arrays (test/anomaly/lumi-sim.ts).
import { describe, expect, it } from 'vitest';
import { AlertTracker } from '../../src/anomaly/core/alerts.js';
import { combineP, scoreFromP, TailCalibrator } from '../../src/anomaly/core/calibrate.js';
import { CorrelationModel } from '../../src/anomaly/lumi/correlation-model.js';
import { buildReference, RunScorer } from '../../src/anomaly/lumi/scorer.js';
import { commonMode } from '../../src/anomaly/lumi/rate-model.js';
import { groupScan } from '../../src/anomaly/lumi/group-scan.js';
import { fitSubspace, projectionResidual, symmetricEigen } from '../../src/anomaly/core/pca.js';
import { extrapolationError, fitResponse, responseAt } from '../../src/anomaly/lumi/response.js';
import { chiSquareUpperTail, normalUpperTail, rocAuc } from '../../src/anomaly/core/stats.js';
import { correctedLogCurrent } from '../../src/anomaly/lumi/health-model.js';
import { leakageTemperatureFactor as temperatureFactor } from '../../src/shared/physics.js';
import { gaussian, rng } from './series-shapes.js';
import { layoutOf, simPaths, simulateRun, type SimOptions } from './lumi-sim.js';

const paths = simPaths();
const layout = layoutOf(paths);
const reference = buildReference(layout, [simulateRun(paths, { seed: 11, run: 1, nLs: 400 }), simulateRun(paths, { seed: 12, run: 2, nLs: 400, mu0: 40 })]);

function scoreRun(o: SimOptions) {
  const scorer = new RunScorer(layout, reference);
  return simulateRun(paths, { seed: 21, run: 3, nLs: 300, ...o }).map((x) => scorer.score(x));
}

describe('statistics', () => {
  it('normal and χ² tails, AUC', () => {
    expect(normalUpperTail(1.959964)).toBeCloseTo(0.025, 5);
    expect(normalUpperTail(5)).toBeCloseTo(2.87e-7, 8);
    expect(chiSquareUpperTail(18.307, 10)).toBeCloseTo(0.05, 2);
    expect(rocAuc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([1, 1, 1, 1], [0, 1, 0, 1])).toBe(0.5);
  });

  it('Jacobi eigen-decomposition and the PCA subspace', () => {
    const e = symmetricEigen([
      [2, 1],
      [1, 2],
    ]);
    expect(e.values[0]).toBeCloseTo(3, 10);
    expect(e.values[1]).toBeCloseTo(1, 10);
    // rows = t·(1,1,0,…) + noise: one component, and its direction is explained
    const g = gaussian(rng(3));
    const rows = Array.from({ length: 400 }, () => {
      const t = 5 * g();
      return Float64Array.from({ length: 8 }, (_, j) => (j < 2 ? t : 0) + 0.3 * g());
    });
    const s = fitSubspace(rows);
    expect(s.basis).toHaveLength(1);
    const r = projectionResidual(s, [10, 10, 0, 0, 0, 0, 0, 0]);
    expect(Math.hypot(...r)).toBeLessThan(0.5);
    const r2 = projectionResidual(s, [10, -10, 0, 0, 0, 0, 0, 0]);
    expect(Math.hypot(...r2)).toBeGreaterThan(10);
  });

  it('leakage current temperature scaling doubles about every 6-7 K near −20 °C', () => {
    expect(temperatureFactor(-20)).toBeCloseTo(1, 10);
    expect(temperatureFactor(-13.5)).toBeGreaterThan(1.8);
    expect(temperatureFactor(-13.5)).toBeLessThan(2.3);
    expect(correctedLogCurrent(200 * temperatureFactor(-10), -10)).toBeCloseTo(Math.log(200), 10);
  });
});

describe('rate response fit', () => {
  it('recovers a quadratic pileup response and finds no systematic beyond Poisson', () => {
    const runs = [simulateRun(paths, { seed: 1, nLs: 400 }), simulateRun(paths, { seed: 2, nLs: 400, mu0: 30 })].flat();
    const p = 39; // quadratic, ~1000 counts per LS
    const r = fitResponse(runs.map((x) => ({ mu: x.pileup, counts: x.counts[p], prescale: x.prescales[p], live: x.live, bunches: x.bunches })))!;
    const truth = (mu: number) => paths[p].a * mu + paths[p].b * mu * mu;
    for (const mu of [30, 45, 55]) {
      const y = responseAt(r, mu);
      expect(Math.abs(y / truth(mu) - 1)).toBeLessThan(0.01);
    }
    expect(r.sigmaSys).toBeLessThan(0.02);
  });
});

describe('group subset scan and extrapolation error', () => {
  it('is not over-confident on independent normal residuals, and finds a few paths of a large group low together', () => {
    const g = gaussian(rng(17));
    const ps = Array.from({ length: 3000 }, () => groupScan(Array.from({ length: 60 }, () => g())).p);
    expect(ps.filter((p) => p < 0.01).length).toBeLessThan(0.015 * ps.length);
    expect(ps.filter((p) => p < 0.001).length).toBeLessThan(0.003 * ps.length);
    // 4 of 60 paths 4 sigma low: the group mean moves by only 16/√60 ≈ 2 sigma
    const v = Array.from({ length: 60 }, (_, i) => g() - (i < 4 ? 4 : 0));
    const r = groupScan(v);
    expect(r.dir).toBe(-1);
    expect(r.p).toBeLessThan(1e-4);
  });

  it('counts the pileup travelled since the gain was learned, not the distance to the reference range', () => {
    const r = { a: 0, beta: 1, gamma: 0, sigmaSys: 0, meanCounts: 100, lMin: Math.log(30 / 40), lMax: Math.log(50 / 40) };
    // learned at μ 20 (outside by ln 1.5), now at μ 19.8: a tiny error, not ln 1.5
    const from = Math.log(20 / 30);
    expect(extrapolationError(r, 19.8, from, Math.log(20 / 40))).toBeLessThan(0.02);
    expect(extrapolationError(r, 20)).toBeCloseTo(Math.log(30 / 20), 6);
    // inside the range a jump of pileup costs a little (an uncertain exponent)
    expect(extrapolationError(r, 30, 0, Math.log(45 / 40))).toBeGreaterThan(0.05);
  });
});

describe('common mode', () => {
  const n = 200;
  const slope = Float64Array.from({ length: n }, (_, k) => (k % 20) / 5); // exponents 0 .. 3.8
  const sigma = new Float64Array(n).fill(0.02);
  const g = gaussian(rng(5));
  const xBar = slope.reduce((a, b) => a + b, 0) / n;
  // a global change seen through each path's exponent: shift, slope and curvature
  const shape = (k: number) => -0.3 + 0.08 * (slope[k] - xBar) + 0.03 * (slope[k] - xBar) ** 2;

  it("explains a change that follows the paths' pileup exponents once pileup has travelled, not in steady running", () => {
    const d = Float64Array.from({ length: n }, (_, k) => shape(k) + 0.02 * g());
    const rms = (cm: ReturnType<typeof commonMode>) => Math.sqrt(d.reduce((a, v, k) => a + (v - cm.commonAt[k]) ** 2, 0) / n);
    const moved = commonMode(d, sigma, slope, 0.5);
    expect(rms(moved)).toBeLessThan(0.03); // the noise (0.02) is what is left
    expect(moved.common).toBeCloseTo(-0.3 + 0.03 * (slope.reduce((a, x) => a + (x - xBar) ** 2, 0) / n), 1);
    // without pileup travel the shape terms are restrained by their prior: where the data are not
    // much more precise than it (noisy paths), the common mode stays nearly flat
    const noisy = Float64Array.from({ length: n }, (_, k) => shape(k) + 0.2 * g());
    const sigmaNoisy = new Float64Array(n).fill(0.2);
    const amplitude = (cm: ReturnType<typeof commonMode>) => Math.sqrt(cm.commonAt.reduce((a, v) => a + (v - cm.common) ** 2, 0) / n);
    const free = amplitude(commonMode(noisy, sigmaNoisy, slope, 0.5));
    expect(free).toBeGreaterThan(0.05);
    expect(amplitude(commonMode(noisy, sigmaNoisy, slope, 0))).toBeLessThan(0.3 * free);
  });

  it('does not absorb a few paths moving on their own, even after pileup travel', () => {
    const hit = new Set([3, 23, 43, 63, 83, 103]);
    const d = Float64Array.from({ length: n }, (_, k) => shape(k) + (hit.has(k) ? -0.3 : 0) + 0.02 * g());
    const cm = commonMode(d, sigma, slope, 0.5);
    for (const k of hit) expect(d[k] - cm.commonAt[k]).toBeLessThan(-0.2);
  });
});

describe('calibration, combination, alerts', () => {
  it('calibrates an over-confident p-value back to uniform-ish, and never sharpens a calibrated one', () => {
    const g = gaussian(rng(5));
    // z with sigma 1.5 scored as if sigma 1: raw p is too small
    const ref = Array.from({ length: 5000 }, () => 2 * normalUpperTail(Math.abs(1.5 * g())));
    const c = TailCalibrator.fit(ref);
    expect(c.exponent).toBeLessThan(0.75);
    expect(c.exponent).toBeGreaterThan(0.5);
    const frac = ref.filter((p) => c.apply(p) < 0.01).length / ref.length;
    expect(frac).toBeGreaterThan(0.003);
    expect(frac).toBeLessThan(0.03);
    const honest = Array.from({ length: 5000 }, () => 2 * normalUpperTail(Math.abs(0.7 * g())));
    expect(TailCalibrator.fit(honest).exponent).toBe(1);
    // Šidák: 1 − (1 − 0.01)³
    expect(combineP([0.01, 0.5, 1])).toBeCloseTo(0.029701, 10);
    expect(scoreFromP(1e-6)).toBeCloseTo(0.5, 10);
  });

  it('raises an episode once, on a strong check or on persistence, and holds it off', () => {
    const t = new AlertTracker({ pStrong: 1e-6, pWeak: 1e-3, persist: 2, holdOff: 3 });
    const seq = [0.5, 1e-4, 0.5, 1e-4, 1e-4, 1e-4, 0.5, 1e-4, 0.5, 0.5, 0.5, 1e-8, 0.5];
    const out = seq.map((p, i) => t.step(1, i + 1, p, []));
    expect(out.map((o) => (o.flag ? 1 : 0))).toEqual([0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0]);
    expect(t.alerts.map((a) => [a.firstLs, a.raisedLs])).toEqual([
      [4, 5],
      [12, 12],
    ]);
  });
});

describe('lumisection scorer on simulated runs', () => {
  const flagged = (s: ReturnType<typeof scoreRun>, from = 1, to = 1e9) => s.filter((x) => x.ls >= from && x.ls <= to && x.models.combined.flag).length;

  it('a clean run raises no alert', () => {
    const s = scoreRun({});
    expect(flagged(s)).toBe(0);
    expect(s.filter((x) => x.models.combined.p < 0.01).length).toBeLessThan(12);
  });

  it('a group of paths dropping 10 % is flagged within 2 lumisections and named', () => {
    const s = scoreRun({ rateFactor: (ls, p) => (ls >= 100 && ls < 130 && p.group === 'jet' ? 0.9 : 1) });
    expect(flagged(s, 1, 99)).toBe(0);
    expect(flagged(s, 100, 129)).toBeGreaterThanOrEqual(25);
    expect(flagged(s, 140)).toBe(0);
    const first = s.find((x) => x.models.combined.flag)!;
    expect(first.ls).toBeLessThanOrEqual(101);
    expect(JSON.stringify(first.models.combined.contributors)).toContain('jet');
  });

  it('three paths of a group dropping 20 % are flagged within 2 lumisections', () => {
    const hit = new Set(['HLT_muon_22_v1', 'HLT_muon_27_v1', 'HLT_muon_32_v1']);
    const s = scoreRun({ rateFactor: (ls, p) => (ls >= 100 && ls < 120 && hit.has(p.name) ? 0.8 : 1) });
    expect(flagged(s, 1, 99)).toBe(0);
    expect(s.find((x) => x.models.combined.flag)!.ls).toBeLessThanOrEqual(101);
    expect(flagged(s, 100, 119)).toBeGreaterThanOrEqual(15);
  });

  it('the predicted rate of the top path is the prediction it was scored against (per-run gain included)', () => {
    // one path runs 40 % above its reference all run long (learned by the per-run gain), then spikes ×3
    const s = scoreRun({ rateFactor: (ls, p) => (p.name === 'HLT_met_31_v1' ? 1.4 * (ls === 200 ? 3 : 1) : 1) });
    const top = s.find((x) => x.ls === 200)!.models.rate.contributors[0] as { name: string; observed_rate_hz: number; predicted_rate_hz: number };
    expect(top.name).toBe('HLT_met_31_v1');
    expect(top.observed_rate_hz / top.predicted_rate_hz).toBeGreaterThan(2.5);
    expect(top.observed_rate_hz / top.predicted_rate_hz).toBeLessThan(3.5);
  });

  it('a weak persistent shift keeps its evidence on a lumisection where its paths happen to sit at their prediction', () => {
    // three jet paths 5 % low for 40 LS, except one LS where they are 3 % high: the memories of the
    // shift still speak there (a gate on that LS's own residuals dropped them: p ≈ 1), and the
    // lumisections after the shift are not flagged
    const hit = new Set(['HLT_jet_25_v1', 'HLT_jet_30_v1', 'HLT_jet_35_v1']);
    for (const seed of [21, 22]) {
      const s = scoreRun({ seed, nLs: 200, rateFactor: (ls, p) => (hit.has(p.name) ? (ls === 125 ? 1.03 : ls >= 100 && ls < 140 ? 0.95 : 1) : 1) });
      expect(s.find((x) => x.ls === 125)!.models.rate.p).toBeLessThan(0.05);
      expect(flagged(s, 1, 99)).toBe(0);
      expect(flagged(s, 150)).toBe(0);
    }
  });

  it('a global drop (dead time or luminosity) is explained and does not flag', () => {
    const dead = scoreRun({ live: (ls) => (ls >= 100 && ls < 120 ? 0.6 : 0.98) });
    expect(flagged(dead)).toBe(0);
    expect(dead.find((x) => x.ls === 110)!.common).toBeLessThan(0.1);
    const lumi = scoreRun({ lumiFactor: (ls) => (ls >= 100 && ls < 120 ? 0.7 : 1) });
    expect(flagged(lumi)).toBe(0);
  });

  it('a run with no earlier run learns from its own past and then flags a group drop', () => {
    // the health-only reference of a first run: its own first 60 LS, path models off until relearned
    const run = simulateRun(paths, { seed: 31, run: 1, nLs: 400, rateFactor: (ls, p) => (ls >= 300 && ls < 330 && p.group === 'jet' ? 0.85 : 1) });
    const scorer = new RunScorer(layout, buildReference(layout, [run.slice(0, 60)]), undefined, false);
    const s = run.map((x) => scorer.score(x));
    expect(s.filter((x) => x.ls < 60 && x.models.rate.p < 1).length).toBe(0);
    expect(s.filter((x) => x.ls < 300 && x.models.combined.flag).length).toBe(0);
    expect(s.filter((x) => x.ls >= 300 && x.ls < 330 && x.models.combined.flag).length).toBeGreaterThanOrEqual(20);
    expect(s.filter((x) => x.ls >= 340 && x.models.combined.flag).length).toBe(0);
  });

  it('a one-lumisection spike is not remembered: the lumisections after it do not flag', () => {
    const s = scoreRun({ rateFactor: (ls, p) => (ls >= 200 && ls < 203 && p.group === 'jet' ? 5 : 1) });
    expect(s.filter((x) => x.ls >= 200 && x.ls < 203 && x.models.combined.flag).length).toBe(3);
    expect(flagged(s, 203)).toBe(0);
  });

  it('a prescale-column change does not flag', () => {
    const s = scoreRun({ prescale: (ls, i) => (ls >= 150 && i % 2 === 0 ? 2 : 1) });
    expect(flagged(s)).toBe(0);
  });

  it('a ×3 noise spike on MET paths in one lumisection is flagged at once', () => {
    const s = scoreRun({ rateFactor: (ls, p) => (ls === 200 && p.group === 'met' ? 3 : 1) });
    expect(s.find((x) => x.ls === 200)!.models.combined.flag).toBe(true);
    expect(flagged(s)).toBeLessThanOrEqual(2);
  });

  it('a decorrelating group is caught by the correlation model', () => {
    const g = gaussian(rng(9));
    const noise = new Map<number, number>();
    const s = scoreRun({
      rateFactor: (ls, p) => {
        if (ls < 100 || ls >= 140 || p.group !== 'muon') return 1;
        if (!noise.has(ls * 100 + p.name.length)) noise.set(ls * 100 + p.name.length, Math.exp(0.25 * g()));
        return noise.get(ls * 100 + p.name.length)!;
      },
    });
    const inside = s.filter((x) => x.ls >= 100 && x.ls < 140);
    // the correlation model alone sees most of the 40 LS; the combined verdict flags them
    expect(inside.filter((x) => x.models.correlation.p < 1e-3).length).toBeGreaterThanOrEqual(28);
    expect(flagged(s, 100, 139)).toBeGreaterThanOrEqual(30);
    expect(flagged(s, 1, 99)).toBe(0);
    expect(flagged(s, 140)).toBe(0);
  });

  it('the correlation model explains a common shift and flags one path against the others', () => {
    const g = gaussian(rng(4));
    const ref = Array.from({ length: 500 }, () => Float64Array.from({ length: 20 }, () => g()));
    const m = new CorrelationModel(
      Array.from({ length: 20 }, (_, i) => `p${i}`),
      ref,
    );
    const ok = Float64Array.from({ length: 20 }, () => g());
    expect(m.evaluate(ok).p).toBeGreaterThan(1e-3);
    const bad = Float64Array.from(ok);
    bad[3] += 8;
    const r = m.evaluate(bad);
    expect(r.p).toBeLessThan(1e-4);
    expect(r.contributors[0].name).toBe('p3');
  });
});
