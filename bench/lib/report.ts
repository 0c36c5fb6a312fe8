// The printed result: one table per database (every scenario and target, spreads over rounds,
// ratios against Platformatic DB and the bare route), then the goals of issue 10 with met / not met.
import type { LoadFigures, Measurement } from './measure.js';
import type { Target } from './options.js';
import type { Scenario } from './scenarios.js';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const max = (xs: number[]) => (xs.length ? Math.max(...xs) : NaN);
const min = (xs: number[]) => (xs.length ? Math.min(...xs) : NaN);

export function fmtNum(x: number): string {
  if (!Number.isFinite(x)) return '—';
  if (x >= 1e6) return `${(x / 1e6).toFixed(x >= 1e7 ? 1 : 2)}M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(0)}k`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}
export function fmtBytes(b: number): string {
  if (!Number.isFinite(b)) return '—';
  if (b >= 1 << 30) return `${(b / (1 << 30)).toFixed(2)} GB`;
  if (b >= 1 << 20) return `${(b / (1 << 20)).toFixed(b >= 100 << 20 ? 0 : 1)} MB`;
  if (b >= 1 << 10) return `${(b / (1 << 10)).toFixed(0)} kB`;
  return `${b.toFixed(0)} B`;
}
const spread = (xs: number[], f = fmtNum) => (xs.length > 1 ? `${f(min(xs))}–${f(max(xs))}` : f(xs[0]));

export interface Row {
  scenario: string;
  target: string;
  conn: string;
  rate: string;
  p50: string;
  p99: string;
  bytes: string;
  rss: string;
  cpu: string;
  vsPlt: string;
  vsBare: string;
  check: string;
}

function rss(ms: Measurement[]): string {
  const s = max(ms.map((m) => m.peak.server));
  const c = max(ms.map((m) => m.peak.children));
  const n = max(ms.map((m) => m.peak.childCount));
  return n > 0 ? `${fmtBytes(s)} + ${fmtBytes(c)} (${n} child${n > 1 ? 'ren' : ''})` : fmtBytes(s);
}

function loadCheck(figs: LoadFigures[]): string {
  const bad = figs.reduce((a, f) => a + f.non2xx, 0);
  const err = figs.reduce((a, f) => a + f.errors, 0);
  const to = figs.reduce((a, f) => a + f.timeouts, 0);
  const none = figs.filter((f) => f.ok === 0).length;
  const parts = [];
  if (none) parts.push(`no response in ${none} round${none > 1 ? 's' : ''}`);
  if (bad) parts.push(`${bad} non-2xx`);
  if (err) parts.push(`${err} errors`);
  if (to) parts.push(`${to} timeouts`);
  return parts.join(', ') || 'ok';
}

/** Per-round ratio a/b of a figure, as "median (min–max)". */
function ratio(a: Measurement[], b: Measurement[], fig: (m: Measurement) => number): { text: string; median: number } {
  if (!a.length || !b.length) return { text: '—', median: NaN };
  const rs: number[] = [];
  for (const m of a) {
    const o = b.find((x) => x.round === m.round);
    if (o && fig(o) > 0) rs.push(fig(m) / fig(o));
  }
  if (a.some((m) => !Number.isFinite(fig(m))) || b.some((m) => !Number.isFinite(fig(m)))) return { text: '— (incomplete)', median: NaN };
  const med = median(a.map(fig)) / median(b.map(fig));
  if (!Number.isFinite(med)) return { text: '—', median: NaN };
  return { text: `${med.toFixed(2)}×${rs.length > 1 ? ` (${min(rs).toFixed(2)}–${max(rs).toFixed(2)})` : ''}`, median: med };
}

/** Requests per CPU second of the server: the CPU ratio reads the same way as the req/s ratio. */
const cpuRateOf = (m: Measurement) => (m.cpuMsPerRequest && m.cpuMsPerRequest > 0 ? 1000 / m.cpuMsPerRequest : NaN);

