// Unit strings as OMS and omsagg write them in meta.row ("10^{30}cm^{-2}s^{-1}", "pb^{-1}",
// "{\mu}A", "Hz", "%") parsed into a dimension and a factor to that dimension's base, so a source
// value can be converted to the unit an omsagg column declares. Unknown or mismatched units are an
// error: an import never writes a number whose scale it cannot vouch for.

export class UnitError extends Error {
  readonly code = 'unit_mismatch';
}

interface Parsed {
  dimension: string;
  /** multiply a value in this unit by factor to get it in the dimension's base unit */
  factor: number;
}

// base units: instantaneous luminosity cm^-2 s^-1, integrated luminosity b^-1, time s, rate Hz,
// angle rad, length m, current A, voltage V, energy GeV, field T, temperature °C, fraction 1
const NAMED: Record<string, Parsed> = {
  'hz/ub': { dimension: 'inst_lumi', factor: 1e30 },
  'hz/nb': { dimension: 'inst_lumi', factor: 1e33 },
  'hz/pb': { dimension: 'inst_lumi', factor: 1e36 },
  'hz/fb': { dimension: 'inst_lumi', factor: 1e39 },
  'cm^{-2}s^{-1}': { dimension: 'inst_lumi', factor: 1 },
  'b^{-1}': { dimension: 'int_lumi', factor: 1 },
  'mb^{-1}': { dimension: 'int_lumi', factor: 1e3 },
  '{\\mu}b^{-1}': { dimension: 'int_lumi', factor: 1e6 },
  'ub^{-1}': { dimension: 'int_lumi', factor: 1e6 },
  'nb^{-1}': { dimension: 'int_lumi', factor: 1e9 },
  'pb^{-1}': { dimension: 'int_lumi', factor: 1e12 },
  'fb^{-1}': { dimension: 'int_lumi', factor: 1e15 },
  '/ub': { dimension: 'int_lumi', factor: 1e6 },
  '/nb': { dimension: 'int_lumi', factor: 1e9 },
  '/pb': { dimension: 'int_lumi', factor: 1e12 },
  '/fb': { dimension: 'int_lumi', factor: 1e15 },
  s: { dimension: 'time', factor: 1 },
  ms: { dimension: 'time', factor: 1e-3 },
  min: { dimension: 'time', factor: 60 },
  h: { dimension: 'time', factor: 3600 },
  hz: { dimension: 'rate', factor: 1 },
  khz: { dimension: 'rate', factor: 1e3 },
  mhz: { dimension: 'rate', factor: 1e6 },
  rad: { dimension: 'angle', factor: 1 },
  mrad: { dimension: 'angle', factor: 1e-3 },
  '{\\mu}rad': { dimension: 'angle', factor: 1e-6 },
  urad: { dimension: 'angle', factor: 1e-6 },
  m: { dimension: 'length', factor: 1 },
  cm: { dimension: 'length', factor: 1e-2 },
  mm: { dimension: 'length', factor: 1e-3 },
  a: { dimension: 'current', factor: 1 },
  ma: { dimension: 'current', factor: 1e-3 },
  '{\\mu}a': { dimension: 'current', factor: 1e-6 },
  ua: { dimension: 'current', factor: 1e-6 },
  na: { dimension: 'current', factor: 1e-9 },
  v: { dimension: 'voltage', factor: 1 },
  kv: { dimension: 'voltage', factor: 1e3 },
  gev: { dimension: 'energy', factor: 1 },
  tev: { dimension: 'energy', factor: 1e3 },
  t: { dimension: 'field', factor: 1 },
  '{\\deg}c': { dimension: 'temperature', factor: 1 },
  '°c': { dimension: 'temperature', factor: 1 },
  degc: { dimension: 'temperature', factor: 1 },
  '%': { dimension: 'fraction', factor: 1e-2 },
  percent: { dimension: 'fraction', factor: 1e-2 },
  fraction: { dimension: 'fraction', factor: 1 },
  counts: { dimension: 'count', factor: 1 },
  count: { dimension: 'count', factor: 1 },
  events: { dimension: 'count', factor: 1 },
  gb: { dimension: 'bytes', factor: 1e9 },
  mb: { dimension: 'bytes', factor: 1e6 },
};

/** "10^{34}cm^{-2}s^{-1}", "1e34 cm^-2 s^-1", "Hz/nb", "pb^{-1}" … → dimension and factor. */
export function parseUnit(unit: string): Parsed {
  let u = unit.trim().toLowerCase().replace(/\s+/g, '');
  // plain-text exponents: cm^-2s^-1 → cm^{-2}s^{-1}
  u = u.replace(/\^(-?\d+)/g, '^{$1}');
  let scale = 1;
  const pow = /^10\^\{(-?\d+)\}(?:\*|·)?/.exec(u) ?? /^1e(-?\d+)/.exec(u);
  if (pow) {
    scale = Number(`1e${pow[1]}`); // exact, unlike 10 ** 34
    u = u.slice(pow[0].length);
  }
  const named = NAMED[u];
  if (!named) throw new UnitError(`unknown unit '${unit}'`);
  return { dimension: named.dimension, factor: named.factor * scale };
}

/** The factor turning a value in `from` into `to` (1 when equal or undeclared on either side). */
export function conversionFactor(from: string | null | undefined, to: string | null | undefined): number {
  if (!from || !to || from === to) return 1;
  const a = parseUnit(from);
  const b = parseUnit(to);
  if (a.dimension !== b.dimension) throw new UnitError(`cannot convert '${from}' (${a.dimension}) to '${to}' (${b.dimension})`);
  const f = a.factor / b.factor;
  // 10^30 / 10^34 in floating point is not exactly 1e-4: round the factor to 12 significant digits
  return Number(f.toPrecision(12));
}
