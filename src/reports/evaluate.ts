// Evaluates one definition over one period: every check on the period's readings, then grouping
// (many children of one parent in alarm → one parent alarm that inhibits them) and inhibition
// between checks (an alarm of a check inhibits the listed checks' alarms on the same device or
// below it). A check that throws is "failed", one with nothing to judge is "no data".
import type { Catalog } from './data.js';
import { CHECKS } from './checks/index.js';
import type { CheckOutcome } from './checks/kind.js';
import { deviceName, nounOf, unitLabel } from './findings.js';
import { runsBetween } from './period.js';
import { levelsOf, parentOf, Readings, within } from './readings.js';
import type { CheckDef, CheckResult, Evaluation, Finding, Period, ReportDefinition, ReportRun, Unit } from './types.js';
import { SEVERITY_RANK } from './types.js';

export interface EvaluateOptions {
  /** runs of the period, when the caller already has them */
  runs?: ReportRun[];
  log?: (line: string) => void;
}

export async function evaluate(catalog: Catalog, def: ReportDefinition, period: Period, opts: EvaluateOptions = {}): Promise<Evaluation> {
  const runs = opts.runs ?? (await runsBetween(catalog, period.start, period.end));
  const readings = new Readings(catalog, def, period, runs);
  for (const c of def.checks) readings.want(c, CHECKS[c.kind].fields(c, levelsOf(def, c)));
  const checks: CheckResult[] = [];
  for (const c of def.checks) {
    const impl = CHECKS[c.kind];
    const base = { id: c.id, title: c.title, kind: c.kind, severity: c.severity, description: c.description };
    let rule = '';
    try {
      rule = impl.rule(c, readings);
      const out = await impl.run(c, readings, levelsOf(def, c));
      const findings = out.findings.length ? rollUp(c, out, readings) : [];
      checks.push({
        ...base,
        rule,
        findings,
        units: out.units,
        sources: out.sources,
        coverage: out.coverage,
        plot: out.plot,
        state: findings.length ? 'alarm' : out.noData ? 'no_data' : 'ok',
        ...(out.noData && !findings.length ? { detail: out.noData } : {}),
      });
    } catch (err) {
      opts.log?.(`report ${def.id}: check ${c.id} failed: ${(err as Error).message}`);
      checks.push({ ...base, rule, findings: [], units: [], sources: [], coverage: { timeBased: true, runs: [] }, state: 'failed', detail: (err as Error).message.split('\n')[0].slice(0, 300) });
    }
  }
  inhibit(def, checks);
  return { definition: def.id, period, runs, checks };
}

/** Parents with enough children in alarm get one alarm that inhibits the children's, level by level. */
function rollUp(c: CheckDef, out: CheckOutcome, r: Readings): Finding[] {
  const findings = [...out.findings];
  if (c.rollup === false) return findings;
  const { min_fraction, min_children } = c.rollup;
  let level: Unit[] = out.units;
  let active = findings;
  while (level.length && level[0].labels.length >= 1) {
    const childLevel = level[0].labels[level[0].labels.length - 1][0];
    const parents = new Map<string, { parent: Unit; children: number; fired: Finding[] }>();
    for (const u of level) {
      const p = parentOf(u);
      const e = parents.get(p.key) ?? { parent: p, children: 0, fired: [] };
      e.children++;
      parents.set(p.key, e);
    }
    for (const f of active) parents.get(parentOf(f.unit).key)?.fired.push(f);
    const raised: Finding[] = [];
    for (const { parent, children, fired } of parents.values()) {
      if (fired.length < min_children || fired.length / children < min_fraction) continue;
      const worst = fired.reduce((a, b) => (Math.max(0, ...b.occurrences.map((o) => o.excess)) > Math.max(0, ...a.occurrences.map((o) => o.excess)) ? b : a));
      const info = r.info(c.resource);
      const name = parent.key === '*' ? info.title : unitLabel(parent, info);
      const what = `${nounOf(r.info(c.resource), childLevel)}${children === 1 ? '' : 's'}`;
      const f: Finding = {
        check: c.id,
        unit: parent,
        severity: c.severity,
        sentence: `${name}: ${c.title.toLowerCase()} on ${fired.length} of ${children} ${what}; worst ${worst.sentence}`,
        occurrences: fired.flatMap((x) => x.occurrences),
        devices: fired.flatMap((x) => x.devices),
      };
      for (const x of fired) x.inhibitedBy = `${c.id} on ${parent.key === '*' ? 'all' : deviceName(parent)}`;
      raised.push(f);
    }
    if (!raised.length) break;
    findings.push(...raised);
    active = raised;
    level = [...parents.values()].map((p) => p.parent);
    if (level[0].key === '*') break;
  }
  return findings;
}

/** An active alarm of check A inhibits the alarms of A.inhibits on the same device or below. */
function inhibit(def: ReportDefinition, checks: CheckResult[]): void {
  const byId = new Map(checks.map((c) => [c.id, c]));
  for (const a of def.checks) {
    const source = byId.get(a.id)!;
    for (const target of a.inhibits) {
      const t = byId.get(target);
      if (!t) continue;
      for (const fa of source.findings.filter((f) => !f.inhibitedBy)) {
        for (const ft of t.findings) if (!ft.inhibitedBy && within(ft.unit, fa.unit)) ft.inhibitedBy = `${a.id} on ${fa.unit.key === '*' ? 'all' : deviceName(fa.unit)}`;
      }
    }
  }
}

export const activeFindings = (c: CheckResult) => c.findings.filter((f) => !f.inhibitedBy);

/** The worst severity among active alarms, or null. */
export function worstSeverity(e: Evaluation): Finding['severity'] | null {
  let w: Finding['severity'] | null = null;
  for (const c of e.checks) for (const f of activeFindings(c)) if (!w || SEVERITY_RANK[f.severity] > SEVERITY_RANK[w]) w = f.severity;
  return w;
}
