// Constants and physics laws shared by the generator (synth/), the anomaly models and the probes:
// one definition each, so the data, the models that judge it and the plots that show it agree.

/** LHC revolution frequency, Hz */
export const F_REV_HZ = 11245.5;
/** one lumisection = 2^18 orbits / 11245.5 Hz, s (the views divide counters by the same 23.31) */
export const LS_SECONDS = 23.31;
/** inelastic pp cross section used for pileup, cm^2 (80 mb, the trigger group's convention) */
export const SIGMA_INEL_CM2 = 80e-27;
/** luminosity unit of the tables: 1e30 cm^-2 s^-1 */
export const LUMI_UNIT = 1e30;

/** Mean pileup for an instantaneous luminosity in 1e30 cm^-2 s^-1 and colliding bunches. */
export function pileup(lumi1e30: number, bunches: number): number {
  if (bunches <= 0) return 0;
  return (lumi1e30 * LUMI_UNIT * SIGMA_INEL_CM2) / (bunches * F_REV_HZ);
}

/** Boltzmann constant, eV/K */
export const K_BOLTZMANN_EV = 8.617e-5;
/** effective silicon band gap of the leakage-current temperature law, eV */
export const E_GAP_EV = 1.21;
/** reference temperature leakage currents are quoted at, °C */
export const T_REF_C = -20;

/**
 * Leakage-current temperature law relative to `refC` (default T_REF_C): s(T)/s(T_ref) with
 * s(T) ∝ T²·exp(−Eg/2kT), T in kelvin (doubles every ~5.9 K near −20 °C).
 */
export function leakageTemperatureFactor(tempC: number, refC = T_REF_C): number {
  const t = tempC + 273.15;
  const tr = refC + 273.15;
  return (t / tr) ** 2 * Math.exp((-E_GAP_EV / (2 * K_BOLTZMANN_EV)) * (1 / t - 1 / tr));
}
