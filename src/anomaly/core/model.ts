// The one shape of every anomaly model, lumisection or series: judge an input from the past only,
// then learn from the decision taken on it (core/learning.ts decides what may be learned).

export interface Contributor {
  name: string;
  /** standardised deviation (sigma units) or −log10 p for grouped contributors */
  score: number;
  /** what changed, in words with units (e.g. "rate −23 % vs predicted") */
  detail?: string;
  /** for the top path of the rate model: observed and predicted rate, Hz */
  observed_rate_hz?: number;
  predicted_rate_hz?: number;
}

/** A model's judgement of one input. */
export interface Verdict {
  /** p-value under the model's null (dimensionless, 0..1) */
  p: number;
  contributors: Contributor[];
}

/** What the caller decided about a judged input, for the model to learn from. */
export interface Decision<V extends Verdict = Verdict> {
  verdict: V;
  /** the input looks normal: it may teach the model what normal is (after the model's delay) */
  teach: boolean;
  /** the input is flagged: what waits to teach is suspect and is dropped, nothing is remembered */
  flagged: boolean;
  /** an alert episode closed with this input: the model's memories belonged to it */
  closed: boolean;
}

export interface Model<X, C, V extends Verdict = Verdict> {
  evaluate(x: X, ctx: C): V;
  learn(decision: Decision<V>): void;
}
