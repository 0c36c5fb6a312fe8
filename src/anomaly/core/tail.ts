// Calibration by construction: a statistic's p-value is read off the distribution of its own past
// values, not off a noise model. The past is a ring buffer of the statistic on rows judged normal;
// a sorted snapshot of it answers P(S ≥ s) and P(S ≤ s) by counting, and beyond its extreme values
// by generalised Pareto tails fitted to them (probability-weighted moments), so a value never seen
// gets a graded probability instead of 0, and heavy-tailed statistics are not mistaken for alarms.
// Both ends are kept apart: a quantised or skewed statistic can be common on one side and rare on
// the other.

/** share of the snapshot whose excesses each Pareto tail is fitted to */
const TAIL_SHARE = 0.04;
/** fewest excesses a tail is fitted to */
const TAIL_MIN = 8;
/** shape bounds: 0 is the exponential tail (lighter tails are not extrapolated as bounded, which would
 *  give p = 0), 0.9 about the Cauchy's */
const XI_MAX = 0.9;
/** knots of the lookup table (p-values in the bulk are exact to 1/KNOTS) */
const KNOTS = 256;
/**
 * How much the autocorrelation of a statistic shrinks its effective number of excesses:
 * k_eff = k·((1 − ρ)/(1 + ρ))^w. w = 1 is the textbook effective sample size of an AR(1) series, and
 * made the EW averages so cautious that most of SKAB's valve closures went unflagged; w = 0.25 was
 * chosen on SKAB's valve1 experiments (the tuning subset, docs/design.md).
 */
const DEPENDENCE_WEIGHT = 0.25;

export interface RunningTailOptions {
  /** values kept (the long run) */
  capacity?: number;
  /** smallest meaningful excess beyond the extreme past values (the statistic's resolution) */
  resolution?: number;
}

interface Pareto {
  /** threshold, share of the values beyond it, scale and shape */
  u: number;
  share: number;
  sigma: number;
  xi: number;
}

export class RunningTail {
  private readonly ring: Float64Array;
  private size = 0;
  private head = 0;
  private sorted: Float64Array = new Float64Array(0);
  private buffer: Float64Array = new Float64Array(0);
  /** the sorted snapshot at KNOTS + 1 evenly spaced ranks: lookups search this small table */
  private readonly knots = new Float64Array(KNOTS + 1);
  /** the rank in the snapshot of each knot */
  private readonly ranks = new Float64Array(KNOTS + 1);
  private sinceFit = 0;
  private hi: Pareto = { u: Infinity, share: 0, sigma: 0, xi: 0 };
  private lo: Pareto = { u: Infinity, share: 0, sigma: 0, xi: 0 };
  private readonly resolution: number;
  /** (1 − ρ)/(1 + ρ) of the values in time order: the share of them that are independent */
  private dependence = 1;

  constructor(o: RunningTailOptions = {}) {
    this.ring = new Float64Array(Math.max(16, o.capacity ?? 2048));
    this.resolution = Math.max(o.resolution ?? 0, 0);
  }

  /** values in the long run */
  get count(): number {
    return this.size;
  }

  /** Adds a value of the statistic seen on a normal row. */
  add(v: number): void {
    if (!Number.isFinite(v)) return;
    this.ring[this.head] = v;
    this.head = (this.head + 1) % this.ring.length;
    if (this.size < this.ring.length) this.size++;
    // a sort of the whole buffer: often while the past is short, then every second turn of the ring
    if (++this.sinceFit >= (this.size < this.ring.length ? Math.max(8, this.size >> 2) : 2 * this.ring.length) || this.sorted.length === 0) this.refit();
  }

  /** P(S ≥ v) under the past (values within the resolution count as equal); 1 with no past yet. */
  upper(value: number): number {
    const v = value - this.resolution;
    const s = this.sorted;
    const n = s.length;
    if (n === 0 || !Number.isFinite(v) || v <= s[0]) return 1;
    if (v > this.hi.u) return this.beyond(this.hi, v - this.hi.u);
    // the first knot ≥ v; every value after the knot before it counts as ≥ v (conservative by < n/K)
    const i = firstAtLeast(this.knots, v);
    return Math.min(1, (n - this.rankOf(i - 1) - 0.5) / (n + 1));
  }

  /** P(S ≤ v) under the past (values within the resolution count as equal); 1 with no past yet. */
  lower(value: number): number {
    const v = value + this.resolution;
    const s = this.sorted;
    const n = s.length;
    if (n === 0 || !Number.isFinite(v) || v >= s[n - 1]) return 1;
    if (v < -this.lo.u) return this.beyond(this.lo, -this.lo.u - v);
    // the first knot > v; every value before it counts as ≤ v
    const i = firstAbove(this.knots, v);
    return Math.min(1, (this.rankOf(i) + 0.5) / (n + 1));
  }

  /** rank in the sorted snapshot of knot i */
  private rankOf(i: number): number {
    return this.ranks[i];
  }

