// Evaluation metrics against the injected ground truth, per anomaly kind and overall.
import { median, rocAuc } from '../core/stats.js';

export interface LabelledSpan {
  kind: string;
  label: 'bad' | 'not_bad';
  run: number;
  first: number;
  last: number;
}

export interface ScoredLs {
  run: number;
  ls: number;
  score: number;
  flag: boolean;
}

export interface KindMetrics {
  kind: string;
  label: 'bad' | 'not_bad' | 'all';
  anomalies: number;
  lumisections: number;
  /** bad kinds: AUC of this kind's LS vs clean LS; not_bad kinds: same AUC (≈0.5 is the goal) */
  auc: number;
  /** share of this kind's LS flagged (dimensionless) */
  lsFlagRate: number;
  /** share of this kind's anomalies with at least one flagged LS within their span */
  eventRecall: number;
  /** median (first flagged LS − first LS of the anomaly), LS, over detected anomalies */
  medianDelayLs: number;
}

export interface Metrics {
  perKind: KindMetrics[];
  overall: {
    auc: number;
    /** flagged LS inside bad spans / all flagged LS */
    precision: number;
    /** LS recall of bad spans, and event recall */
    lsRecall: number;
    eventRecall: number;
    /** flagged clean LS / clean LS */
    falseAlarmRate: number;
    /** flagged LS of not-bad spans / their LS */
    notBadFlagRate: number;
    medianDelayLs: number;
    cleanLs: number;
    badLs: number;
  };
}

export function evaluate(spans: LabelledSpan[], scored: ScoredLs[]): Metrics {
  const key = (run: number, ls: number) => `${run}:${ls}`;
  const spanOf = new Map<string, LabelledSpan>();
  for (const s of spans) for (let ls = s.first; ls <= s.last; ls++) spanOf.set(key(s.run, ls), s);
  const byKey = new Map(scored.map((x) => [key(x.run, x.ls), x]));
  const clean = scored.filter((x) => !spanOf.has(key(x.run, x.ls)));
  const cleanScores = clean.map((x) => x.score);

  const events = (list: LabelledSpan[]) => {
    const delays: number[] = [];
    let detected = 0;
    for (const s of list) {
      for (let ls = s.first; ls <= s.last; ls++) {
        if (byKey.get(key(s.run, ls))?.flag) {
          detected++;
          delays.push(ls - s.first);
          break;
        }
      }
    }
    return { recall: list.length ? detected / list.length : NaN, delay: delays.length ? median(delays) : NaN };
  };
  const lsOf = (list: LabelledSpan[]) => {
    const out: ScoredLs[] = [];
    for (const s of list)
      for (let ls = s.first; ls <= s.last; ls++) {
        const x = byKey.get(key(s.run, ls));
        if (x) out.push(x);
      }
    return out;
  };

  const kinds = [...new Set(spans.map((s) => s.kind))].sort();
  const perKind: KindMetrics[] = kinds.map((kind) => {
    const list = spans.filter((s) => s.kind === kind);
    const ls = lsOf(list);
    const ev = events(list);
    return {
      kind,
      label: list[0].label,
      anomalies: list.length,
      lumisections: ls.length,
      auc: rocAuc([...ls.map((x) => x.score), ...cleanScores], [...ls.map(() => true), ...cleanScores.map(() => false)]),
      lsFlagRate: ls.length ? ls.filter((x) => x.flag).length / ls.length : NaN,
      eventRecall: ev.recall,
      medianDelayLs: ev.delay,
    };
  });
  const badSpans = spans.filter((s) => s.label === 'bad');
  const badLs = lsOf(badSpans);
  const notBadLs = lsOf(spans.filter((s) => s.label === 'not_bad'));
  const negatives = [...clean, ...notBadLs];
  const flagged = scored.filter((x) => x.flag);
  const flaggedBad = flagged.filter((x) => spanOf.get(key(x.run, x.ls))?.label === 'bad').length;
  const ev = events(badSpans);
  return {
    perKind,
    overall: {
      auc: rocAuc([...badLs.map((x) => x.score), ...negatives.map((x) => x.score)], [...badLs.map(() => true), ...negatives.map(() => false)]),
      precision: flagged.length ? flaggedBad / flagged.length : NaN,
      lsRecall: badLs.length ? badLs.filter((x) => x.flag).length / badLs.length : NaN,
      eventRecall: ev.recall,
      falseAlarmRate: clean.length ? clean.filter((x) => x.flag).length / clean.length : NaN,
      notBadFlagRate: notBadLs.length ? notBadLs.filter((x) => x.flag).length / notBadLs.length : NaN,
      medianDelayLs: ev.delay,
      cleanLs: clean.length,
      badLs: badLs.length,
    },
  };
}
