// The short detect evaluation of CI (npm run eval:detect prints the full one): the goals on generated
// series, the trigger-rate benchmark, and SKAB when it is there.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { evaluateDetect, formatDetectReport, type DetectEvalResult } from '../../src/anomaly/eval/detect.js';
import { run as evalCommand } from '../../src/anomaly/commands/eval.js';

describe('omsagg eval detect --short', () => {
  let r: DetectEvalResult;
  it('runs and prints', async () => {
    r = await evaluateDetect({ skabDir: path.resolve('../shared/skab'), short: true });
    console.log(formatDetectReport(r));
    expect(r.shapes.length).toBeGreaterThanOrEqual(10);
  }, 120_000);

  it('no flag on noiseless periodic and constant series; ≤ 0.5 % flagged and ≤ 0.1 % at the top on every anomaly-free shape', () => {
    for (const s of r.shapes) {
      if (['noiseless-periodic', 'constant', 'square-wave'].includes(s.shape)) expect(s.flagged, s.shape).toBe(0);
      expect(s.flagged / s.rows, s.shape).toBeLessThanOrEqual(0.005);
      expect(s.top / s.rows, s.shape).toBeLessThanOrEqual(0.001);
    }
  });

  it('finds spikes and shifts on the shapes where they stand out', () => {
    const found = (shape: string, kind: string) => r.shapes.find((s) => s.shape === shape)!.anomalies.find((a) => a.kind === kind)!;
    for (const shape of ['noiseless-periodic', 'small-noise-periodic', 'constant', 'trends']) {
      for (const kind of ['spike', 'shift']) expect(found(shape, kind).found, `${shape} ${kind}`).toBe(found(shape, kind).events);
    }
  });

  it('the rates mode explains what pileup and dead time explain; judging pileup as one more series does not', () => {
    const [rates, generic] = r.trigger;
    expect(rates.auc).toBeGreaterThan(0.99);
    expect(rates.found).toBe(rates.events);
    expect(rates.notBadFlagged).toBeLessThanOrEqual(0.01);
    expect(rates.cleanFlagged).toBeLessThanOrEqual(0.005);
    expect(generic.auc).toBeLessThan(rates.auc);
  });

  it('on SKAB, when present: the goal (F1 ≥ 0.80 with FAR ≤ 10 %), with fewer false alarms than every leaderboard row above F1 0.5', () => {
    if (!r.skab) return console.log(r.skabMissing);
    expect(r.skab.files).toBe(34);
    expect(r.skab.all.far).toBeLessThan(0.0913);
    expect(r.skab.all.f1).toBeGreaterThanOrEqual(0.8);
  });

  it('rejects unknown subjects and options with a message', async () => {
    const err: string[] = [];
    const log = console.error;
    console.error = (...a: unknown[]) => void err.push(a.join(' '));
    try {
      expect(await evalCommand(['--max-fills', 'x'])).toBe(2);
      expect(await evalCommand(['bogus'])).toBe(2);
      expect(await evalCommand(['detect', '--db', 'sqlite:x'])).toBe(2);
      expect(await evalCommand(['--jobs', 'x'])).toBe(2);
    } finally {
      console.error = log;
    }
    expect(err.join('\n')).toMatch(/unknown option '--max-fills'/);
    expect(err.join('\n')).toMatch(/'lumi' or 'detect'/);
    expect(err.join('\n')).toMatch(/--jobs must be a whole number/);
  });
});
