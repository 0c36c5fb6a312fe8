// Every pixel FED channel on one page: status per FED × channel as categorical colours.
import { defineProbe } from '../types.js';
import { latestRunIn, runInfo } from '../lookups.js';
import { omsQuery } from '../query.js';
import type { HeatmapCategory } from '../../plot/types.js';
import { NotFoundError } from '../../jsonapi/errors.js';

interface P extends Record<string, unknown> {
  run_number: number;
}

// colour-blind-safe: green ok, orange errors, vermillion masked, grey disabled
const CATEGORIES: HeatmapCategory[] = [
  { value: 0, label: 'ok', color: '#009E73' },
  { value: 1, label: 'errors', color: '#E69F00' },
  { value: 2, label: 'masked', color: '#D55E00' },
  { value: 3, label: 'disabled', color: '#7f7f7f' },
];

export default defineProbe<P>({
  id: 'fed-channels',
  group: 'Pixel',
  title: 'Pixel FED channel status',
  description: 'The status of every pixel FED channel in a run on one page: channel against FED, coloured ok / errors / masked / disabled; hover shows the module and the last error.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      run_number: { type: 'integer', title: 'Run', description: 'Run number (default: the latest run with channel status)', unit: null, minimum: 1, 'x-picker': 'run' },
    },
  },
  async defaults(ctx, given) {
    return { run_number: given.run_number ?? (await latestRunIn(ctx, 'fedchannels')) };
  },
  async run(ctx, p) {
    const run = await runInfo(ctx, p.run_number);
    const rows = await ctx.read(
      'fedchannels',
      omsQuery({ filters: [['run_number', 'EQ', p.run_number]], fields: ['fed_id', 'channel', 'status', 'error_count', 'last_error_name', 'module_name', 'part'], sort: ['fed_id', 'channel'] }),
    );
    if (!rows.length) throw new NotFoundError(`no FED channel status for run ${p.run_number}`, 'no_data');
    // FEDs across (134 columns fit a page width), the channels in use down: readable cells
    const feds = [...new Set(rows.map((r) => Number(r.fed_id)))].sort((a, b) => a - b);
    const channels = [...new Set(rows.map((r) => Number(r.channel)))].sort((a, b) => a - b);
    const value = Object.fromEntries(CATEGORIES.map((c) => [c.label, c.value]));
    const z: (number | null)[][] = channels.map(() => feds.map(() => null));
    const hover: string[] = new Array(feds.length * channels.length).fill('');
    const counts: Record<string, number> = {};
    const fi = new Map(feds.map((f, i) => [f, i]));
    const ci = new Map(channels.map((c, i) => [c, i]));
    for (const r of rows) {
      const j = fi.get(Number(r.fed_id))!;
      const i = ci.get(Number(r.channel))!;
      const status = String(r.status);
      z[i][j] = value[status] ?? null;
      counts[status] = (counts[status] ?? 0) + 1;
      const err = Number(r.error_count ?? 0);
      hover[i * feds.length + j] = `${r.module_name ?? 'no module'}${r.part ? ` (${r.part})` : ''}${err ? `<br>${err} errors, last: ${r.last_error_name ?? '?'}` : ''}`;
    }
    return {
      title: `Pixel FED channel status — run ${p.run_number}`,
      subtitle: CATEGORIES.map((c) => `${counts[c.label] ?? 0} ${c.label}`).join(' · ') + ` · ${rows.length} channels in ${feds.length} FEDs · channels without a module are not shown`,
      axes: { x: { label: 'FED id', unit: null, scale: 'linear' }, y: { label: 'FED channel', unit: null, scale: 'category' } },
      series: [{ key: 'status', name: 'Channel status', kind: 'heatmap', x: feds, y: channels.map(String), z, z_label: 'Status', z_unit: null, categories: CATEGORIES, hover }],
      annotations: [],
      spans: [],
      live: run.end_time === null,
    };
  },
});
