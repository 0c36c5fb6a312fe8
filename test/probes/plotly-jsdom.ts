// Loads plotly.js-dist-min into a jsdom window so tests can call Plotly.validate on figures.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { JSDOM } from 'jsdom';

const require = createRequire(import.meta.url);

export interface PlotlyLike {
  validate(data: unknown[], layout: unknown): undefined | { code: string; msg: string; path?: string; astr?: string }[];
  version: string;
}

let cached: PlotlyLike | undefined;

export function loadPlotly(): PlotlyLike {
  if (cached) return cached;
  const src = fs.readFileSync(require.resolve('plotly.js-dist-min/plotly.min.js'), 'utf8');
  const dom = new JSDOM('<!doctype html><html><body></body></html>', { runScripts: 'outside-only', pretendToBeVisual: true });
  const w = dom.window as unknown as Record<string, unknown> & { eval(code: string): unknown };
  // jsdom lacks these; plotly only touches them while drawing, not while validating
  (w.URL as { createObjectURL?: unknown }).createObjectURL = () => '';
  w.matchMedia = () => ({ matches: false, addListener() {}, removeListener() {} });
  w.eval(src);
  cached = w.Plotly as PlotlyLike;
  if (!cached || typeof cached.validate !== 'function') throw new Error('plotly.js did not load under jsdom');
  return cached;
}