function cpuCell(ms: Measurement[], plt: Measurement[]): string {
  const xs = ms.map((m) => m.cpuMsPerRequest ?? NaN).filter(Number.isFinite);
  if (!xs.length) return '—';
  const vs = ms[0].target === 'platformatic' || !plt.length ? '' : `; ${ratio(ms, plt, cpuRateOf).text}`;
  return `${median(xs).toFixed(2)} ms${vs}`;
}

const rateOf = (m: Measurement) => (m.load ? m.load.rps : m.export ? (m.export.error || m.export.status !== 200 ? NaN : m.export.rowsPerSec) : NaN);

export function tableRows(scenarios: Scenario[], results: Measurement[], targets: Target[]): Row[] {
  const rows: Row[] = [];
  for (const s of scenarios) {
    const of = (t: string) => results.filter((m) => m.scenario === s.id && m.target === t);
    for (const t of targets) {
      const ms = of(t);
      if (!ms.length) continue;
      if (s.kind === 'load') {
        const f = ms.map((m) => m.load!);
        if (ms.some((m) => m.skipped)) {
          rows.push({
            scenario: s.id,
            target: t,
            conn: String(s.connections),
            rate: '—',
            p50: '—',
            p99: '—',
            bytes: '—',
            rss: '—',
            cpu: '—',
            vsPlt: '',
            vsBare: '',
            check: `not measured: ${ms.find((m) => m.skipped)!.skipped}`,
          });
          continue;
        }
        rows.push({
          scenario: s.id,
          target: t,
          conn: String(s.connections),
          rate: `${fmtNum(median(f.map((x) => x.rps)))}${f.length > 1 ? ` (${spread(f.map((x) => x.rps))})` : ''}`,
          p50: fmtMs(median(f.map((x) => x.p50))),
          p99: fmtMs(max(f.map((x) => x.p99))),
          bytes: `${fmtBytes(median(f.map((x) => x.bytesPerSec)))}/s`,
          rss: rss(ms),
          cpu: s.group === 'compare' ? cpuCell(ms, of('platformatic')) : '',
          vsPlt: t === 'platformatic' ? '' : ratio(ms, of('platformatic'), rateOf).text,
          vsBare: t === 'bare' ? '' : ratio(ms, of('bare'), rateOf).text,
          check: loadCheck(f),
        });
      } else if (s.kind === 'export') {
        const e = ms.map((m) => m.export!);
        const good = e.filter((x) => !x.error && x.status === 200);
        const checks = e.map((x) =>
          x.status !== 200
            ? `HTTP ${x.status}${x.errorBody ? `: ${x.errorBody.replace(/\s+/g, ' ').slice(0, 60)}` : ''}`
            : x.error
              ? `${x.error} after ${x.rows} rows`
              : x.rows === x.expected
                ? 'ok'
                : `TRUNCATED ${x.rows}/${x.expected}`,
        );
        rows.push({
          scenario: s.id,
          target: t,
          conn: '1',
          rate: good.length
            ? `${fmtNum(median(good.map((x) => x.rowsPerSec)))} rows/s${good.length > 1 ? ` (${spread(good.map((x) => x.rowsPerSec))})` : ''}`
            : e.some((x) => x.rows > 0)
              ? `${fmtNum(max(e.map((x) => x.rowsPerSec)))} rows/s until it stopped`
              : '—',
          p50: good.length ? fmtMs(median(good.map((x) => x.ms))) : '—',
          p99: good.length ? fmtMs(max(good.map((x) => x.ms))) : '—',
          bytes: good.length ? `${fmtBytes(median(good.map((x) => x.bytes / (x.ms / 1000))))}/s` : '—',
          rss: rss(ms),
          cpu: '',
          vsPlt: t === 'platformatic' ? '' : ratio(ms, of('platformatic'), rateOf).text,
          vsBare: t === 'bare' ? '' : ratio(ms, of('bare'), rateOf).text,
          check: [...new Set(checks)].join('; ') + (good.length ? ` (${e[0].expected} rows expected)` : ''),
        });
      } else {
        const h = ms.map((m) => m.health!);
        const slow = h.flatMap((x) => x.slowQueries);
        const covered = min(h.map((x) => x.exportCoveredMs));
        const note = `export ran ${fmtMs(covered)} of the window; slow query ${slow.length ? `${fmtMs(median(slow))} ×${slow.length}` : 'running throughout (none finished in the window)'}`;
        for (const [label, f] of [
          ['/health', h.map((x) => x.health)],
          ['100-row page', h.map((x) => x.page)],
        ] as const) {
          rows.push({
            scenario: `${s.id} ${label}`,
            target: t,
            conn: String(s.connections),
            rate: `${fmtNum(median(f.map((x) => x.rps)))}${f.length > 1 ? ` (${spread(f.map((x) => x.rps))})` : ''}`,
            p50: fmtMs(median(f.map((x) => x.p50))),
            p99: fmtMs(max(f.map((x) => x.p99))),
            bytes: `${fmtBytes(median(f.map((x) => x.bytesPerSec)))}/s`,
            rss: rss(ms),
            cpu: '',
            vsPlt: '',
            vsBare: '',
            check: `${loadCheck(f)}; ${note}`,
          });
        }
      }
    }
  }
  return rows;
}

