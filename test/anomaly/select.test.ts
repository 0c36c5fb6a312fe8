import { describe, expect, it } from 'vitest';
import { medianInPlace, selectKth, sumOfSmallest } from '../../src/anomaly/core/select.js';
import { Rng } from '../../src/shared/prng.js';

// the order statistics the detector's robust spreads use, against a full sort
describe('order statistics without a sort', () => {
  const rng = new Rng(11);
  const cases = Array.from({ length: 300 }, (_, t) => {
    const n = 1 + (t % 37);
    // quantised values (many ties) in half the cases, continuous in the other
    return Float64Array.from({ length: n }, () => (t % 2 ? Math.floor(rng.uniform(0, 4)) : rng.normal()));
  });

  it('selectKth returns the value of each rank', () => {
    for (const a of cases) {
      const sorted = Float64Array.from(a).sort();
      for (let k = 0; k < a.length; k++) expect(selectKth(Float64Array.from(a), k)).toBe(sorted[k]);
    }
  });

  it('medianInPlace is the median of odd and even lengths', () => {
    for (const a of cases) {
      const s = Float64Array.from(a).sort();
      const n = s.length;
      expect(medianInPlace(Float64Array.from(a))).toBe(n % 2 ? s[(n - 1) >> 1] : 0.5 * (s[n / 2 - 1] + s[n / 2]));
    }
    expect(medianInPlace(new Float64Array(0))).toBeNaN();
  });

  it('sumOfSmallest sums the k smallest', () => {
    for (const a of cases) {
      const s = Float64Array.from(a).sort();
      for (const k of [1, Math.ceil(a.length / 2), a.length]) {
        const want = s.subarray(0, k).reduce((p, q) => p + q, 0);
        expect(sumOfSmallest(Float64Array.from(a), k)).toBeCloseTo(want, 12);
      }
    }
  });
});
