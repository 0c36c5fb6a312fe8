import type { Axis, XValue } from './types.js';

/** "Rate [Hz]"; a null unit leaves the label alone. OMS unit spellings are made readable. */
export function axisTitle(axis: Pick<Axis, 'label' | 'unit'>): string {
  return axis.unit ? `${axis.label} [${readableUnit(axis.unit)}]` : axis.label;
}

/** OMS spellings such as `10^{30}cm^{-2}s^{-1}`, `{\mu}A`, `{\deg}C` → HTML Plotly can draw. */
export function readableUnit(unit: string): string {
  return unit
    .replace(/\{\\mu\}/g, 'µ')
    .replace(/\{\\deg\}/g, '°')
    .replace(/\^\{([^}]*)\}/g, '<sup>$1</sup>')
    .replace(/\^(-?\d+)/g, '<sup>$1</sup>');
}

/** Plain-text unit (CSV headers, hover): superscripts as ^. */
export function plainUnit(unit: string): string {
  return unit
    .replace(/\{\\mu\}/g, 'µ')
    .replace(/\{\\deg\}/g, '°')
    .replace(/\^\{([^}]*)\}/g, '^$1');
}

/** ISO `YYYY-MM-DDTHH:MM:SSZ` → Plotly's `YYYY-MM-DD HH:MM:SS` (Plotly date axes are zone-less; we label them UTC). */
export function toPlotlyX(v: XValue, scale: Axis['scale']): XValue {
  if (scale === 'time' && typeof v === 'string') return v.replace('T', ' ').replace(/Z$/, '');
  return v;
}

/** Numeric x for points: epoch milliseconds on a time axis. */
export function numericX(v: XValue, scale: Axis['scale']): number | null {
  if (typeof v === 'number') return v;
  if (scale === 'time') {
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : null;
  }
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) ? n : null;
}