  /** Two-sided p-value of a signed statistic: twice the smaller tail (the one on v's side of the median). */
  twoSided(v: number): number {
    const s = this.sorted;
    if (s.length === 0) return 1;
    return Math.min(1, 2 * (v >= s[s.length >> 1] ? this.upper(v) : this.lower(v)));
  }

  private beyond(t: Pareto, excess: number): number {
    if (!(t.sigma > 0)) return 0.5 / (this.sorted.length + 1);
    const y = excess / t.sigma;
    return t.share * (t.xi < 1e-6 ? Math.exp(-y) : Math.pow(1 + t.xi * y, -1 / t.xi));
  }

  private refit(): void {
    this.sinceFit = 0;
    const n = this.size;
    this.dependence = lagOneDependence(this.ring, n, this.head);
    if (this.buffer.length < n) this.buffer = new Float64Array(this.ring.length);
    const s = this.buffer.subarray(0, n);
    s.set(this.ring.subarray(0, n));
    sortNumbers(s, 0, n - 1);
    this.sorted = s;
    for (let i = 0; i <= KNOTS; i++) {
      this.ranks[i] = Math.round((i * (n - 1)) / KNOTS);
      this.knots[i] = s[this.ranks[i]];
    }
    this.hi = this.fit(n, (i) => s[n - 1 - i]);
    // the lower tail is the upper tail of −S (its threshold is stored negated)
    this.lo = this.fit(n, (i) => -s[i]);
  }

  /** Pareto tail of the largest values; `desc(i)` is the i-th largest. */
  private fit(n: number, desc: (i: number) => number): Pareto {
    const k = Math.min(n - 1, Math.max(TAIL_MIN, Math.round(TAIL_SHARE * n)));
    if (k < TAIL_MIN) {
      // too short a past for a tail: beyond the extreme value, decay on the resolution scale
      return { u: desc(0), share: 0.5 / (n + 1), sigma: this.resolution / 4, xi: 0 };
    }
    const u = desc(k);
    // probability-weighted moments of the k excesses (Hosking & Wallis 1987), ascending order
    let a0 = 0;
    let a1 = 0;
    for (let i = 0; i < k; i++) {
      const y = desc(k - 1 - i) - u;
      a0 += y;
      a1 += (1 - (i + 0.65) / k) * y;
    }
    a0 /= k;
    a1 /= k;
    const d = a0 - 2 * a1;
    const xiHat = Math.min(XI_MAX, Math.max(0, d > 0 ? 2 - a0 / d : 0));
    // The scale consistent with the mean excess for the clamped shape: mean = σ/(1 − ξ). The shape
    // then widens by 1/k_eff, the predictive tail of an exponential whose scale is known from k_eff
    // independent excesses (a Lomax): a short or strongly autocorrelated past (an EW average) has seen
    // few independent extremes and must not extrapolate as if it had seen many.
    const kEff = Math.max(1, k * Math.pow(this.dependence, DEPENDENCE_WEIGHT));
    const xi = Math.min(XI_MAX, xiHat + 1 / kEff);
    return { u, share: (k + 0.5) / (n + 1), sigma: Math.max(a0 * (1 - xiHat), this.resolution / 4), xi };
  }
}

function firstAtLeast(s: Float64Array, v: number): number {
  // (on the knots: the first knot ≥ v)
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function firstAbove(s: Float64Array, v: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** (1 − ρ)/(1 + ρ) for the lag-one autocorrelation ρ ≥ 0 of a ring buffer's values in time order. */
function lagOneDependence(ring: Float64Array, n: number, head: number): number {
  if (n < 8) return 1;
  const L = ring.length;
  const start = n < L ? 0 : head;
  let mean = 0;
  // in time order: from start to the end of the ring, then from its beginning (no modulo per value)
  for (let i = start; i < start + n && i < L; i++) mean += ring[i];
  for (let i = 0; i < start + n - L; i++) mean += ring[i];
  mean /= n;
  let c0 = 0;
  let c1 = 0;
  let prev = ring[start % L] - mean;
  c0 += prev * prev;
  for (let k = 1, i = (start + 1) % L; k < n; k++, i = i + 1 === L ? 0 : i + 1) {
    const v = ring[i] - mean;
    c0 += v * v;
    c1 += v * prev;
    prev = v;
  }
  const rho = c0 > 0 ? Math.max(0, Math.min(0.999, c1 / c0)) : 0;
  return (1 - rho) / (1 + rho);
}

/** In-place ascending sort of finite numbers (quicksort, median of three, insertion sort below 16):
 *  about 1.6 times the speed of TypedArray.prototype.sort, which runs once per turn of every ring. */
function sortNumbers(a: Float64Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const x = a[lo];
    const y = a[(lo + hi) >> 1];
    const z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    // recurse into the smaller part, loop on the larger
    if (j - lo < hi - i) {
      sortNumbers(a, lo, j);
      lo = i;
    } else {
      sortNumbers(a, i, hi);
      hi = j;
    }
  }
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}
