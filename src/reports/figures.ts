// The report's figures as plot objects: the readings behind each check's alarms, then the probes
// the definition asks for (run through the probe registry and service, like the server does).
import type { Db } from '../db/connection.js';
import type { PlotObject, Series } from '../plot/types.js';
import type { ProbeRegistry } from '../probes/registry.js';
import { ProbeService } from '../probes/service.js';
import { assertValidPlot } from '../plot/validate.js';
import { activeFindings } from './evaluate.js';
import { withUnit } from './units.js';
import { engineOf } from './data.js';
import type { CheckResult, Evaluation, ProbeUse, ReportDefinition } from './types.js';

export interface Figure {
  /** stable file stem: `alarm-hv-off`, `probe-1-fed-errors-317392` */
  id: string;
  title: string;
  kind: 'alarm' | 'probe';
  plot?: PlotObject;
  /** why there is no plot */
  note?: string;
}

function alarmFigure(c: CheckResult, period: Evaluation['period']): Figure | null {
  const p = c.plot;
  if (!p || !activeFindings(c).length) return null;
  const series: Series[] = p.traces.map((t, i) => ({ key: `d${i}`, name: t.name, kind: 'line', step: true, x: t.x, y: t.y }));
  const xs = p.traces.flatMap((t) => [t.x[0], t.x[t.x.length - 1]]).sort();
  for (const [i, l] of p.limits.entries()) {
    series.push({ key: `limit${i}`, name: `${l.label} ${withUnit(l.value, p.unit)}`, kind: 'line', dash: 'dash', color: '#b22222', x: [xs[0], xs[xs.length - 1]], y: [l.value, l.value] });
  }
  const plot: PlotObject = {
    title: `${c.title}: readings of the devices in alarm`,
    subtitle: `${period.start.replace('T', ' ').slice(0, 16)} – ${period.end.replace('T', ' ').slice(0, 16)} UTC · stretches in alarm shaded`,
    axes: { x: { label: 'Time', unit: null, scale: 'time' }, y: { label: p.yLabel, unit: p.unit, scale: 'linear' } },
    series,
    annotations: [],
    spans: p.spans.map((s) => ({ from: s.from, to: s.to, label: s.label, kind: 'anomaly' as const })),
    sources: c.sources.map((url) => ({ resource: url.split('?')[0].split('/').pop() ?? '', url })),
  };
  return { id: `alarm-${c.id}`, title: plot.title, kind: 'alarm', plot: assertValidPlot(plot) };
}

const TEMPLATES = (period: Evaluation['period']): Record<string, unknown> => ({
  '{period.start}': period.start,
  '{period.end}': period.end,
  '{period.days}': Number((period.seconds / 86400).toFixed(4)),
  '{period.hours}': Number((period.seconds / 3600).toFixed(3)),
});

/** Runs (or fills) to draw a per-run probe for: those with the most alarm stretches, then the longest. */
function chooseRuns(e: Evaluation, use: ProbeUse): number[] {
  const alarms = new Map<number, number>();
  for (const c of e.checks) for (const f of activeFindings(c)) for (const o of f.occurrences) alarms.set(o.run, (alarms.get(o.run) ?? 0) + 1);
  if (use.for_each === 'fill') {
    const fills = new Map<number, { a: number; ls: number }>();
    for (const r of e.runs) {
      if (r.fill === null) continue;
      const f = fills.get(r.fill) ?? { a: 0, ls: 0 };
      f.a += alarms.get(r.run) ?? 0;
      f.ls += r.lastLs ?? 0;
      fills.set(r.fill, f);
    }
    return [...fills.entries()]
      .sort((a, b) => b[1].a - a[1].a || b[1].ls - a[1].ls || a[0] - b[0])
      .slice(0, use.max)
      .map(([f]) => f)
      .sort((a, b) => a - b);
  }
  return [...e.runs]
    .sort((a, b) => (alarms.get(b.run) ?? 0) - (alarms.get(a.run) ?? 0) || (b.lastLs ?? 0) - (a.lastLs ?? 0) || a.run - b.run)
    .slice(0, use.max)
    .map((r) => r.run)
    .sort((a, b) => a - b);
}

async function probeFigures(db: Db, probes: ProbeRegistry, apiPrefix: string, def: ReportDefinition, e: Evaluation): Promise<Figure[]> {
  const service = new ProbeService(engineOf(db));
  const out: Figure[] = [];
  const t = TEMPLATES(e.period);
  for (const [i, use] of def.probes.entries()) {
    const probe = probes.get(use.probe)!;
    const base: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(use.params)) base[k] = typeof v === 'string' && v in t ? t[v] : v;
    const param = use.for_each === 'run' ? 'run_number' : use.for_each === 'fill' ? 'fill_number' : null;
    const targets: (number | null)[] = param ? chooseRuns(e, use) : [null];
    if (param && !targets.length) out.push({ id: `probe-${i + 1}-${use.probe}`, title: use.title ?? probe.title, kind: 'probe', note: 'no run in the period' });
    for (const target of targets) {
      const id = `probe-${i + 1}-${use.probe}${target === null ? '' : `-${target}`}`;
      const title = `${use.title ?? probe.title}${target === null ? '' : ` — ${param === 'run_number' ? 'run' : 'fill'} ${target}`}`;
      try {
        const params = await service.resolveParams(probe, target === null ? base : { ...base, [param!]: target });
        out.push({ id, title, kind: 'probe', plot: await service.plot(probe, params, { apiPrefix }) });
      } catch (err) {
        out.push({ id, title, kind: 'probe', note: `not drawn: ${(err as Error).message}` });
      }
    }
  }
  return out;
}

export async function reportFigures(db: Db, probes: ProbeRegistry, apiPrefix: string, def: ReportDefinition, e: Evaluation): Promise<Figure[]> {
  const alarms = e.checks.map((c) => alarmFigure(c, e.period)).filter((f): f is Figure => f !== null);
  return [...alarms, ...(await probeFigures(db, probes, apiPrefix, def, e))];
}
