// The learning policy of every model: an input teaches only when it looks normal, and only after a
// delay, so that a deviation too weak to flag at once is not taught as normal while it builds up;
// a flag drops what waits (the inputs just before an alert are suspect too). A deviation that lasts
// is not taught either: a model that stays flagged for too long is wrong itself and relearns
// (the caller decides when: lumi/scorer.ts relearns its reference, series/column.ts its baseline).
import type { Decision, Verdict } from './model.js';

/** an input teaches only when nothing in it is even mildly surprising (its own p ≥ this) */
export const LEARN_P = 0.01;

export interface Judged<V extends Verdict> {
  verdict: V;
  /** the p the input is judged normal by, when not the verdict's own (a calibrated one) */
  p?: number;
  /** the model's own alert tracker flags the input */
  ownFlag: boolean;
  /** the input is flagged by the alert that rules learning (the combined one, or the model's own) */
  flagged: boolean;
  /** an episode of that alert closed with this input */
  closed: boolean;
  /** the model is warming up: it learns from everything not flagged by itself */
  warmup?: boolean;
}

export function decide<V extends Verdict>(j: Judged<V>): Decision<V> {
  return { verdict: j.verdict, teach: j.warmup === true ? !j.ownFlag : teaches(j.p ?? j.verdict.p, j.ownFlag), flagged: j.flagged, closed: j.closed };
}

/** The policy itself: an input judged at p teaches when it is not surprising and its model's own
 *  alert does not flag it (for callers that fill a reused Decision, one per row and column). */
export function teaches(p: number, ownFlag: boolean): boolean {
  return p >= LEARN_P && !ownFlag;
}

/**
 * Lessons waiting for the learning delay. The first `immediate` lessons are learned at once (a model
 * that knows nothing yet cannot hide a deviation by waiting); later ones once `delay` checks have
 * passed, unless a flag drops them first.
 */
export class DelayedLessons<T> {
  /** waiting lessons and the check each came from, a ring (at most delay + 1 wait at a time) */
  private readonly items: (T | undefined)[];
  private readonly times: Float64Array;
  private head = 0;
  private count = 0;
  private clock = 0;
  private learnedCount = 0;

  constructor(
    private readonly delay: number,
    private readonly immediate = 0,
  ) {
    this.items = new Array<T | undefined>(delay + 2);
    this.times = new Float64Array(delay + 2);
  }

  /** lessons learned so far */
  get learned(): number {
    return this.learnedCount;
  }

  /** Starts a new check: hands the lessons now due to `learn`, oldest first. */
  tick(learn: (item: T) => void): void {
    const t = this.clock++;
    while (this.count > 0 && this.times[this.head] <= t - this.delay) {
      const item = this.items[this.head] as T;
      this.items[this.head] = undefined;
      this.head = (this.head + 1) % this.items.length;
      this.count--;
      this.learnedCount++;
      learn(item);
    }
  }

  /** A lesson from the current check: due at once while the model is new, else after the delay. */
  add(item: T): T | null {
    if (this.learnedCount < this.immediate) {
      this.learnedCount++;
      return item;
    }
    const at = (this.head + this.count) % this.items.length;
    this.items[at] = item;
    this.times[at] = this.clock - 1;
    this.count++;
    return null;
  }

  /** A flag: what waits is suspect. */
  drop(): void {
    for (let i = 0; i < this.count; i++) this.items[(this.head + i) % this.items.length] = undefined;
    this.count = 0;
  }

  /** Counts as learned already (a model started from a settled state). */
  settle(n: number): void {
    this.learnedCount = Math.max(this.learnedCount, n);
  }
}
