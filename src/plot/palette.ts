// Colour-blind-safe colours (Okabe & Ito 2008), ordered so the first few are the most distinct on
// white; yellow last because it is faint on a white background.
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#999933', '#882255', '#44AA99'];

export function paletteColor(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** Shaded spans by kind: translucent so data stays readable underneath. */
export const SPAN_FILL: Record<'anomaly' | 'warning' | 'info', string> = {
  anomaly: 'rgba(213, 94, 0, 0.20)',
  warning: 'rgba(230, 159, 0, 0.18)',
  info: 'rgba(0, 114, 178, 0.10)',
};

/** '#RRGGBB' → 'rgba(r, g, b, a)' (band fills). Other colour strings are returned unchanged. */
export function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) return color;
  return `rgba(${parseInt(m[1], 16)}, ${parseInt(m[2], 16)}, ${parseInt(m[3], 16)}, ${alpha})`;
}
