// Inputs and outputs of the per-lumisection models. The models are pure: they see numbers only.

/** One lumisection as the models see it. Arrays are aligned with the RunLayout's lists. */
export interface LumiInput {
  run: number;
  ls: number;
  /** mean pileup (dimensionless) */
  pileup: number;
  /** instantaneous luminosity, 1e30 cm^-2 s^-1 */
  lumi: number;
  /** colliding bunches (counts) */
  bunches: number;
  /** live fraction 1 − dead time (dimensionless, 0..1) */
  live: number;
  /** accepted counts per path in this lumisection (NaN = no row) */
  counts: Float64Array;
  /** HLT prescale per path in this lumisection (0 = path disabled) */
  prescales: Float64Array;
  /** HV leakage current per power group, µA (NaN = no reading) */
  leakage: Float64Array;
  /** temperature per power group, °C */
  temperature: Float64Array;
  /** pixel FED error counts per FED in this lumisection (counts) */
  fedErrors: Float64Array;
  /** masked ROCs per detector part (counts) */
  maskedRocs: Float64Array;
}

/** Names of the channels, shared by every lumisection of a run. */
export interface RunLayout {
  paths: string[];
  /** path group per path (jet, met, muon …) */
  groups: string[];
  powerGroups: string[];
  feds: string[];
  parts: string[];
}

export type { Contributor } from '../core/model.js';

/** One model's verdict on one lumisection (p before calibration). */
export type { Verdict as ModelResult } from '../core/model.js';

export const MODEL_NAMES = ['rate', 'correlation', 'health', 'combined'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];
