// Scores the lumisections of one run online (each from its past only), with a reference learned
// from earlier lumisections: rate prediction, loss of correlation, detector health, calibrated,
// combined, and passed through the alert discipline.
import { AlertTracker, DEFAULT_ALERTS, type Alert, type AlertOptions } from '../core/alerts.js';
import { decide } from '../core/learning.js';
import { combineP, scoreFromP, TailCalibrator } from '../core/calibrate.js';
import { CorrelationModel } from './correlation-model.js';
import { fitHealthReference, HealthModel, type HealthReference } from './health-model.js';
import { RateModel } from './rate-model.js';
import { fitResponse, type Response } from './response.js';
import { LS_SECONDS } from '../../shared/physics.js';
import { clamp, robustSigma } from '../core/stats.js';
import type { Contributor, LumiInput, ModelName, RunLayout } from './types.js';

/** lumisections at the start of each run that only teach the path models (LS) */
export const WARMUP_LS = 5;
/** a run with no earlier run learns the path models' reference from its own past, relearned at
 *  these lumisections and every SELF_REFERENCE_EVERY after the last, so that its pileup range widens
 *  as the run goes on and a poor early reference does not last (LS) */
export const SELF_REFERENCE_AT = [60, 90, 120, 180, 240, 300, 360, 480];
const SELF_REFERENCE_EVERY = 240;
/** lumisections of the own past a relearned reference is sampled from (LS) */
const SELF_REFERENCE_MAX = 400;

export interface Reference {
  responses: (Response | null)[];
  /** per scored path: reference spread of its standardised residual (dimensionless, ≥ 1) */
  zScale: Float64Array;
  correlation: CorrelationModel;
  health: HealthReference;
  calibration: Record<'rate' | 'correlation' | 'health', TailCalibrator>;
  /** lumisections the reference was learned from */
  size: number;
}

export interface ModelVerdict {
  /** calibrated p-value (dimensionless) */
  p: number;
  score: number;
  threshold: number;
  flag: boolean;
  contributors: Contributor[];
}

export interface LumiScore {
  run: number;
  ls: number;
  models: Record<ModelName, ModelVerdict>;
  /** alert raised at this lumisection (the first lumisection of an episode), if any */
  raised: Alert | null;
  /** common log ratio observed/expected of all paths: a global change, explained (dimensionless) */
  common: number;
}

/** Learns the reference from lumisections of earlier runs (grouped by run, in time order). */
export function buildReference(layout: RunLayout, runs: LumiInput[][]): Reference {
  const all = runs.flat();
  const fit = (xs: LumiInput[]) => layout.paths.map((_, p) => fitResponse(xs.map((x) => ({ mu: x.pileup, counts: x.counts[p], prescale: x.prescales[p], live: x.live, bunches: x.bunches }))));
  const responses = fit(all);
  // cross-fitting: the reference runs are split in two folds (alternate runs; with one run, alternate
  // pairs of lumisections); each fold is scored online (per-run gains, as in real scoring) with
  // responses fitted on the other fold,
  // so the correlation reference and the calibration see the errors the online scoring will make
  const folds: LumiInput[][][] = runs.length >= 2 ? [0, 1].map((h) => runs.filter((_, r) => r % 2 === h)) : [0, 1].map((h) => [runs[0].filter((_, i) => Math.floor(i / 2) % 2 === h)]);
  const foldResponses = folds.map((_, f) => {
    const other = fit(folds.filter((_, g) => g !== f).flat(2));
    return responses.map((r, p) => (r && other[p] ? { ...other[p]!, meanCounts: r.meanCounts } : null));
  });
  const scoreFolds = (zScale?: Float64Array) =>
    folds.flatMap((fold, f) =>
      fold.flatMap((run) => {
        const model = new RateModel(layout, foldResponses[f], zScale ? { zScale } : { zOnly: true });
        const out: ReturnType<RateModel['evaluate']>[] = [];
        run.forEach((x, i) => {
          const e = model.evaluate(x);
          // as the scorer does, with a check that would count as bad standing for a flag
          model.learn(decide({ verdict: e, ownFlag: false, flagged: e.p < DEFAULT_ALERTS.pWeak, closed: false, warmup: i < WARMUP_LS }));
          // warm-up lumisections only teach the gains: they are not part of the reference errors
          if (i >= WARMUP_LS) out.push(e);
        });
        return out;
      }),
    );
  const rm = new RateModel(layout, responses);
  const first = scoreFolds();
  const zScale = Float64Array.from(rm.scored, (_, k) => {
    const v = first.map((e) => e.z[k]).filter(Number.isFinite);
    return v.length >= 20 ? clamp(robustSigma(v), 1, 5) : 1;
  });
  const evals = scoreFolds(zScale);
  const correlation = new CorrelationModel(
    rm.scoredNames,
    evals.map((e) => e.z),
  );
  const health = fitHealthReference(layout, runs);
  const healthP: number[] = [];
  for (const run of runs) {
    const hm = new HealthModel(layout, health);
    for (const x of run) {
      const h = hm.evaluate(x);
      healthP.push(h.p);
      hm.learn();
    }
  }
  return {
    responses,
    zScale,
    correlation,
    health,
    calibration: {
      rate: TailCalibrator.fit(evals.map((e) => e.p)),
      correlation: TailCalibrator.fit(evals.map((e) => correlation.evaluate(e.z).p)),
      health: TailCalibrator.fit(healthP),
    },
    size: all.length,
  };
}

