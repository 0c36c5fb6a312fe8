// A fill at a glance: instantaneous luminosity and pileup against time, runs marked.
import { defineProbe } from '../types.js';
import { latestFillIn } from '../lookups.js';
import { omsQuery } from '../query.js';
import { num } from '../values.js';
import type { Annotation } from '../../plot/types.js';
import { NotFoundError } from '../../jsonapi/errors.js';

interface P extends Record<string, unknown> {
  fill_number: number;
}

export default defineProbe<P>({
  id: 'fill-summary',
  group: 'Luminosity',
  title: 'Fill summary: luminosity and pileup',
  description: 'Instantaneous luminosity and pileup against time over an LHC fill, with the start of each CMS run marked.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      fill_number: { type: 'integer', title: 'Fill', description: 'LHC fill (default: the latest fill with lumisections)', unit: null, minimum: 1, 'x-picker': 'fill' },
    },
  },
  async defaults(ctx, given) {
    return { fill_number: given.fill_number ?? (await latestFillIn(ctx, 'lumisections')) };
  },
  // the views carry luminosity in 10^30 cm^-2 s^-1 (OMS); plotted in 10^34 for readable ticks
  async run(ctx, p) {
    const [[fill], rows] = await Promise.all([
      ctx.read(
        'fills',
        omsQuery({ filters: [['fill_number', 'EQ', p.fill_number]], fields: ['fill_number', 'peak_lumi', 'peak_pileup', 'delivered_lumi', 'recorded_lumi', 'bunches_colliding', 'end_time'] }),
        'peak and integrated luminosity of the fill',
      ),
      ctx.read(
        'lumisections',
        omsQuery({
          filters: [['fill_number', 'EQ', p.fill_number]],
          fields: ['run_number', 'lumisection_number', 'start_time', 'init_lumi', 'pileup'],
          sort: ['start_time', 'run_number', 'lumisection_number'],
        }),
      ),
    ]);
    if (!rows.length) throw new NotFoundError(`no lumisections in fill ${p.fill_number}`, 'no_data');
    const x = rows.map((r) => String(r.start_time));
    const hover = rows.map((r) => `run ${r.run_number} LS ${r.lumisection_number}`);
    const annotations: Annotation[] = [];
    let prev: unknown;
    rows.forEach((r, i) => {
      if (r.run_number !== prev) annotations.push({ x: x[i], text: `run ${r.run_number}` });
      prev = r.run_number;
    });
    const parts: string[] = [];
    if (fill) {
      if (num(fill.peak_lumi) !== null) parts.push(`peak ${(Number(fill.peak_lumi) / 1e4).toFixed(2)}·10³⁴ cm⁻²s⁻¹`);
      if (num(fill.peak_pileup) !== null) parts.push(`peak pileup ${Number(fill.peak_pileup).toFixed(1)}`);
      if (num(fill.delivered_lumi) !== null) parts.push(`delivered ${Number(fill.delivered_lumi).toFixed(1)} pb⁻¹, recorded ${Number(fill.recorded_lumi ?? 0).toFixed(1)} pb⁻¹`);
      if (num(fill.bunches_colliding) !== null) parts.push(`${fill.bunches_colliding} colliding bunches`);
    }
    return {
      title: `Fill ${p.fill_number}: luminosity and pileup`,
      subtitle: parts.join(' · '),
      axes: {
        x: { label: 'Time', unit: null, scale: 'time' },
        y: { label: 'Inst. luminosity', unit: '10^{34}cm^{-2}s^{-1}', scale: 'linear' },
        y2: { label: 'Pileup', unit: null, scale: 'linear' },
      },
      series: [
        { key: 'luminosity', name: 'Inst. luminosity', kind: 'line', x, y: rows.map((r) => (num(r.init_lumi) === null ? null : Number(r.init_lumi) / 1e4)), hover },
        { key: 'pileup', name: 'Pileup', kind: 'line', axis: 'y2', x, y: rows.map((r) => num(r.pileup)), hover, dash: 'dot' },
      ],
      annotations,
      spans: [],
      live: fill ? fill.end_time === null : false,
    };
  },
});
