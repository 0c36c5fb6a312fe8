// Pixel FED errors as a heatmap: FED × lumisection, for one error type or all of them.
import { defineProbe } from '../types.js';
import { latestRunIn, runInfo } from '../lookups.js';
import { omsQuery, type Filter } from '../query.js';

interface P extends Record<string, unknown> {
  run_number: number;
  error_code?: number;
}

// Pixel FED error codes (docs/design.md, fed_error_types)
const CODES: Record<string, string> = {
  25: '25 invalid ROC',
  26: '26 gap',
  27: '27 dummy',
  28: '28 FIFO nearly full',
  29: '29 timeout',
  30: '30 TBM error trailer',
  31: '31 event-number error',
  32: '32 bad header',
  33: '33 bad trailer',
  34: '34 size mismatch',
  35: '35 invalid channel',
  36: '36 invalid ROC number',
  37: '37 pixel address',
  38: '38 pixel order',
  39: '39 CRC',
  40: '40 TBM overflow',
};

export default defineProbe<P>({
  id: 'fed-errors',
  group: 'Pixel',
  title: 'Pixel FED errors per lumisection',
  description:
    'Heatmap of pixel FED error counts, FED against lumisection, for one error type or all; blank cells had no errors. Bursts of timeouts (29) and event-number errors (31) that survive a recovery point at a real fault.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      run_number: { type: 'integer', title: 'Run', description: 'Run number (default: the latest run with FED errors)', unit: null, minimum: 1, 'x-picker': 'run' },
      error_code: {
        type: 'integer',
        title: 'Error type',
        description: 'Pixel FED error code (default: all types summed)',
        unit: null,
        enum: Object.keys(CODES).map(Number),
        'x-picker': 'enum',
        'x-labels': CODES,
      },
    },
  },
  async defaults(ctx, given) {
    return { run_number: given.run_number ?? (await latestRunIn(ctx, 'federrors')) };
  },
  async run(ctx, p) {
    const run = await runInfo(ctx, p.run_number);
    const filters: Filter[] = [['run_number', 'EQ', p.run_number]];
    if (p.error_code !== undefined) filters.push(['error_code', 'EQ', p.error_code]);
    // errors per FED and lumisection: the rows are per channel and error type (the granularities
    // keep both), so they are summed here
    const errors = await ctx.read('federrors', omsQuery({ filters, fields: ['fed_id', 'lumisection_number', 'error_count'] }));
    const sums = new Map<string, { fed_id: number; lumisection_number: number; n: number }>();
    for (const r of errors) {
      const k = `${r.fed_id}_${r.lumisection_number}`;
      const acc = sums.get(k) ?? { fed_id: Number(r.fed_id), lumisection_number: Number(r.lumisection_number), n: 0 };
      acc.n += Number(r.error_count ?? 0);
      sums.set(k, acc);
    }
    const rows = [...sums.values()];
    // every FED of the run, those without errors too (one row per channel: the distinct ids here)
    const channels = await ctx.read('fedchannels', omsQuery({ filters: [['run_number', 'EQ', p.run_number]], fields: ['fed_id'], sort: ['fed_id'] }), 'the FEDs of the run');
    const feds = [...new Set(channels.map((r) => Number(r.fed_id)))];
    for (const r of rows) if (!feds.includes(r.fed_id)) feds.push(r.fed_id);
    feds.sort((a, b) => a - b);
    const lastLs = Math.max(run.last_lumisection_number ?? 0, ...rows.map((r) => r.lumisection_number), 1);
    const xs = Array.from({ length: lastLs }, (_, i) => i + 1);
    const fedIndex = new Map(feds.map((f, i) => [f, i]));
    const z: (number | null)[][] = feds.map(() => new Array<number | null>(lastLs).fill(null));
    let total = 0;
    for (const r of rows) {
      total += r.n;
      z[fedIndex.get(r.fed_id)!][r.lumisection_number - 1] = r.n > 0 ? r.n : null;
    }
    const what = p.error_code !== undefined ? CODES[p.error_code] : 'all error types';
    return {
      title: `Pixel FED errors — run ${p.run_number}`,
      subtitle: `${what} · ${total} errors in ${new Set(rows.map((r) => r.fed_id)).size} of ${feds.length} FEDs · blank = no errors`,
      axes: { x: { label: 'Lumisection', unit: null, scale: 'linear' }, y: { label: 'FED id', unit: null, scale: 'linear' } },
      series: [{ key: 'errors', name: `FED errors (${what})`, kind: 'heatmap', x: xs, y: feds, z, z_label: 'Errors', z_unit: 'counts', z_scale: 'log' }],
      annotations: [],
      spans: [],
      live: run.end_time === null,
    };
  },
});
