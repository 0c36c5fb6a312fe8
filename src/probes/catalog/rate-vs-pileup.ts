// Rate versus pileup per HLT path with a linear or quadratic fit, as the trigger group's RateMon
// plots: deviations from the fit show paths that misbehave at high pileup.
import { defineProbe } from '../types.js';
import { apiUrl, latestFillIn, num, runInfo } from '../sql.js';
import { busiestPathsInFill, checkPaths } from '../paths.js';
import { formatPoly, polyfit, polyval, rSquared } from '../fit.js';
import { paletteColor } from '../../plot/palette.js';
import type { Series } from '../../plot/types.js';
import { NotFoundError } from '../../jsonapi/errors.js';

interface P extends Record<string, unknown> {
  fill_number: number;
  run_number?: number;
  paths: string[];
  fit: 'linear' | 'quadratic';
  unprescale: boolean;
}

export default defineProbe<P>({
  id: 'rate-vs-pileup',
  group: 'Trigger',
  title: 'HLT rate versus pileup',
  description: 'Rate of selected HLT paths against pileup over a fill (or one run), one point per lumisection, with a per-path linear or quadratic fit (RateMon style); fit parameters in the legend.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      fill_number: { type: 'integer', title: 'Fill', description: 'LHC fill (default: the latest fill with HLT rates, or the fill of run_number)', unit: null, minimum: 1, 'x-picker': 'fill' },
      run_number: { type: 'integer', title: 'Run', description: 'Only this run of the fill (optional)', unit: null, minimum: 1, 'x-picker': 'run' },
      paths: { type: 'array', title: 'HLT paths', description: 'HLT path names (default: the three busiest physics paths of the fill)', items: { type: 'string' }, maxItems: 8, 'x-picker': 'hltpaths' },
      fit: { type: 'string', title: 'Fit', description: 'Polynomial fitted to rate(pileup)', enum: ['linear', 'quadratic'], default: 'quadratic', 'x-picker': 'enum' },
      unprescale: { type: 'boolean', title: 'Undo HLT prescale', description: 'Multiply the rate by the HLT prescale so prescale-column changes do not break the curve', default: true, 'x-picker': 'boolean' },
    },
  },
  seriesParam: 'paths',
  seriesValue: (key) => key.replace(/^fit_/, ''),
  async defaults(db, given) {
    let fill = given.fill_number;
    if (fill === undefined && given.run_number !== undefined) fill = (await runInfo(db, given.run_number)).fill_number ?? undefined;
    fill ??= await latestFillIn(db, 'v_hltpathrates');
    return { fill_number: fill, paths: given.paths ?? (await busiestPathsInFill(db, fill, 3)) };
  },
  async run(db, p, ctx) {
    await checkPaths(db, p.paths);
    let q = db.knex('v_hltpathrates as r')
      .join('v_lumisections as l', function () {
        this.on('l.run_number', '=', 'r.run_number').andOn('l.lumisection_number', '=', 'r.lumisection_number');
      })
      .select('r.path_name', 'r.rate', 'r.prescale', 'l.pileup', 'r.run_number', 'r.lumisection_number')
      .where('r.fill_number', p.fill_number).whereIn('r.path_name', p.paths).whereNotNull('l.pileup').where('l.pileup', '>', 0);
    if (p.run_number !== undefined) q = q.where('r.run_number', p.run_number);
    const rows = await q.orderBy(['r.path_name', 'r.run_number', 'r.lumisection_number']);
    if (!rows.length) throw new NotFoundError(`no HLT rates with pileup in fill ${p.fill_number}${p.run_number ? ` run ${p.run_number}` : ''} for these paths`, 'no_data');
    const degree = p.fit === 'linear' ? 1 : 2;
    const series: Series[] = [];
    let maxMu = 0;
    p.paths.forEach((name, i) => {
      const mine = rows.filter((r) => r.path_name === name && num(r.rate) !== null);
      const xs = mine.map((r) => Number(r.pileup));
      const ys = mine.map((r) => Number(r.rate) * (p.unprescale && num(r.prescale) ? Number(r.prescale) : 1));
      maxMu = Math.max(maxMu, ...xs);
      const color = paletteColor(i);
      series.push({ key: name, name, kind: 'scatter', color, x: xs, y: ys, hover: mine.map((r) => `run ${r.run_number} LS ${r.lumisection_number}`) });
      const coef = polyfit(xs, ys, degree);
      if (coef) {
        const lo = Math.min(...xs);
        const hi = Math.max(...xs);
        const fx = Array.from({ length: 41 }, (_, k) => lo + ((hi - lo) * k) / 40);
        series.push({
          key: `fit_${name}`, name: `fit: ${formatPoly(coef)} Hz (R²=${rSquared(xs, ys, coef).toFixed(3)})`, kind: 'line', color, dash: 'dash',
          x: fx.map((v) => Number(v.toFixed(3))), y: fx.map((v) => Number(polyval(coef, v).toPrecision(6))),
        });
      }
    });
    const filters: [string, 'EQ', number][] = [['fill_number', 'EQ', p.fill_number]];
    if (p.run_number !== undefined) filters.push(['run_number', 'EQ', p.run_number]);
    return {
      title: `HLT rate versus pileup — fill ${p.fill_number}${p.run_number ? `, run ${p.run_number}` : ''}`,
      subtitle: `${p.fit} fit per path${p.unprescale ? ' · rates multiplied by the HLT prescale' : ''} · one point per lumisection`,
      axes: {
        x: { label: 'Pileup (mean interactions per crossing)', unit: null, scale: 'linear', range: [0, Math.ceil(maxMu * 1.05)] },
        y: { label: p.unprescale ? 'Rate × HLT prescale' : 'Rate', unit: 'Hz', scale: 'linear' },
      },
      series, annotations: [], spans: [],
      sources: [
        { resource: 'hltpathrates', url: apiUrl(ctx.apiPrefix, 'hltpathrates', filters, { fields: 'run_number,lumisection_number,path_name,rate,prescale', 'page[limit]': '100000' }), description: 'rates (filter path_name per path)' },
        { resource: 'lumisections', url: apiUrl(ctx.apiPrefix, 'lumisections', filters, { fields: 'run_number,lumisection_number,pileup', 'page[limit]': '100000' }), description: 'pileup per lumisection' },
      ],
    };
  },
});
