// The report page: the alarm summary first (status per device group, one sentence per alarm),
// then the checks with their rules, the figures, and the data. Static HTML that links the
// repository's shared assets relatively, so it works from the file system and from /reports.
import { toPlotly } from '../plot/to-plotly.js';
import { PLOTLY_FILE } from './assets.js';
import type { Figure } from './figures.js';
import type { AlarmSummary, ReportSummary } from './summary.js';
import { formatPeriodText, INDEX_PAGES } from './pages.js';
import { utcMinute } from './units.js';
import { esc } from './escape.js';

const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
const stateClass = (s: string) => `state state-${s === 'n/a' ? 'na' : s}`;

const TAG: Record<string, string> = { raised: 'NEW', repeated: 'REPEATED', firing: 'STILL FIRING', resolved: 'RESOLVED', inhibited: 'INHIBITED' };

function alarmItem(a: AlarmSummary): string {
  const tag = a.state === 'no_data' ? 'NO DATA' : a.state === 'failed' ? 'CHECK FAILED' : a.silence ? 'SILENCED' : TAG[a.transition];
  const cls = a.state === 'no_data' || a.state === 'failed' ? a.state : a.silence ? 'silenced' : a.transition;
  const meta = [
    esc(a.title),
    a.state === 'resolved' ? 'no longer seen in this period' : a.firstRaised && a.transition !== 'raised' ? `first raised for the period ending ${utcMinute(a.firstRaised)}` : '',
    a.silence ? `silenced by ${esc(a.silence.author)} until ${utcMinute(a.silence.until)}: ${esc(a.silence.reason)} (silence ${a.silence.id})` : '',
    a.inhibitedBy ? `covered by ${esc(a.inhibitedBy)}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return `<li class="sev-${a.severity} ${a.state === 'resolved' ? 'resolved' : ''}" data-check="${esc(a.check)}" data-group="${esc(a.groupKey)}"><span class="tag ${cls}">${tag}</span><span class="sev">${a.severity}</span> ${esc(a.sentence)}<div class="meta">${meta}</div></li>`;
}

function banner(s: ReportSummary): string {
  const c = s.counts;
  if (s.status === 'ok')
    return `<p class="banner ok">No alarm: every check passed${c.resolved ? ` (${c.resolved} alarm${c.resolved > 1 ? 's' : ''} resolved)` : ''}${c.silenced ? `; ${c.silenced} silenced` : ''}.</p>`;
  const parts = [
    c.active ? `${c.active} alarm${c.active > 1 ? 's' : ''} (${c.raised} new, ${c.repeated} repeated, ${c.firing} still firing)` : '',
    c.noData ? `${c.noData} check${c.noData > 1 ? 's' : ''} without data` : '',
    c.failed ? `${c.failed} check${c.failed > 1 ? 's' : ''} failed` : '',
    c.resolved ? `${c.resolved} resolved` : '',
    c.silenced ? `${c.silenced} silenced` : '',
    c.inhibited ? `${c.inhibited} covered by a parent alarm` : '',
  ].filter(Boolean);
  return `<p class="banner ${s.status}">${parts.join('; ')}.</p>`;
}

function statusTable(s: ReportSummary): string {
  const rows = s.groups;
  const bad = rows.filter((r) => Object.values(r.states).some((x) => x !== 'ok' && x !== 'n/a'));
  const shown = rows.length > 24 ? bad : rows;
  const head = s.checks.map((c) => `<th title="${esc(c.rule)}">${esc(c.title)}</th>`).join('');
  const body = shown
    .map(
      (r) =>
        `<tr><td>${esc(r.label)}</td>${s.checks.map((c) => `<td><span class="${stateClass(r.states[c.id])}">${r.states[c.id] === 'no_data' ? 'no data' : r.states[c.id]}</span></td>`).join('')}</tr>`,
    )
    .join('\n');
  const rest = rows.length - shown.length;
  return `<table class="status"><thead><tr><th>Device group</th>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${rest ? `<p class="meta">${rest} more device group${rest > 1 ? 's' : ''}: every check OK.</p>` : ''}`;
}

function checksTable(s: ReportSummary): string {
  const rows = s.checks
    .map(
      (c) =>
        `<tr id="check-${esc(c.id)}"><td><b>${esc(c.title)}</b><div class="meta">${esc(c.id)} · ${c.kind} · ${c.severity}</div></td><td><span class="${stateClass(c.state)}">${c.state === 'no_data' ? 'no data' : c.state}</span>${c.detail ? `<div class="meta">${esc(c.detail)}</div>` : ''}</td><td>${esc(c.rule)}.${c.description ? `<div class="meta">${esc(c.description)}</div>` : ''}</td><td class="num">${c.units}</td></tr>`,
    )
    .join('\n');
  return `<table><thead><tr><th>Check</th><th>State</th><th>Rule and why</th><th class="num">Groups judged</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function figureSection(f: Figure): string {
  if (!f.plot) return `<section class="figure" id="fig-${esc(f.id)}"><h2>${esc(f.title)}</h2><p class="note">${esc(f.note ?? 'no plot')}</p></section>`;
  const fig = toPlotly(f.plot);
  const sources = f.plot.sources.map((x) => `<li><span class="url">${esc(x.url)}</span>${x.description ? ` — ${esc(x.description)}` : ''}</li>`).join('');
  return `<section class="figure" id="fig-${esc(f.id)}"><h2>${esc(f.title)}</h2>
<div class="plot" id="plot-${esc(f.id)}"></div>
<p class="meta">Data: <a href="${esc(f.id)}.csv">${esc(f.id)}.csv</a>${f.plot.notes?.length ? ` · ${esc(f.plot.notes.join(' '))}` : ''}</p>
${sources ? `<details class="noprint"><summary class="meta">Equivalent API queries</summary><ul>${sources}</ul></details>` : ''}
<script type="application/json" class="figure-data" data-for="${esc(f.id)}">${scriptJson(fig)}</script></section>`;
}

function runsTable(s: ReportSummary): string {
  if (!s.runs.length) return '<p class="note">No run in the period.</p>';
  const rows = s.runs
    .map(
      (r) =>
        `<tr><td class="num">${r.run}</td><td class="num">${r.fill ?? ''}</td><td>${utcMinute(r.start)}</td><td>${r.end ? utcMinute(r.end) : 'ongoing'}</td><td class="num">${r.lastLs ?? ''}</td></tr>`,
    )
    .join('\n');
  return `<table><thead><tr><th class="num">Run</th><th class="num">Fill</th><th>Start</th><th>End</th><th class="num">Lumisections</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

export function reportHtml(s: ReportSummary, figures: Figure[]): string {
  const root = '../../';
  const nav =
    INDEX_PAGES.map((p) => `<a href="${root}${p.file}">${esc(p.title)}</a>`).join('') + `<a href="${root}days/${s.period.start.slice(0, 10)}.html">Reports of ${s.period.start.slice(0, 10)}</a>`;
  const active = s.alarms.filter((a) => a.state !== 'inhibited' && !a.silence);
  const silenced = s.alarms.filter((a) => a.silence);
  const inhibited = s.alarms.filter((a) => a.state === 'inhibited');
  const sources = [...new Set(s.checks.flatMap((c) => c.sources))];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(s.title)} · ${esc(formatPeriodText(s.period))}</title>
<link rel="stylesheet" href="${root}assets/report.css">
</head>
<body data-report="${esc(s.report)}" data-period="${esc(s.period.key)}" data-status="${s.status}">
<header class="top">${nav}</header>
<main>
<section class="summary">
<h1>${esc(s.title)}</h1>
<p class="lead">${esc(formatPeriodText(s.period))} · report <code>${esc(s.report)}</code> · ${s.runs.length} run${s.runs.length === 1 ? '' : 's'} in the period</p>
${banner(s)}
<h2>Alarms</h2>
${active.length ? `<ol class="alarms">\n${active.map(alarmItem).join('\n')}\n</ol>` : '<p>None.</p>'}
${silenced.length ? `<h2>Silenced</h2><ol class="alarms">\n${silenced.map(alarmItem).join('\n')}\n</ol>` : ''}
${inhibited.length ? `<details><summary>${inhibited.length} alarm${inhibited.length > 1 ? 's' : ''} covered by a parent or related alarm</summary><ol class="alarms">\n${inhibited.map(alarmItem).join('\n')}\n</ol></details>` : ''}
<h2>Status per device group</h2>
${statusTable(s)}
<p class="meta">${esc(s.description)}</p>
</section>
<section class="checks">
<h2>Checks</h2>
${checksTable(s)}
</section>
${figures.map(figureSection).join('\n')}
<section class="data">
<h2>Data</h2>
<p>CSV: <a href="alarms.csv">alarms.csv</a> (every alarm with its numbers) · <a href="status.csv">status.csv</a> (state per device group and check)${figures
    .filter((f) => f.plot)
    .map((f) => ` · <a href="${esc(f.id)}.csv">${esc(f.id)}.csv</a>`)
    .join('')} · <a href="report.json">report.json</a></p>
<h3>Runs in the period</h3>
${runsTable(s)}
<h3>Readings judged (equivalent API queries)</h3>
<ul>${sources.map((u) => `<li class="url">${esc(u)}</li>`).join('')}</ul>
<p class="meta">Generated by omsagg report; figures drawn with the bundled Plotly ${esc(PLOTLY_FILE.replace(/^plotly-|\.min\.js$/g, ''))}.</p>
</section>
</main>
<script src="${root}assets/${PLOTLY_FILE}"></script>
<script src="${root}assets/report.js"></script>
</body>
</html>
`;
}
