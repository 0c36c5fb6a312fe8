// Pixel ageing: HV leakage current per module against integrated luminosity, per BPix layer and
// FPix disk, normalised to a reference temperature with s(T) ∝ T²·exp(−Eg/2kT) (Eg = 1.21 eV).
import { defineProbe } from '../types.js';
import { apiUrl } from '../sql.js';
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

export default defineProbe<P>({
  id: 'pixel-leakage',
  group: 'Pixel',
  title: 'Pixel leakage current versus integrated luminosity',
  description: 'Mean HV leakage current per module for each BPix layer and FPix disk against the integrated luminosity of the year, normalised to a reference temperature (radiation damage / ageing).',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ref_temperature: { type: 'number', title: 'Reference temperature', description: 'Temperature the currents are normalised to', unit: '{\\deg}C', minimum: -40, maximum: 30, default: -20, 'x-picker': 'number' },
      normalise: { type: 'boolean', title: 'Normalise to the reference temperature', description: 'Scale each reading by s(T_ref)/s(T) with s(T) = T²·exp(−1.21 eV/2kT)', default: true, 'x-picker': 'boolean' },
      subdetector: { type: 'string', title: 'Subdetector', description: 'BPix, FPix or both', enum: ['all', 'BPix', 'FPix'], default: 'all', 'x-picker': 'enum' },
      scale: { type: 'string', title: 'Current axis', description: 'Linear or logarithmic current axis', enum: ['linear', 'log'], default: 'log', 'x-picker': 'enum' },
    },
  },
  async run(db, p, ctx) {
    let q = db.knex('v_pixelcurrents')
      .select('subdetector', 'layer_or_disk', 'run_number', 'lumisection_number')
      .avg({ current: 'hv_leakage_current_per_module', temperature: 'temperature' })
      .max({ lumi: 'integrated_lumi' })
      .whereNotNull('hv_leakage_current_per_module').whereNotNull('integrated_lumi')
      .groupBy('subdetector', 'layer_or_disk', 'run_number', 'lumisection_number');
    if (p.subdetector !== 'all') q = q.where('subdetector', p.subdetector);
    const rows = (await q) as { subdetector: string; layer_or_disk: unknown; current: unknown; temperature: unknown; lumi: unknown }[];
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
      // mean per bin of integrated luminosity keeps a year's worth of lumisections plottable
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
        key: name.toLowerCase().replace(/ /g, '_'), name, kind: 'line', ...(name.startsWith('FPix') ? { dash: 'dash' as const } : {}),
        x: sorted.map((v) => Number((v.l / v.n).toPrecision(6))), y: sorted.map((v) => Number((v.c / v.n).toPrecision(5))),
      };
    });
    return {
      title: 'Pixel leakage current versus integrated luminosity',
      subtitle: p.normalise ? `normalised to ${p.ref_temperature} °C with s(T) ∝ T²·exp(−1.21 eV/2kT) · mean per module` : 'as measured (not temperature-normalised) · mean per module',
      axes: {
        x: { label: 'Integrated luminosity (2018, delivered)', unit: 'fb^{-1}', scale: 'linear' },
        y: { label: p.normalise ? `Leakage current per module at ${p.ref_temperature} °C` : 'Leakage current per module', unit: '{\\mu}A', scale: p.scale },
      },
      series, annotations: [], spans: [],
      sources: [{
        resource: 'pixelcurrents',
        url: apiUrl(ctx.apiPrefix, 'pixelcurrents', p.subdetector === 'all' ? [] : [['subdetector', 'EQ', p.subdetector]], { fields: 'part,layer_or_disk,run_number,lumisection_number,hv_leakage_current_per_module,temperature,integrated_lumi', 'page[limit]': '100000' }),
        description: 'averaged per layer/disk and lumisection, temperature-normalised, then averaged in integrated-luminosity bins',
      }],
    };
  },
});