export function renderTable(rows: Row[]): string {
  const head: Row = {
    scenario: 'scenario',
    target: 'target',
    conn: 'conn',
    rate: 'req/s median (min–max)',
    p50: 'p50',
    p99: 'p99 (worst)',
    bytes: 'bytes/s',
    rss: 'peak RSS',
    cpu: 'CPU/req; vs Platformatic',
    vsPlt: 'vs Platformatic',
    vsBare: 'vs bare',
    check: 'check',
  };
  const cols = Object.keys(head) as (keyof Row)[];
  const all = [head, ...rows];
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(...all.map((r) => r[c].length))])) as Record<keyof Row, number>;
  const line = (r: Row) => `| ${cols.map((c) => r[c].padEnd(width[c])).join(' | ')} |`;
  const sep = `|${cols.map((c) => '-'.repeat(width[c] + 2)).join('|')}|`;
  const out = [line(head), sep];
  let last = '';
  for (const r of rows) {
    const group = r.scenario.split(/[:\s]/)[0];
    if (last && group !== last && (group === 'page' || last === 'page' || group === 'probe' || last === 'probe')) out.push(sep);
    last = group;
    out.push(line(r));
  }
  return out.join('\n');
}

export interface Goal {
  goal: string;
  met: boolean | null;
  detail: string;
}

