// Rate versus pileup per HLT path with a linear or quadratic fit, as the trigger group's RateMon
// plots: deviations from the fit show paths that misbehave at high pileup.
import { defineProbe } from '../types.js';
import { latestFillIn, runInfo } from '../lookups.js';
import { busiestPathsInFill, readPerPath } from '../paths.js';
import { omsQuery, type Filter } from '../query.js';
import { num } from '../values.js';
import type { Row } from '../types.js';
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
      paths: {
        type: 'array',
        title: 'HLT paths',
        description: 'HLT path names (default: the three busiest physics paths of the fill)',
        items: { type: 'string' },
        maxItems: 8,
        'x-picker': 'hltpaths',
      },
      fit: { type: 'string', title: 'Fit', description: 'Polynomial fitted to rate(pileup)', enum: ['linear', 'quadratic'], default: 'quadratic', 'x-picker': 'enum' },
      unprescale: {
        type: 'boolean',
        title: 'Undo HLT prescale',
        description: 'Multiply the rate by the HLT prescale so prescale-column changes do not break the curve',
        default: true,
        'x-picker': 'boolean',
      },
    },
  },
  seriesParam: 'paths',
  seriesValue: (key) => key.replace(/^fit_/, ''),
  async defaults(ctx, given) {
    let fill = given.fill_number;
    if (fill === undefined && given.run_number !== undefined) fill = (await runInfo(ctx, given.run_number)).fill_number ?? undefined;
    fill ??= await latestFillIn(ctx, 'hltpathrates');
    return { fill_number: fill, paths: given.paths ?? (await busiestPathsInFill(ctx, fill, 3)) };
  },
  async run(ctx, p) {
    const where: Filter[] = [['fill_number', 'EQ', p.fill_number]];
    if (p.run_number !== undefined) where.push(['run_number', 'EQ', p.run_number]);
    const [byPath, lumisections] = await Promise.all([
      readPerPath(ctx, p.paths, (path) =>
        ctx.read(
          'hltpathrates',
          omsQuery({ filters: [...where, ['path_name', 'EQ', path]], fields: ['run_number', 'lumisection_number', 'rate', 'prescale'], sort: ['run_number', 'lumisection_number'] }),
          `rates of ${path}`,
        ),
      ),
      ctx.read('lumisections', omsQuery({ filters: [...where, ['pileup', 'GT', 0]], fields: ['run_number', 'lumisection_number', 'pileup'] }), 'pileup per lumisection'),
    ]);
    // rates joined with the pileup of their lumisection (lumisections without pileup drop out)
    const pileup = new Map(lumisections.map((l) => [`${l.run_number}_${l.lumisection_number}`, Number(l.pileup)]));
    const joined = new Map(
      [...byPath].map(([path, rows]) => [
        path,
        rows.flatMap((r): Row[] => {
          const mu = pileup.get(`${r.run_number}_${r.lumisection_number}`);
          return mu === undefined ? [] : [{ ...r, pileup: mu }];
        }),
      ]),
    );
    if (![...joined.values()].some((rows) => rows.length))
      throw new NotFoundError(`no HLT rates with pileup in fill ${p.fill_number}${p.run_number ? ` run ${p.run_number}` : ''} for these paths`, 'no_data');
    const degree = p.fit === 'linear' ? 1 : 2;
    const series: Series[] = [];
    let maxMu = 0;
    p.paths.forEach((name, i) => {
      const mine = joined.get(name)!.filter((r) => num(r.rate) !== null);
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
          key: `fit_${name}`,
          name: `fit: ${formatPoly(coef)} Hz (R²=${rSquared(xs, ys, coef).toFixed(3)})`,
          kind: 'line',
          color,
          dash: 'dash',
          x: fx.map((v) => Number(v.toFixed(3))),
          y: fx.map((v) => Number(polyval(coef, v).toPrecision(6))),
        });
      }
    });
    return {
      title: `HLT rate versus pileup — fill ${p.fill_number}${p.run_number ? `, run ${p.run_number}` : ''}`,
      subtitle: `${p.fit} fit per path${p.unprescale ? ' · rates multiplied by the HLT prescale' : ''} · one point per lumisection`,
      axes: {
        x: { label: 'Pileup (mean interactions per crossing)', unit: null, scale: 'linear', range: [0, Math.ceil(maxMu * 1.05)] },
        y: { label: p.unprescale ? 'Rate × HLT prescale' : 'Rate', unit: 'Hz', scale: 'linear' },
      },
      series,
      annotations: [],
      spans: [],
    };
  },
});
