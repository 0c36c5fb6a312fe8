// The calibration by construction (core/tail.ts) and the one learning policy (core/learning.ts).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunningTail } from '../../src/anomaly/core/tail.js';
import { decide, DelayedLessons, LEARN_P } from '../../src/anomaly/core/learning.js';
import { gaussian, rng } from './series-shapes.js';

function draws(kind: string, n: number, seed: number): number[] {
  const g = gaussian(rng(seed));
  const r = rng(seed + 1);
  return Array.from({ length: n }, () => {
    if (kind === 'normal') return g();
    if (kind === 'student2') return g() / Math.sqrt((g() ** 2 + g() ** 2) / 2);
    if (kind === 'quantised') return Math.round(2 * g());
    return -Math.log(1 - r()); // exponential: skewed
  });
}

describe('RunningTail: p-values read off the past', () => {
  it('is calibrated on fresh draws of normal, heavy-tailed, quantised and skewed statistics', () => {
    for (const kind of ['normal', 'student2', 'quantised', 'exponential']) {
      const t = new RunningTail({ capacity: 2048, resolution: kind === 'quantised' ? 0.5 : 0 });
      for (const v of draws(kind, 2048, 1)) t.add(v);
      const fresh = draws(kind, 20000, 7);
      for (const alpha of [0.01, 0.05]) {
        const rate = fresh.filter((v) => t.upper(v) <= alpha).length / fresh.length;
        // never anti-conservative beyond sampling noise; ties make it conservative
        expect(rate, `${kind} at ${alpha}`).toBeLessThanOrEqual(alpha * 1.3 + 0.002);
        if (kind !== 'quantised') expect(rate, `${kind} at ${alpha}`).toBeGreaterThan(alpha * 0.5);
      }
    }
  });

  it('grades values beyond everything seen instead of calling them impossible', () => {
    const t = new RunningTail();
    for (const v of draws('normal', 2048, 3)) t.add(v);
    const [a, b, c] = [5, 8, 20].map((v) => t.upper(v));
    expect(a).toBeGreaterThan(b);
    expect(b).toBeGreaterThan(c);
    expect(c).toBeGreaterThan(0);
    expect(a).toBeLessThan(1e-3);
  });

  it('keeps the two ends apart: common on one side, rare on the other', () => {
    const t = new RunningTail({ resolution: 0.5 });
    // +1 a fifth of the time, −1 never
    for (let i = 0; i < 2000; i++) t.add(i % 5 === 0 ? 1 : 0);
    expect(t.twoSided(1)).toBeGreaterThan(0.3);
    expect(t.twoSided(-1)).toBeLessThan(1e-2);
  });

  it('a constant past: values within the resolution are ordinary, a step is not', () => {
    const t = new RunningTail({ resolution: 1e-6 });
    for (let i = 0; i < 1000; i++) t.add(0);
    expect(t.twoSided(1e-9)).toBe(1);
    expect(t.twoSided(0.5)).toBeLessThan(1e-3);
  });

  it('stays calibrated on an autocorrelated statistic (an EW average)', () => {
    const g = gaussian(rng(11));
    const t = new RunningTail();
    let m = 0;
    for (let i = 0; i < 2048; i++) {
      m = 0.9 * m + 0.1 * g();
      t.add(m);
    }
    let hits = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      m = 0.9 * m + 0.1 * g();
      if (t.twoSided(m) <= 1e-3) hits++;
    }
    expect(hits / n).toBeLessThan(3e-3);
  });
});

describe('the learning policy', () => {
  it('teaches what looks normal, drops what waits on a flag, and forgets when an episode closes', () => {
    const v = (p: number) => ({ p, contributors: [] });
    expect(decide({ verdict: v(0.5), ownFlag: false, flagged: false, closed: false }).teach).toBe(true);
    expect(decide({ verdict: v(LEARN_P / 2), ownFlag: false, flagged: false, closed: false }).teach).toBe(false);
    expect(decide({ verdict: v(0.5), ownFlag: true, flagged: true, closed: false }).teach).toBe(false);
    expect(decide({ verdict: v(1e-9), ownFlag: false, flagged: false, closed: false, warmup: true }).teach).toBe(true);
    expect(decide({ verdict: v(0.5), p: 1e-4, ownFlag: false, flagged: false, closed: false }).teach).toBe(false);
  });

  it('lessons wait for the delay, come at once while the model is new, and a flag drops them', () => {
    const l = new DelayedLessons<number>(3, 2);
    const learned: number[] = [];
    const check = (item: number | null) => {
      l.tick((x) => learned.push(x));
      if (item !== null && l.add(item) !== null) learned.push(item);
    };
    check(1);
    check(2); // the first two at once
    check(3);
    check(4);
    expect(learned).toEqual([1, 2]);
    check(5);
    check(null);
    expect(learned).toEqual([1, 2, 3]);
    check(null);
    expect(learned).toEqual([1, 2, 3, 4]);
    l.drop();
    check(null);
    check(null);
    check(null);
    expect(learned).toEqual([1, 2, 3, 4]);
  });
});

describe('the rooms of the anomaly package', () => {
  it('imports nothing from the generator at run time (models, commands, probes)', () => {
    const roots = ['src/anomaly', 'src/probes', 'src/shared'];
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts') && /from '[./]*\/synth\/|import\('[./]*\/synth\//.test(fs.readFileSync(p, 'utf8'))) offenders.push(p);
      }
    };
    roots.forEach(walk);
    expect(offenders).toEqual([]);
  });
});
