// Physical constants and models of the synthetic data set (see ARCHITECTURE.md, "Synthetic data").
// The constants and laws the anomaly models and the probes use too live in src/shared/physics.ts.
import { LUMI_UNIT, leakageTemperatureFactor } from '../shared/physics.js';

export { F_REV_HZ, LS_SECONDS, LUMI_UNIT, SIGMA_INEL_CM2, T_REF_C, leakageTemperatureFactor, pileup } from '../shared/physics.js';

/** full 2018 filling scheme */
export const FULL_BUNCHES = 2544;

/** Luminosity (1e30 cm^-2 s^-1) integrated over `seconds`, in pb^-1 (1 pb^-1 = 1e36 cm^-2). */
export function lumiToPb(lumi1e30: number, seconds: number): number {
  return (lumi1e30 * LUMI_UNIT * seconds) / 1e36;
}

/** Delivered pb^-1 of an exponential decay L0·e^(-t/tau) between t0 and t1 (hours). */
export function decayIntegralPb(l0: number, tauH: number, t0H: number, t1H: number): number {
  const tauS = tauH * 3600;
  return lumiToPb(l0, 1) * tauS * (Math.exp(-t0H / tauH) - Math.exp(-t1H / tauH));
}

/** Per-module damage factor by radius (fluence falls roughly as r^-1.8); 1 at layer 1 (29 mm). */
export function layerDamageFactor(radiusMm: number): number {
  return (29 / radiusMm) ** 1.8;
}

/** Leakage current constants per module at T_REF_C, µA: I = g·s(T)·(I0 + ALPHA·k_layer·L_eff[fb^-1]). */
export const LEAK_I0_UA = 1.0;
export const LEAK_ALPHA_UA_PER_FB = 1.6;
/** damage before 2018 (2017 running of the Phase-1 detector), fb^-1 equivalent */
export const PRIOR_DAMAGE_FB = 45;
/** fraction of fresh damage that anneals between fills, and its time constant, h */
export const SHORT_TERM_FRACTION = 0.45;
export const SHORT_TERM_TAU_H = 30;

export function moduleLeakageUA(tempC: number, radiusMm: number, lEffFb: number, gain = 1): number {
  return gain * leakageTemperatureFactor(tempC) * (LEAK_I0_UA + LEAK_ALPHA_UA_PER_FB * layerDamageFactor(radiusMm) * lEffFb);
}
