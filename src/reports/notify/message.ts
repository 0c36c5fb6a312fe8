// What a report's notification says: the alarm summary (new, repeated, still firing, resolved,
// no data, failed, silenced) with links to the report and the repository's indexes. One text for
// mail (plain and HTML) and one for chat webhooks (Mattermost/Slack-style JSON).
import { formatPeriodText, INDEX_PAGES, reportPath } from '../pages.js';
import type { AlarmSummary, ReportSummary } from '../summary.js';
import { esc } from '../escape.js';

export interface Links {
  report: string;
  indexes: { title: string; url: string }[];
}

export function linksOf(s: ReportSummary, baseUrl: string): Links {
  const base = baseUrl.replace(/\/+$/, '');
  return { report: `${base}/${reportPath(s)}index.html`, indexes: INDEX_PAGES.map((p) => ({ title: p.title, url: `${base}/${p.file}` })) };
}

interface Section {
  title: string;
  alarms: AlarmSummary[];
}

function sections(s: ReportSummary): Section[] {
  const firing = (a: AlarmSummary) => a.state === 'firing' && !a.silence;
  return [
    { title: 'New alarms', alarms: s.alarms.filter((a) => firing(a) && a.transition === 'raised') },
    { title: 'Repeated (still firing after the repeat interval)', alarms: s.alarms.filter((a) => firing(a) && a.transition === 'repeated') },
    { title: 'Still firing (notified before)', alarms: s.alarms.filter((a) => firing(a) && a.transition === 'firing') },
    { title: 'Checks without data', alarms: s.alarms.filter((a) => a.state === 'no_data') },
    { title: 'Checks that failed', alarms: s.alarms.filter((a) => a.state === 'failed') },
    { title: 'Resolved', alarms: s.alarms.filter((a) => a.state === 'resolved' && a.notified) },
    { title: 'Silenced', alarms: s.alarms.filter((a) => a.state === 'firing' && a.silence) },
  ].filter((x) => x.alarms.length);
}

export function subjectOf(s: ReportSummary): string {
  const c = s.counts;
  const what = c.active ? `${c.active} alarm${c.active > 1 ? 's' : ''}${c.raised ? ` (${c.raised} new)` : ''}` : s.status === 'ok' ? 'OK' : s.status === 'no_data' ? 'no data' : 'check failed';
  const resolved = c.resolved ? `, ${c.resolved} resolved` : '';
  return `[omsagg] ${s.title} — ${formatPeriodText(s.period)}: ${what}${resolved}`;
}

function statusLine(s: ReportSummary): string {
  const c = s.counts;
  if (s.status === 'ok') return 'No alarm: every check passed.';
  return (
    [
      c.active ? `${c.active} alarm${c.active > 1 ? 's' : ''} firing (${c.raised} new, ${c.repeated} repeated, ${c.firing} still firing)` : '',
      c.noData ? `${c.noData} check${c.noData > 1 ? 's' : ''} without data` : '',
      c.failed ? `${c.failed} check${c.failed > 1 ? 's' : ''} failed` : '',
      c.resolved ? `${c.resolved} resolved` : '',
      c.silenced ? `${c.silenced} silenced` : '',
    ]
      .filter(Boolean)
      .join('; ') + '.'
  );
}

const line = (a: AlarmSummary) => `[${a.severity}] ${a.sentence}${a.silence ? ` (silenced by ${a.silence.author} until ${a.silence.until}: ${a.silence.reason})` : ''}`;

export function mailText(s: ReportSummary, links: Links): string {
  const out = [s.title, `Period: ${formatPeriodText(s.period)}`, `Status: ${statusLine(s)}`, ''];
  for (const sec of sections(s)) out.push(sec.title, ...sec.alarms.map((a) => `- ${line(a)}`), '');
  out.push(`Report: ${links.report}`, ...links.indexes.map((i) => `${i.title}: ${i.url}`), '', 'Sent by omsagg report.');
  return out.join('\n');
}

export function mailHtml(s: ReportSummary, links: Links): string {
  const secs = sections(s)
    .map((sec) => `<h3>${esc(sec.title)}</h3><ul>${sec.alarms.map((a) => `<li>${esc(line(a))}</li>`).join('')}</ul>`)
    .join('\n');
  return `<!doctype html><html><body style="font-family: sans-serif; font-size: 14px">
<h2>${esc(s.title)}</h2>
<p>Period: ${esc(formatPeriodText(s.period))}<br>Status: <b>${esc(statusLine(s))}</b></p>
${secs}
<p><a href="${esc(links.report)}">Open the report</a> · ${links.indexes.map((i) => `<a href="${esc(i.url)}">${esc(i.title)}</a>`).join(' · ')}</p>
<p style="color:#666">Sent by omsagg report.</p>
</body></html>`;
}

/** Mattermost/Slack incoming-webhook payload: `text` in Markdown. */
export function webhookPayload(s: ReportSummary, links: Links): { username: string; text: string } {
  const out = [`**${subjectOf(s).replace(/^\[omsagg\] /, '')}**`, statusLine(s)];
  for (const sec of sections(s))
    out.push(`*${sec.title}*`, ...sec.alarms.slice(0, 15).map((a) => `- ${line(a)}`), ...(sec.alarms.length > 15 ? [`- … ${sec.alarms.length - 15} more in the report`] : []));
  out.push(`[Open the report](${links.report}) · ${links.indexes.map((i) => `[${i.title}](${i.url})`).join(' · ')}`);
  return { username: 'omsagg', text: out.join('\n') };
}