export class RunScorer {
  private rate: RateModel;
  private readonly health: HealthModel;
  private readonly trackers: Record<ModelName, AlertTracker>;
  private readonly threshold: number;

  constructor(
    private readonly layout: RunLayout,
    private ref: Reference,
    private readonly alerts: AlertOptions = DEFAULT_ALERTS,
    /** false when there is no earlier run to learn from: the path models then learn from this
     *  run's own past (SELF_REFERENCE_AT) and do not judge before */
    private pathModels = true,
  ) {
    this.selfReference = !pathModels;
    this.rate = new RateModel(layout, ref.responses, { zScale: ref.zScale });
    this.health = new HealthModel(layout, ref.health);
    this.trackers = { rate: new AlertTracker(alerts), correlation: new AlertTracker(alerts), health: new AlertTracker(alerts), combined: new AlertTracker(alerts) };
    this.threshold = scoreFromP(alerts.pStrong);
  }

  /** Episodes raised so far by the combined model. */
  get raisedAlerts(): Alert[] {
    return this.trackers.combined.alerts;
  }

  /** lumisections scored since the path models' reference was (re)learned */
  private seen = 0;
  private readonly selfReference: boolean;
  /** the run's own past lumisections that were not flagged, for the self-reference */
  private readonly history: LumiInput[] = [];
  /** flagged lumisections since the last relearn */
  private flaggedSince: LumiInput[] = [];
  /** lumisections of the run scored so far, and at the last relearn */
  private scored = 0;
  private relearnedAt = 0;
  private nextRelearn = SELF_REFERENCE_AT[0];

  /** Relearns the path models' reference from the run's own normal-looking past. */
  private relearn(): void {
    const every = Math.max(1, Math.ceil(this.history.length / SELF_REFERENCE_MAX));
    // pairs of consecutive entries, as the reference of earlier runs is sampled
    const sample = this.history.filter((_, i) => Math.floor(i / 2) % every === 0);
    // two halves in time, as two reference runs: each is scored with the response fitted on the
    // other, so zScale and calibration see the errors of predicting forward in time (pileup moves)
    const half = 2 * Math.floor(sample.length / 4);
    const own = buildReference(this.layout, [sample.slice(0, half), sample.slice(half)]);
    this.ref = { ...own, health: this.ref.health, calibration: { ...own.calibration, health: this.ref.calibration.health } };
    // fitted on the run's recent past, the new responses need no warm-up: the path models judge at
    // once (a warm-up would teach the gains whatever deviation is present at the relearn)
    this.rate = new RateModel(this.layout, this.ref.responses, { zScale: this.ref.zScale, settled: true });
    this.pathModels = true;
    this.seen = WARMUP_LS;
  }

