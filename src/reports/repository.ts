// The report repository on disk: <root>/<report>/<period key>/ with index.html, report.json and
// CSV files; shared assets in <root>/assets; index pages at the root and per day in <root>/days.
// Every file is written to a temporary name and renamed, so a reader (or an interrupted run)
// never sees half a report.
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { plotToCsv } from '../plot/csv.js';
import { PLOTLY_FILE, plotlyPath, REPORT_CSS, REPORT_JS } from './assets.js';
import type { Figure } from './figures.js';
import { reportHtml } from './html.js';
import { indexPages, reportPath } from './pages.js';
import type { ReportSummary } from './summary.js';

export class RepositoryError extends Error {}

function writeAtomic(file: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** Writes the shared assets when missing or different. */
export function ensureAssets(root: string): void {
  const want: [string, () => string | Buffer][] = [
    ['report.css', () => REPORT_CSS],
    ['report.js', () => REPORT_JS],
    [PLOTLY_FILE, () => fs.readFileSync(plotlyPath())],
  ];
  for (const [name, content] of want) {
    const file = path.join(root, 'assets', name);
    const body = content();
    if (fs.existsSync(file) && fs.statSync(file).size === Buffer.byteLength(body) && fs.readFileSync(file).equals(Buffer.from(body))) continue;
    writeAtomic(file, body);
  }
}

export function alarmsCsv(s: ReportSummary): string {
  const header = [
    'report',
    'period_start',
    'period_end',
    'check',
    'group',
    'state',
    'transition',
    'severity',
    'first_raised',
    'notified',
    'silenced_by',
    'silence_reason',
    'silenced_until',
    'inhibited_by',
    'run',
    'first_lumisection',
    'last_lumisection',
    'sentence',
  ];
  const rows = s.alarms.map((a) => {
    const o = a.occurrences[0];
    return [
      s.report,
      s.period.start,
      s.period.end,
      a.check,
      a.groupKey,
      a.state,
      a.transition,
      a.severity,
      a.firstRaised,
      a.notified ? 1 : 0,
      a.silence?.author ?? '',
      a.silence?.reason ?? '',
      a.silence?.until ?? '',
      a.inhibitedBy ?? '',
      o?.run ?? '',
      o?.firstLs ?? '',
      o?.lastLs ?? '',
      a.sentence,
    ];
  });
  return stringify([header, ...rows]);
}

export function statusCsv(s: ReportSummary): string {
  const rows = s.groups.flatMap((g) => s.checks.map((c) => [g.label, c.id, g.states[c.id]]));
  return stringify([['device_group', 'check', 'state'], ...rows]);
}

export function reportDir(root: string, s: Pick<ReportSummary, 'report' | 'period'>): string {
  return path.join(root, reportPath(s));
}

/** Writes one report; its index.html last, so an existing index.html means a complete report. */
export function writeReport(root: string, s: ReportSummary, figures: Figure[]): string {
  ensureAssets(root);
  const dir = reportDir(root, s);
  fs.mkdirSync(dir, { recursive: true });
  const keep = new Set(['index.html', 'report.json', 'alarms.csv', 'status.csv', ...figures.filter((f) => f.plot).map((f) => `${f.id}.csv`)]);
  for (const f of fs.readdirSync(dir)) if (!keep.has(f)) fs.rmSync(path.join(dir, f), { force: true });
  for (const f of figures) if (f.plot) writeAtomic(path.join(dir, `${f.id}.csv`), plotToCsv(f.plot));
  writeAtomic(path.join(dir, 'alarms.csv'), alarmsCsv(s));
  writeAtomic(path.join(dir, 'status.csv'), statusCsv(s));
  writeAtomic(path.join(dir, 'report.json'), JSON.stringify(s, null, 1) + '\n');
  writeAtomic(path.join(dir, 'index.html'), reportHtml(s, figures));
  return dir;
}

export const reportComplete = (root: string, s: Pick<ReportSummary, 'report' | 'period'>) =>
  fs.existsSync(path.join(reportDir(root, s), 'index.html')) && fs.existsSync(path.join(reportDir(root, s), 'report.json'));

export function readSummary(root: string, report: string, key: string): ReportSummary | null {
  const file = path.join(root, report, key, 'report.json');
  if (!fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ReportSummary;
}

/** Every complete report in the repository. */
export function scanReports(root: string): ReportSummary[] {
  if (!fs.existsSync(root)) return [];
  const out: ReportSummary[] = [];
  for (const report of fs.readdirSync(root, { withFileTypes: true })) {
    if (!report.isDirectory() || report.name === 'assets' || report.name === 'days') continue;
    for (const key of fs.readdirSync(path.join(root, report.name), { withFileTypes: true })) {
      if (!key.isDirectory()) continue;
      const dir = path.join(root, report.name, key.name);
      if (!fs.existsSync(path.join(dir, 'index.html'))) continue;
      try {
        out.push(JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as ReportSummary);
      } catch {
        // a foreign or damaged directory is not a report
      }
    }
  }
  return out;
}

/** Rebuilds every index page from the reports on disk. */
export function writeIndexes(root: string): number {
  ensureAssets(root);
  const all = scanReports(root);
  const pages = indexPages(all);
  for (const [rel, html] of pages) writeAtomic(path.join(root, rel), html);
  return all.length;
}
