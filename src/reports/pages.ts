// The repository's index pages, rebuilt from the reports' report.json after every run: all
// reports, RECENT (periods ending within 7 days of the newest), RECENT_WITH_ALM and
// RECENT_WITHOUT_ALM, and one page per UTC day listing the reports that cover it.
import type { ReportSummary } from './summary.js';
import type { Period } from './types.js';
import { esc } from './escape.js';

export const RECENT_DAYS = 7;

export const INDEX_PAGES = [
  { file: 'index.html', title: 'All reports' },
  { file: 'RECENT.html', title: 'Recent' },
  { file: 'RECENT_WITH_ALM.html', title: 'Recent with alarms' },
  { file: 'RECENT_WITHOUT_ALM.html', title: 'Recent without alarms' },
] as const;

export function formatPeriodText(p: Period): string {
  const a = `${p.start.slice(0, 10)} ${p.start.slice(11, 16)}`;
  const b = p.end.slice(0, 10) === p.start.slice(0, 10) ? p.end.slice(11, 16) : `${p.end.slice(0, 10)} ${p.end.slice(11, 16)}`;
  return `${a} – ${b} UTC (${p.label})`;
}

/** Where a report lives, relative to the repository root. */
export const reportPath = (s: Pick<ReportSummary, 'report' | 'period'>) => `${s.report}/${s.period.key}/`;

function statusCell(s: ReportSummary): string {
  const c = s.counts;
  if (s.status === 'ok') return '<span class="state state-ok">ok</span>';
  if (s.status === 'alarm') return `<span class="state state-alarm">${c.active} alarm${c.active > 1 ? 's' : ''}</span>${s.worst ? ` <span class="meta">${s.worst}</span>` : ''}`;
  return `<span class="state state-${s.status}">${s.status === 'no_data' ? 'no data' : 'failed'}</span>`;
}

function table(list: ReportSummary[], root: string): string {
  if (!list.length) return '<p class="note">No report.</p>';
  const rows = list
    .map((s) => {
      const c = s.counts;
      const first = s.alarms.find((a) => a.state === 'firing' && !a.silence) ?? s.alarms.find((a) => a.state === 'no_data' || a.state === 'failed');
      return `<tr data-report="${esc(s.report)}" data-period="${esc(s.period.key)}"><td>${esc(formatPeriodText(s.period))}</td><td><a href="${root}${reportPath(s)}index.html">${esc(s.title)}</a><div class="meta">${esc(s.report)}</div></td><td>${statusCell(s)}</td><td class="num">${c.raised}</td><td class="num">${c.resolved}</td><td>${first ? `<span class="meta">${esc(first.sentence.length > 160 ? first.sentence.slice(0, 157) + '…' : first.sentence)}</span>` : ''}</td></tr>`;
    })
    .join('\n');
  return `<table><thead><tr><th>Period</th><th>Report</th><th>Status</th><th class="num">New</th><th class="num">Resolved</th><th>First alarm</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function page(title: string, lead: string, body: string, root: string): string {
  const nav = INDEX_PAGES.map((p) => `<a href="${root}${p.file}">${esc(p.title)}</a>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(title)} · omsagg reports</title>
<link rel="stylesheet" href="${root}assets/report.css">
</head>
<body>
<header class="top">${nav}</header>
<main>
<h1>${esc(title)}</h1>
<p class="lead">${lead}</p>
${body}
</main>
</body>
</html>
`;
}

const newestFirst = (a: ReportSummary, b: ReportSummary) => b.period.end.localeCompare(a.period.end) || a.report.localeCompare(b.report) || a.period.seconds - b.period.seconds;

/** Every page of the repository's indexes: file path (relative to the root) → HTML. */
export function indexPages(all: ReportSummary[]): Map<string, string> {
  const list = [...all].sort(newestFirst);
  const out = new Map<string, string>();
  const newest = list[0]?.period.end;
  const cut = newest ? new Date(Date.parse(newest) - RECENT_DAYS * 86_400_000).toISOString() : '';
  const recent = list.filter((s) => s.period.end > cut);
  const recentRule = newest ? `Reports whose period ended in the ${RECENT_DAYS} days up to ${newest.slice(0, 16).replace('T', ' ')} UTC (the newest report).` : 'No report yet.';
  out.set(
    'index.html',
    page(
      'All reports',
      `${list.length} report${list.length === 1 ? '' : 's'}, newest first. Days: ${[...new Set(list.map((s) => s.period.start.slice(0, 10)))]
        .slice(0, 60)
        .map((d) => `<a href="days/${d}.html">${d}</a>`)
        .join(' ')}`,
      table(list, ''),
      '',
    ),
  );
  out.set('RECENT.html', page('Recent reports', recentRule, table(recent, ''), ''));
  out.set(
    'RECENT_WITH_ALM.html',
    page(
      'Recent reports with alarms',
      `${recentRule} Only those with an alarm firing.`,
      table(
        recent.filter((s) => s.counts.active > 0),
        '',
      ),
      '',
    ),
  );
  out.set(
    'RECENT_WITHOUT_ALM.html',
    page(
      'Recent reports without alarms',
      `${recentRule} Only those without an alarm firing.`,
      table(
        recent.filter((s) => s.counts.active === 0),
        '',
      ),
      '',
    ),
  );
  const days = new Map<string, ReportSummary[]>();
  for (const s of list) {
    for (let t = Date.parse(s.period.start.slice(0, 10) + 'T00:00:00Z'); t < Date.parse(s.period.end); t += 86_400_000) {
      const d = new Date(t).toISOString().slice(0, 10);
      days.set(d, [...(days.get(d) ?? []), s]);
    }
  }
  for (const [d, l] of days) out.set(`days/${d}.html`, page(`Reports of ${d}`, `Every report whose period covers part of ${d} (UTC).`, table(l, '../'), '../'));
  out.set(
    'index.json',
    JSON.stringify(
      list.map((s) => ({ report: s.report, title: s.title, period: s.period, status: s.status, worst: s.worst, counts: s.counts, path: reportPath(s) })),
      null,
      1,
    ) + '\n',
  );
  return out;
}
