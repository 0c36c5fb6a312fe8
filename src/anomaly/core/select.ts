// Order statistics without a full sort: the k-th smallest of a typed array by quickselect (Hoare's
// partition, median-of-three pivot), in place. A detector fits ~20 robust spreads per column on its
// learning rows; with a sort each they were a fifth of the start-up of a 60-column file.

/** Rearranges a[lo..hi] so that a[k] holds the value of rank k, smaller ones before it and larger
 *  ones after it; returns a[k]. Finite values only. */
export function selectKth(a: Float64Array, k: number, lo = 0, hi = a.length - 1): number {
  while (hi > lo) {
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
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** Median of a[0..n-1] (reorders a). */
export function medianInPlace(a: Float64Array, n = a.length): number {
  if (n === 0) return NaN;
  const h = n >> 1;
  const upper = selectKth(a, h, 0, n - 1);
  if (n % 2) return upper;
  // the largest of the lower half: after the select, a[0..h-1] are all ≤ a[h]
  let lower = a[0];
  for (let i = 1; i < h; i++) if (a[i] > lower) lower = a[i];
  return 0.5 * (lower + upper);
}

/** Sum of the `keep` smallest of a[0..n-1] (reorders a). */
export function sumOfSmallest(a: Float64Array, keep: number, n = a.length): number {
  if (keep <= 0) return 0;
  if (keep >= n) {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i];
    return s;
  }
  selectKth(a, keep - 1, 0, n - 1);
  let s = 0;
  for (let i = 0; i < keep; i++) s += a[i];
  return s;
}
