// Alert discipline: a flag is an episode, not a lumisection. An episode opens on one very
// significant check or on `persist` consecutive significant ones, is raised once, stays open while
// checks stay bad and closes after `holdOff` clean checks; a new deviation within the hold-off
// continues the same episode instead of raising a second alert.
import type { Contributor } from './model.js';

export interface AlertOptions {
  /** p below which one check opens an episode at once (dimensionless) */
  pStrong: number;
  /** p below which a check counts as bad (dimensionless) */
  pWeak: number;
  /** consecutive bad checks that open an episode */
  persist: number;
  /** clean checks that close an episode */
  holdOff: number;
  /** p below which a check keeps an open episode open (hysteresis; default pWeak) */
  pHold?: number;
  /** checks an episode must have been open before pHold keeps it open (blips close as before) */
  holdAfter?: number;
}

export const DEFAULT_ALERTS: AlertOptions = { pStrong: 1e-5, pWeak: 1e-3, persist: 2, holdOff: 3 };

export interface Alert {
  run: number;
  firstLs: number;
  /** lumisection at which the alert was raised */
  raisedLs: number;
  lastLs: number;
  /** the contributors at the raise: what changed */
  what: Contributor[];
  minP: number;
}

type StepResult = { readonly flag: boolean; readonly raised: Alert | null; readonly closed: boolean };
// the results without a raise are shared (one per row and column on wide series: no garbage)
const FLAGGED: StepResult = Object.freeze({ flag: true, raised: null, closed: false });
const QUIET: StepResult = Object.freeze({ flag: false, raised: null, closed: false });
const CLOSED: StepResult = Object.freeze({ flag: false, raised: null, closed: true });

export class AlertTracker {
  private badRun = 0;
  private clean = 0;
  private open: Alert | null = null;
  /** checks since the open episode was raised */
  private openFor = 0;
  readonly alerts: Alert[] = [];

  constructor(private readonly o: AlertOptions = DEFAULT_ALERTS) {}

  /** whether an episode is open (it closes after holdOff clean checks) */
  get isOpen(): boolean {
    return this.open !== null;
  }

  /** Feeds one check; returns whether it is flagged, the alert raised now if any, and whether an
   *  episode closed with it. */
  step(run: number, ls: number, p: number, what: Contributor[]): StepResult {
    const bad = p < this.o.pWeak;
    const holds = p < (this.o.pHold ?? this.o.pWeak) && this.openFor >= (this.o.holdAfter ?? 0);
    this.badRun = bad ? this.badRun + 1 : 0;
    if (this.open) {
      this.openFor++;
      if (bad || holds) {
        this.clean = 0;
        this.open.lastLs = ls;
        this.open.minP = Math.min(this.open.minP, p);
        return FLAGGED;
      }
      if (++this.clean >= this.o.holdOff) {
        this.open = null;
        return CLOSED;
      }
      return QUIET;
    }
    if (p < this.o.pStrong || (bad && this.badRun >= this.o.persist)) {
      this.open = { run, firstLs: ls - (this.badRun > 0 ? this.badRun - 1 : 0), raisedLs: ls, lastLs: ls, what, minP: p };
      this.clean = 0;
      this.openFor = 0;
      this.alerts.push(this.open);
      return { flag: true, raised: this.open, closed: false };
    }
    return QUIET;
  }

  /** a new run: episodes do not span runs */
  reset(): void {
    this.badRun = 0;
    this.clean = 0;
    this.open = null;
  }
}
