// L1 and HLT physics rates over a run or a fill, with dead time or luminosity on a secondary axis.
import { defineProbe } from '../types.js';
import { apiUrl, isoTime, latestRunIn, num, runInfo, type FilterSpec } from '../sql.js';
import type { Annotation, Series } from '../../plot/types.js';
import { NotFoundError } from '../../jsonapi/errors.js';

interface P extends Record<string, unknown> {
  run_number?: number;
  fill_number?: number;
  secondary: 'deadtime' | 'luminosity';
}

// HLT paths of these groups are not physics triggers
const NON_PHYSICS = ['alca', 'zerobias'];

export default defineProbe<P>({
  id: 'trigger-rates',
  group: 'Trigger',
  title: 'L1 and HLT physics rates with dead time',
  description: 'Total and physics L1 accept rates and the HLT physics rate per lumisection over a run or a whole fill, with the dead time (or the instantaneous luminosity) on a secondary axis. The 100 kHz L1 limit is marked.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      run_number: { type: 'integer', title: 'Run', description: 'Run number (default: the latest run; ignored when a fill is given)', unit: null, minimum: 1, 'x-picker': 'run' },
      fill_number: { type: 'integer', title: 'Fill', description: 'A whole LHC fill instead of one run (optional)', unit: null, minimum: 1, 'x-picker': 'fill' },
      secondary: { type: 'string', title: 'Secondary axis', description: 'What the right-hand axis shows', enum: ['deadtime', 'luminosity'], default: 'deadtime', 'x-picker': 'enum' },
    },
  },
  async defaults(db, given) {
    if (given.fill_number !== undefined) return {};
    return { run_number: given.run_number ?? (await latestRunIn(db, 'v_l1triggerrates')) };
  },
  async run(db, p, ctx) {
    const byFill = p.fill_number !== undefined;
    const filter: FilterSpec = byFill ? ['fill_number', 'EQ', p.fill_number!] : ['run_number', 'EQ', p.run_number!];
    const [col, , val] = filter;
    const live = byFill ? false : (await runInfo(db, p.run_number!)).end_time === null;
    const l1 = await db.knex('v_l1triggerrates').select('run_number', 'lumisection_number', 'start_time', 'l1a_total_rate', 'l1a_physics_rate')
      .where(col, val).orderBy(['start_time', 'run_number', 'lumisection_number']);
    if (!l1.length) throw new NotFoundError(`no L1 trigger rates for ${byFill ? 'fill' : 'run'} ${val}`, 'no_data');
    const key = (r: { run_number: unknown; lumisection_number: unknown }) => `${r.run_number}_${r.lumisection_number}`;
    const hlt = new Map<string, number>();
    for (const r of await db.knex('v_hltpathrates').select('run_number', 'lumisection_number').sum({ rate: 'rate' })
      .where(col, val).whereNotIn('path_group', NON_PHYSICS).groupBy('run_number', 'lumisection_number')) {
      hlt.set(key(r as never), Number((r as { rate: unknown }).rate));
    }
    const secondary = new Map<string, number | null>();
    if (p.secondary === 'deadtime') {
      for (const r of await db.knex('v_deadtimes').select('run_number', 'lumisection_number', 'overall_total_deadtime').where(col, val)) secondary.set(key(r), num(r.overall_total_deadtime));
    } else {
      for (const r of await db.knex('v_lumisections').select('run_number', 'lumisection_number', 'init_lumi').where(col, val)) secondary.set(key(r), num(r.init_lumi) === null ? null : Number(r.init_lumi) / 1e4); // 10^30 → 10^34 cm^-2 s^-1
    }
    const x = l1.map((r) => isoTime(r.start_time));
    const hover = l1.map((r) => `run ${r.run_number} LS ${r.lumisection_number}`);
    const series: Series[] = [
      { key: 'l1_total', name: 'L1 total', kind: 'line', x, y: l1.map((r) => num(r.l1a_total_rate)), hover },
      { key: 'l1_physics', name: 'L1 physics', kind: 'line', x, y: l1.map((r) => num(r.l1a_physics_rate)), hover },
      { key: 'hlt_physics', name: 'HLT physics (sum of physics paths)', kind: 'line', x, y: l1.map((r) => hlt.get(key(r)) ?? null), hover },
      p.secondary === 'deadtime'
        ? { key: 'deadtime', name: 'Dead time (overall)', kind: 'line', axis: 'y2', color: '#999999', x, y: l1.map((r) => secondary.get(key(r)) ?? null), hover }
        : { key: 'luminosity', name: 'Inst. luminosity', kind: 'line', axis: 'y2', color: '#999999', x, y: l1.map((r) => secondary.get(key(r)) ?? null), hover },
    ];
    const annotations: Annotation[] = [{ y: 100_000, text: 'L1 limit 100 kHz' }];
    if (byFill) {
      // run boundaries within the fill
      let prevRun: unknown;
      l1.forEach((r, i) => {
        if (r.run_number !== prevRun) annotations.push({ x: x[i], text: `run ${r.run_number}` });
        prevRun = r.run_number;
      });
    }
    const f: FilterSpec[] = [filter];
    return {
      title: `L1 and HLT rates — ${byFill ? 'fill' : 'run'} ${val}`,
      subtitle: `rates per lumisection (23.31 s)${live ? ' · run ongoing' : ''}`,
      axes: {
        x: { label: 'Time', unit: null, scale: 'time' },
        y: { label: 'Rate', unit: 'Hz', scale: 'log' },
        y2: p.secondary === 'deadtime'
          ? { label: 'Dead time', unit: '%', scale: 'linear' }
          : { label: 'Inst. luminosity', unit: '10^{34}cm^{-2}s^{-1}', scale: 'linear' },
      },
      series, annotations, spans: [], live,
      sources: [
        { resource: 'l1triggerrates', url: apiUrl(ctx.apiPrefix, 'l1triggerrates', f, { 'page[limit]': '100000' }) },
        { resource: 'hltpathrates', url: apiUrl(ctx.apiPrefix, 'hltpathrates', f, { fields: 'run_number,lumisection_number,path_name,path_group,rate', 'page[limit]': '100000' }), description: 'HLT physics = sum of the rates of paths outside the alca and zerobias groups' },
        p.secondary === 'deadtime'
          ? { resource: 'deadtimes', url: apiUrl(ctx.apiPrefix, 'deadtimes', f, { 'page[limit]': '100000' }) }
          : { resource: 'lumisections', url: apiUrl(ctx.apiPrefix, 'lumisections', f, { fields: 'run_number,lumisection_number,start_time,init_lumi', 'page[limit]': '100000' }) },
      ],
    };
  },
});
