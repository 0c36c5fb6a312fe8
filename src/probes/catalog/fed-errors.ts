// Pixel FED errors as a heatmap: FED × lumisection, for one error type or all of them.
import { defineProbe } from '../types.js';
import { apiUrl, latestRunIn, runInfo, type FilterSpec } from '../sql.js';

interface P extends Record<string, unknown> {
  run_number: number;
  error_code?: number;
}

// Pixel FED error codes (docs/design.md, fed_error_types)
const CODES: Record<string, string> = {
  25: '25 invalid ROC', 26: '26 gap', 27: '27 dummy', 28: '28 FIFO nearly full', 29: '29 timeout', 30: '30 TBM error trailer',
  31: '31 event-number error', 32: '32 bad header', 33: '33 bad trailer', 34: '34 size mismatch', 35: '35 invalid channel',
  36: '36 invalid ROC number', 37: '37 pixel address', 38: '38 pixel order', 39: '39 CRC', 40: '40 TBM overflow',
};

export default defineProbe<P>({
  id: 'fed-errors',
  group: 'Pixel',
  title: 'Pixel FED errors per lumisection',
  description: 'Heatmap of pixel FED error counts, FED against lumisection, for one error type or all; blank cells had no errors. Bursts of timeouts (29) and event-number errors (31) that survive a recovery point at a real fault.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      run_number: { type: 'integer', title: 'Run', description: 'Run number (default: the latest run with FED errors)', unit: null, minimum: 1, 'x-picker': 'run' },
      error_code: { type: 'integer', title: 'Error type', description: 'Pixel FED error code (default: all types summed)', unit: null, enum: Object.keys(CODES).map(Number), 'x-picker': 'enum', 'x-labels': CODES },
    },
  },
  async defaults(db, given) {
    return { run_number: given.run_number ?? (await latestRunIn(db, 'v_federrors')) };
  },
  async run(db, p, ctx) {
    const run = await runInfo(db, p.run_number);
    let q = db.knex('v_federrors').select('fed_id', 'lumisection_number').sum({ n: 'error_count' }).where('run_number', p.run_number).groupBy('fed_id', 'lumisection_number');
    if (p.error_code !== undefined) q = q.where('error_code', p.error_code);
    const rows = (await q) as { fed_id: unknown; lumisection_number: unknown; n: unknown }[];
    const feds = (await db.knex('v_fedchannels').distinct('fed_id').where('run_number', p.run_number).orderBy('fed_id')).map((r) => Number(r.fed_id));
    for (const r of rows) if (!feds.includes(Number(r.fed_id))) feds.push(Number(r.fed_id));
    feds.sort((a, b) => a - b);
    const lastLs = Math.max(run.last_lumisection_number ?? 0, ...rows.map((r) => Number(r.lumisection_number)), 1);
    const xs = Array.from({ length: lastLs }, (_, i) => i + 1);
    const fedIndex = new Map(feds.map((f, i) => [f, i]));
    const z: (number | null)[][] = feds.map(() => new Array<number | null>(lastLs).fill(null));
    let total = 0;
    for (const r of rows) {
      const n = Number(r.n);
      total += n;
      z[fedIndex.get(Number(r.fed_id))!][Number(r.lumisection_number) - 1] = n > 0 ? n : null;
    }
    const filters: FilterSpec[] = [['run_number', 'EQ', p.run_number]];
    if (p.error_code !== undefined) filters.push(['error_code', 'EQ', p.error_code]);
    const what = p.error_code !== undefined ? CODES[p.error_code] : 'all error types';
    return {
      title: `Pixel FED errors — run ${p.run_number}`,
      subtitle: `${what} · ${total} errors in ${new Set(rows.map((r) => r.fed_id)).size} of ${feds.length} FEDs · blank = no errors`,
      axes: { x: { label: 'Lumisection', unit: null, scale: 'linear' }, y: { label: 'FED id', unit: null, scale: 'linear' } },
      series: [{ key: 'errors', name: `FED errors (${what})`, kind: 'heatmap', x: xs, y: feds, z, z_label: 'Errors', z_unit: 'counts', z_scale: 'log' }],
      annotations: [], spans: [], live: run.end_time === null,
      sources: [{ resource: 'federrors', url: apiUrl(ctx.apiPrefix, 'federrors', filters, { fields: 'fed_id,channel,lumisection_number,error_code,error_name,error_count', 'page[limit]': '100000' }) }],
    };
  },
});