export function goals(scenarios: Scenario[], results: Measurement[], ctx: { scale: string; targets: Target[] }): Goal[] {
  const out: Goal[] = [];
  const of = (id: string, t: string) => results.filter((m) => m.scenario === id && m.target === t);
  const yearNote = ctx.scale === 'year' ? '' : ` [stated for the year database; measured on ${ctx.scale}]`;

  for (const s of scenarios.filter((x) => x.group === 'compare')) {
    const o = of(s.id, 'omsagg');
    if (!o.length) continue;
    for (const [t, want] of [
      ['platformatic', 1.1],
      ['bare', 0.9],
    ] as const) {
      const r = ratio(o, of(s.id, t), rateOf);
      const c = ratio(o, of(s.id, t), cpuRateOf);
      out.push({
        goal: `${s.id}: omsagg req/s ≥ ${want}× ${t === 'bare' ? 'the bare route' : 'Platformatic DB'}`,
        met: Number.isFinite(r.median) ? r.median >= want : null,
        detail: Number.isFinite(r.median)
          ? `${r.text} (median over rounds; per-round range in brackets)${Number.isFinite(c.median) ? `; requests per CPU second ${c.text}` : ''}`
          : `${t} not measured`,
      });
    }
  }

  const latencyGoal = (group: 'page' | 'probe', limitMs: number, what: string) => {
    const ss = scenarios.filter((x) => x.group === group);
    const worst = ss
      .map((s) => {
        const ms = of(s.id, 'omsagg');
        const f = ms.map((m) => m.load!);
        const skipped = ms.find((m) => m.skipped)?.skipped;
        const answered = f.length > 0 && f.every((x) => x.ok > 0 && x.non2xx === 0);
        return { id: s.id, p99: answered ? max(f.map((x) => x.p99)) : Infinity, measured: f.length > 0, f, skipped };
      })
      .filter((x) => x.measured);
    if (!worst.length) return;
    const fails = worst.filter((x) => !(x.p99 <= limitMs)).sort((a, b) => b.p99 - a.p99);
    const show = fails
      .slice(0, 12)
      .map((x) => `${x.id} ${Number.isFinite(x.p99) ? fmtMs(x.p99) : (x.skipped ?? loadCheck(x.f))}`)
      .join('; ');
    out.push({
      goal: `${what} p99 ≤ ${fmtMs(limitMs)}${group === 'page' ? yearNote : ''}`,
      met: fails.length === 0,
      detail: `${worst.length - fails.length}/${worst.length} met${fails.length ? `; worst: ${show}${fails.length > 12 ? `; … ${fails.length - 12} more` : ''}` : ''}`,
    });
  };
  latencyGoal('page', 100, "every resource's default first page, unfiltered and with each common filter shape:");
  latencyGoal('probe', 1000, 'every probe plot:');

  const exports = scenarios.filter((x) => x.kind === 'export');
  if (exports.length) {
    const parts: string[] = [];
    let anyMet = false;
    let any = false;
    for (const s of exports) {
      const ms = of(s.id, 'omsagg');
      if (!ms.length) continue;
      any = true;
      const e = ms.map((m) => m.export!);
      const complete = e.every((x) => x.status === 200 && !x.error && x.rows === x.expected);
      const rate = complete ? median(e.map((x) => x.rowsPerSec)) : NaN;
      const server = max(ms.map((m) => m.peak.server));
      const children = max(ms.map((m) => m.peak.children));
      const met = complete && rate >= 165_000 && server < 200 * 2 ** 20;
      anyMet ||= met;
      parts.push(
        `${s.id}: ${complete ? `${fmtNum(rate)} rows/s` : `incomplete (${[...new Set(e.map((x) => (x.status !== 200 ? `HTTP ${x.status}` : (x.error ?? `${x.rows}/${x.expected} rows`))))].join(', ')})`}, server peak ${fmtBytes(server)}, children ${fmtBytes(children)} → ${met ? 'met' : 'not met'}`,
      );
    }
    if (any) out.push({ goal: 'a CSV or JSON export of the stated rows ≥ 165k rows/s, server peak RSS < 200 MB, no silent truncation', met: anyMet, detail: parts.join('; ') });
  }

  for (const s of scenarios.filter((x) => x.kind === 'health')) {
    const ms = of(s.id, 'omsagg');
    if (!ms.length) continue;
    const h = ms.map((m) => m.health!);
    const p99h = h.every((x) => x.health.ok > 0) ? max(h.map((x) => x.health.p99)) : Infinity;
    const p99p = h.every((x) => x.page.ok > 0) ? max(h.map((x) => x.page.p99)) : Infinity;
    out.push({
      goal: '/health and a 100-row page p99 ≤ 50 ms while an export and a slow query run',
      met: p99h <= 50 && p99p <= 50,
      detail: `/health p99 ${Number.isFinite(p99h) ? fmtMs(p99h) : 'no response'}, 100-row page p99 ${Number.isFinite(p99p) ? fmtMs(p99p) : 'no response'}`,
    });
  }
  return out;
}

export function renderGoals(gs: Goal[]): string {
  return gs.map((g) => `  [${g.met === null ? 'n/a' : g.met ? 'met' : 'NOT MET'}] ${g.goal}\n        ${g.detail}`).join('\n');
}
