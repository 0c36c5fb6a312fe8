// The alert discipline (core/alerts.ts): episodes, and the hysteresis of a lasting episode.
import { describe, expect, it } from 'vitest';
import { AlertTracker, DEFAULT_ALERTS } from '../../src/anomaly/core/alerts.js';

const flags = (t: AlertTracker, ps: number[]) => ps.map((p, i) => t.step(0, i, p, []).flag);

describe('AlertTracker', () => {
  it('opens on one strong check or two weak ones and closes after 3 clean checks', () => {
    expect(flags(new AlertTracker(), [0.5, 1e-6, 0.5, 0.5, 0.5, 0.5])).toEqual([false, true, false, false, false, false]);
    expect(flags(new AlertTracker(), [1e-4, 1e-4, 1e-4, 0.5, 0.5, 0.5, 1e-4])).toEqual([false, true, true, false, false, false, false]);
  });

  it('without hysteresis, mildly surprising checks (1e-3 ≤ p < 0.01) close an episode', () => {
    const t = new AlertTracker(DEFAULT_ALERTS);
    const f = flags(t, [1e-6, ...Array(60).fill(1e-4), 0.005, 0.005, 0.005, 0.005]);
    expect(f.slice(0, 61).every(Boolean)).toBe(true);
    expect(f.slice(61)).toEqual([false, false, false, false]);
    expect(t.isOpen).toBe(false);
  });

  it('with hysteresis, a lasting episode stays open while its checks stay below pHold; a blip does not', () => {
    const o = { ...DEFAULT_ALERTS, pHold: 0.01, holdAfter: 50 };
    const lasting = new AlertTracker(o);
    const f = flags(lasting, [1e-6, ...Array(60).fill(1e-4), 0.005, 0.005, 0.005, 0.005, 0.5, 0.5, 0.5]);
    expect(f.slice(0, 65).every(Boolean)).toBe(true);
    expect(f.slice(65)).toEqual([false, false, false]);
    expect(lasting.isOpen).toBe(false);
    expect(lasting.alerts).toHaveLength(1);
    // opened 10 checks ago: not yet a state, it closes as without hysteresis
    const blip = new AlertTracker(o);
    expect(flags(blip, [1e-6, ...Array(9).fill(1e-4), 0.005, 0.005, 0.005]).slice(10)).toEqual([false, false, false]);
    expect(blip.isOpen).toBe(false);
  });
});