  score(x: LumiInput): LumiScore {
    if (this.selfReference && this.scored >= this.nextRelearn) {
      this.nextRelearn = SELF_REFERENCE_AT.find((n) => n > this.scored) ?? this.scored + SELF_REFERENCE_EVERY;
      if (this.flaggedSince.length > (this.scored - this.relearnedAt) / 2) this.history.push(...this.flaggedSince);
      this.flaggedSince = [];
      this.relearnedAt = this.scored;
      this.relearn();
    }
    const rate = this.rate.evaluate(x);
    const corr = this.ref.correlation.evaluate(rate.z);
    // the first lumisections of a run set the per-run gains: the path models do not judge them
    if (this.seen++ < WARMUP_LS || !this.pathModels) {
      rate.p = 1;
      rate.contributors = [];
      corr.p = 1;
      corr.contributors = [];
    }
    const health = this.health.evaluate(x);
    const cal = this.ref.calibration;
    const p = { rate: cal.rate.apply(rate.p), correlation: cal.correlation.apply(corr.p), health: cal.health.apply(health.p) };
    const pComb = combineP([p.rate, p.correlation, p.health]);
    const combinedContrib = [...(p.rate <= pComb * 3 ? rate.contributors : []), ...(p.correlation <= pComb * 3 ? corr.contributors : []), ...(p.health <= pComb * 3 ? health.contributors : [])].slice(
      0,
      8,
    );
    const wasOpen = this.trackers.combined.isOpen;
    const verdict = (m: ModelName, pm: number, contributors: Contributor[]): ModelVerdict => {
      const a = this.trackers[m].step(x.run, x.ls, pm, contributors);
      return { p: pm, score: scoreFromP(pm), threshold: this.threshold, flag: a.flag, contributors };
    };
    const models = {
      rate: verdict('rate', p.rate, withTopRate(rate.contributors, this.layout, this.rate.scored, rate.expected, x)),
      correlation: verdict('correlation', p.correlation, corr.contributors),
      health: verdict('health', p.health, health.contributors),
      combined: verdict('combined', pComb, combinedContrib),
    };
    const raised = this.trackers.combined.alerts.at(-1)?.raisedLs === x.ls && models.combined.flag ? this.trackers.combined.alerts.at(-1)! : null;
    // one learning policy (core/learning.ts): the rate model learns from what looks normal to it
    // (its calibrated p, its own flag); the combined alert rules what it drops and remembers
    this.rate.learn(decide({ verdict: rate, p: p.rate, ownFlag: models.rate.flag, flagged: models.combined.flag, closed: wasOpen && !this.trackers.combined.isOpen }));
    // flagged lumisections are kept apart, so an anomaly is not learned as normal; but when most of
    // the run since the last relearn was flagged, the reference itself is what is wrong (a lock-in),
    // and they are learned from too
    if (this.selfReference) (models.combined.flag ? this.flaggedSince : this.history).push(x);
    this.scored++;
    this.health.learn();
    return { run: x.run, ls: x.ls, models, raised, common: rate.common };
  }
}

/**
 * Adds observed and predicted rate (Hz) of the top path for the probes. The prediction is the one
 * the path was scored against: reference response at this pileup, prescale, live time and bunches,
 * times the per-run gain learned so far and the common mode of this lumisection (without these
 * factors it is not what the score measures: a path whose run runs 40 % above its reference looked
 * 40 % off while scoring as normal).
 */
function withTopRate(contrib: Contributor[], layout: RunLayout, scored: number[], expected: Float64Array, x: LumiInput): Contributor[] {
  const top = contrib[0];
  if (!top) return contrib;
  const p = layout.paths.indexOf(top.name);
  const k = p >= 0 ? scored.indexOf(p) : -1;
  if (k < 0 || !Number.isFinite(expected[k])) return contrib;
  const predicted = expected[k] / LS_SECONDS;
  const observed = x.counts[p] / LS_SECONDS;
  return [{ ...top, observed_rate_hz: round3(observed), predicted_rate_hz: round3(predicted) }, ...contrib.slice(1)];
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
