// Physical constants and models of the synthetic data set (see ARCHITECTURE.md, "Synthetic data").

/** LHC revolution frequency, Hz */
export const F_REV_HZ = 11245.5;
/** one lumisection = 2^18 orbits, s (the views divide counters by 23.31) */
export const LS_SECONDS = 23.31;
/** inelastic pp cross section used for pileup, cm^2 (80 mb) */
export const SIGMA_INEL_CM2 = 80e-27;
/** luminosity unit of the tables: 1e30 cm^-2 s^-1 */
export const LUMI_UNIT = 1e30;
/** full 2018 filling scheme */
export const FULL_BUNCHES = 2544;

/** Mean pileup for an instantaneous luminosity in 1e30 cm^-2 s^-1 and colliding bunches. */
export function pileup(lumi1e30: number, bunches: number): number {
  if (bunches <= 0) return 0;
  return (lumi1e30 * LUMI_UNIT * SIGMA_INEL_CM2) / (bunches * F_REV_HZ);
}

/** Luminosity (1e30 cm^-2 s^-1) integrated over `seconds`, in pb^-1 (1 pb^-1 = 1e36 cm^-2). */
export function lumiToPb(lumi1e30: number, seconds: number): number {
  return (lumi1e30 * LUMI_UNIT * seconds) / 1e36;
}

/** Delivered pb^-1 of an exponential decay L0·e^(-t/tau) between t0 and t1 (hours). */
export function decayIntegralPb(l0: number, tauH: number, t0H: number, t1H: number): number {
  const tauS = tauH * 3600;
  return lumiToPb(l0, 1) * tauS * (Math.exp(-t0H / tauH) - Math.exp(-t1H / tauH));
}

const K_BOLTZMANN_EV = 8.617e-5;
const E_GAP_EV = 1.21;
export const T_REF_C = -20;

/** Leakage-current temperature scaling relative to T_REF_C: s(T) ∝ T² exp(−Eg/2kT). */
export function leakageTemperatureFactor(tempC: number): number {
  const t = tempC + 273.15;
  const tr = T_REF_C + 273.15;
  return (t / tr) ** 2 * Math.exp((-E_GAP_EV / (2 * K_BOLTZMANN_EV)) * (1 / t - 1 / tr));
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
