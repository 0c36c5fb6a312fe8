// Masked readout chips over time per BPix layer and FPix disk: single-event upsets mask ROCs during
// a fill (a saw-tooth that resets at each recovery); a jump that survives recovery is a real fault.
import { defineProbe } from '../types.js';
import { omsQuery, type Filter } from '../query.js';
import { wireTime } from '../values.js';
import type { Series } from '../../plot/types.js';
import { NotFoundError, QueryValidationError } from '../../jsonapi/errors.js';

interface P extends Record<string, unknown> {
  fill_number?: number;
  to?: string;
  days: number;
  quantity: 'count' | 'fraction';
}

const MAX_BINS = 600;
/** more empty bins than this in a row = no data (e.g. between fills) */
const GAP_BINS = 3;

function partGroup(part: string): string {
  const m = /^BPix_L(\d)$/.exec(part);
  if (m) return `BPix layer ${m[1]}`;
  const d = /^FPix_D[mp]?(\d)$/.exec(part);
  if (d) return `FPix disk ${d[1]}`;
  return part;
}

export default defineProbe<P>({
  id: 'masked-rocs',
  group: 'Pixel',
  title: 'Masked ROCs over time',
  description:
    'Number (or percentage) of masked pixel readout chips per BPix layer and FPix disk (both sides summed) against time, over a fill or a time window. Maximum per time bin, so short masking episodes stay visible.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      fill_number: { type: 'integer', title: 'Fill', description: 'Show one LHC fill (optional; otherwise a time window)', unit: null, minimum: 1, 'x-picker': 'fill' },
      to: { type: 'string', format: 'date-time', title: 'Window end', description: 'End of the time window, UTC (default: the latest data)', 'x-picker': 'datetime' },
      days: { type: 'number', title: 'Window length', description: 'Length of the time window ending at "Window end"', unit: 'd', minimum: 0.01, maximum: 366, default: 3, 'x-picker': 'number' },
      quantity: { type: 'string', title: 'Quantity', description: "Masked ROC count or percentage of the part's ROCs", enum: ['count', 'fraction'], default: 'count', 'x-picker': 'enum' },
    },
  },
  async run(ctx, p) {
    let windowText: string;
    const filters: Filter[] = [];
    if (p.fill_number !== undefined) {
      filters.push(['fill_number', 'EQ', p.fill_number]);
      windowText = `fill ${p.fill_number}`;
    } else {
      let end = p.to;
      if (end === undefined) {
        const [last] = await ctx.read(
          'maskedrocs',
          omsQuery({ filters: [['start_time', 'NEQ', null]], fields: ['start_time'], sort: ['-start_time'], limit: 1 }),
          'the latest data (end of the window)',
        );
        if (!last) throw new NotFoundError('no masked-ROC data in the database', 'no_data');
        end = String(last.start_time);
      }
      const endMs = Date.parse(end);
      if (!Number.isFinite(endMs)) throw new QueryValidationError('invalid_parameter', `to='${p.to}' is not a datetime`, 'to');
      const start = wireTime(endMs - p.days * 86_400_000);
      end = wireTime(endMs);
      filters.push(['start_time', 'GE', start], ['start_time', 'LE', end]);
      windowText = `${start.replace('T', ' ').replace('Z', '')} – ${end.replace('T', ' ').replace('Z', '')} UTC`;
    }
    const rows = await ctx.read('maskedrocs', omsQuery({ filters, fields: ['part', 'start_time', 'masked_rocs', 'total_rocs'], sort: ['start_time'] }));
    if (!rows.length) throw new NotFoundError(`no masked-ROC data for ${windowText}`, 'no_data');
    // sum both FPix sides per lumisection, then keep the maximum per time bin
    const perTime = new Map<string, Map<string, { masked: number; total: number }>>();
    for (const r of rows) {
      const g = partGroup(String(r.part));
      const t = String(r.start_time);
      const m = perTime.get(g) ?? new Map();
      const acc = m.get(t) ?? { masked: 0, total: 0 };
      acc.masked += Number(r.masked_rocs ?? 0);
      acc.total += Number(r.total_rocs ?? 0);
      m.set(t, acc);
      perTime.set(g, m);
    }
    const t0 = Date.parse(String(rows[0].start_time));
    const t1 = Date.parse(String(rows[rows.length - 1].start_time));
    const width = Math.max(23_310, (t1 - t0) / MAX_BINS);
    const series: Series[] = [...perTime.keys()].sort().map((g) => {
      const bins = new Map<number, { t: string; v: number }>();
      for (const [t, acc] of perTime.get(g)!) {
        const v = p.quantity === 'count' ? acc.masked : acc.total > 0 ? (100 * acc.masked) / acc.total : 0;
        const b = Math.floor((Date.parse(t) - t0) / width);
        const cur = bins.get(b);
        if (!cur || v > cur.v) bins.set(b, { t: cur?.t ?? t, v });
      }
      const sorted = [...bins.entries()].sort((a, b) => a[0] - b[0]);
      // break the line where there is no data (between fills) instead of drawing a flat step across
      const x: string[] = [];
      const y: (number | null)[] = [];
      sorted.forEach(([b, v], i) => {
        if (i > 0 && b - sorted[i - 1][0] > GAP_BINS) {
          x.push(wireTime(Date.parse(sorted[i - 1][1].t) + width));
          y.push(null);
        }
        x.push(v.t);
        y.push(Number(v.v.toPrecision(6)));
      });
      return { key: g.toLowerCase().replace(/ /g, '_'), name: g, kind: 'line', step: true, x, y };
    });
    return {
      title: `Masked ROCs — ${windowText}`,
      subtitle: `per BPix layer and FPix disk (both sides) · maximum per ${Math.round(width / 1000)} s bin`,
      axes: {
        x: { label: 'Time', unit: null, scale: 'time' },
        y: p.quantity === 'count' ? { label: 'Masked ROCs', unit: 'counts', scale: 'linear' } : { label: 'Masked ROCs', unit: '%', scale: 'linear' },
      },
      series,
      annotations: [],
      spans: [],
    };
  },
});
