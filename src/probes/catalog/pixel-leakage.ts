// Pixel ageing: HV leakage current per module against integrated luminosity, per BPix layer and
// FPix disk, normalised to a reference temperature with s(T) ∝ T²·exp(−Eg/2kT) (Eg = 1.21 eV).
import { defineProbe } from '../types.js';
import { omsQuery, type Filter } from '../query.js';
import type { Row } from '../types.js';
import type { Series } from '../../plot/types.js';
import { NotFoundError } from '../../jsonapi/errors.js';
import { leakageTemperatureFactor } from '../../shared/physics.js';

interface P extends Record<string, unknown> {
  ref_temperature: number;
  normalise: boolean;
  subdetector: 'all' | 'BPix' | 'FPix';
  scale: 'linear' | 'log';
}

const MAX_POINTS_PER_SERIES = 400;

/** Temperature dependence of the leakage current, T in °C (relative to −20 °C: only ratios are used). */
export function leakageScale(tC: number): number {
  return leakageTemperatureFactor(tC);
}

interface LayerReading {
  subdetector: string;
  layer_or_disk: number;
  /** mean per module over the layer's power groups */
  current: number;
  /** mean over the power groups that report one (null when none does) */
  temperature: number | null;
  lumi: number;
}

/**
 * Power-group readings of a run (already folded per run by the engine) → one per subdetector,
 * layer/disk and run: mean current and temperature, highest integrated luminosity. The
 * granularities of pixelcurrents keep the power group, so this fold (SQL's AVG/MAX … GROUP BY) is
 * done here; AVG skips nulls, so does this.
 */
function meanPerLayerAndRun(readings: Row[]): LayerReading[] {
  const groups = new Map<string, { subdetector: string; layer_or_disk: number; c: number; n: number; t: number; nt: number; lumi: number }>();
  for (const r of readings) {
    if (r.hv_leakage_current_per_module === null || r.integrated_lumi === null) continue;
    const k = `${r.subdetector}|${r.layer_or_disk}|${r.run_number}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { subdetector: String(r.subdetector), layer_or_disk: Number(r.layer_or_disk), c: 0, n: 0, t: 0, nt: 0, lumi: -Infinity }));
    g.c += Number(r.hv_leakage_current_per_module);
    g.n += 1;
    if (r.temperature !== null) {
      g.t += Number(r.temperature);
      g.nt += 1;
    }
    g.lumi = Math.max(g.lumi, Number(r.integrated_lumi));
  }
  return [...groups.values()].map((g) => ({ subdetector: g.subdetector, layer_or_disk: g.layer_or_disk, current: g.c / g.n, temperature: g.nt ? g.t / g.nt : null, lumi: g.lumi }));
}

export default defineProbe<P>({
  id: 'pixel-leakage',
  group: 'Pixel',
  title: 'Pixel leakage current versus integrated luminosity',
  description: 'Mean HV leakage current per module for each BPix layer and FPix disk against the integrated luminosity of the year, normalised to a reference temperature (radiation damage / ageing).',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ref_temperature: {
        type: 'number',
        title: 'Reference temperature',
        description: 'Temperature the currents are normalised to',
        unit: '{\\deg}C',
        minimum: -40,
        maximum: 30,
        default: -20,
        'x-picker': 'number',
      },
      normalise: {
        type: 'boolean',
        title: 'Normalise to the reference temperature',
        description: 'Scale each reading by s(T_ref)/s(T) with s(T) = T²·exp(−1.21 eV/2kT)',
        default: true,
        'x-picker': 'boolean',
      },
      subdetector: { type: 'string', title: 'Subdetector', description: 'BPix, FPix or both', enum: ['all', 'BPix', 'FPix'], default: 'all', 'x-picker': 'enum' },
      scale: { type: 'string', title: 'Current axis', description: 'Linear or logarithmic current axis', enum: ['linear', 'log'], default: 'log', 'x-picker': 'enum' },
    },
  },
  async run(ctx, p) {
    // no null filters on the measured attributes: the run folds skip nulls, and a filter on them
    // would make the engine fold every lumisection instead of reading the summary table
    const filters: Filter[] = [];
    if (p.subdetector !== 'all') filters.push(['subdetector', 'EQ', p.subdetector]);
    // per run, not per lumisection: a year is ~1000 runs but ~270k lumisections × the power groups;
    // an ageing curve needs no finer step, and the run folds come from the summary tables
    const readings = await ctx.read(
      'pixelcurrents',
      omsQuery({ filters, granularity: 'run', fields: ['subdetector', 'layer_or_disk', 'run_number', 'hv_leakage_current_per_module', 'temperature', 'integrated_lumi'] }),
      'averaged per run (per power group, then per layer/disk), temperature-normalised, then averaged in integrated-luminosity bins',
    );
    const rows = meanPerLayerAndRun(readings);
    if (!rows.length) throw new NotFoundError('no pixel currents in the database', 'no_data');
    const sRef = leakageScale(p.ref_temperature);
    const groups = new Map<string, { lumi: number; current: number }[]>();
    for (const r of rows) {
      const n = Math.abs(Number(r.layer_or_disk));
      const name = r.subdetector === 'BPix' ? `BPix layer ${n}` : `FPix disk ${n}`;
      const t = Number(r.temperature);
      const i = Number(r.current) * (p.normalise && Number.isFinite(t) ? sRef / leakageScale(t) : 1);
      const list = groups.get(name) ?? [];
      list.push({ lumi: Number(r.lumi), current: i });
      groups.set(name, list);
    }
    const names = [...groups.keys()].sort();
    const series: Series[] = names.map((name) => {
      const pts = groups.get(name)!.sort((a, b) => a.lumi - b.lumi);
      // mean per bin of integrated luminosity keeps a year's worth of runs plottable
      const lo = pts[0].lumi;
      const hi = pts[pts.length - 1].lumi;
      const width = (hi - lo) / MAX_POINTS_PER_SERIES || 1;
      const bins = new Map<number, { l: number; c: number; n: number }>();
      for (const pt of pts) {
        const b = Math.min(MAX_POINTS_PER_SERIES - 1, Math.floor((pt.lumi - lo) / width));
        const acc = bins.get(b) ?? { l: 0, c: 0, n: 0 };
        acc.l += pt.lumi;
        acc.c += pt.current;
        acc.n += 1;
        bins.set(b, acc);
      }
      const sorted = [...bins.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
      return {
        key: name.toLowerCase().replace(/ /g, '_'),
        name,
        kind: 'line',
        ...(name.startsWith('FPix') ? { dash: 'dash' as const } : {}),
        x: sorted.map((v) => Number((v.l / v.n).toPrecision(6))),
        y: sorted.map((v) => Number((v.c / v.n).toPrecision(5))),
      };
    });
    return {
      title: 'Pixel leakage current versus integrated luminosity',
      subtitle: p.normalise ? `normalised to ${p.ref_temperature} °C with s(T) ∝ T²·exp(−1.21 eV/2kT) · mean per module` : 'as measured (not temperature-normalised) · mean per module',
      axes: {
        x: { label: 'Integrated luminosity (2018, delivered)', unit: 'fb^{-1}', scale: 'linear' },
        y: { label: p.normalise ? `Leakage current per module at ${p.ref_temperature} °C` : 'Leakage current per module', unit: '{\\mu}A', scale: p.scale },
      },
      series,
      annotations: [],
      spans: [],
    };
  },
});
