// The report repository's shared assets: one stylesheet (screen and print), the script that draws
// the embedded figures with the bundled Plotly, and Plotly itself, copied once into assets/ so
// every report works offline (from the file system or from /reports).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const PLOTLY_VERSION: string = (require('plotly.js-dist-min/package.json') as { version: string }).version;
export const PLOTLY_FILE = `plotly-${PLOTLY_VERSION}.min.js`;
export const plotlyPath = (): string => require.resolve('plotly.js-dist-min/plotly.min.js');

/** Plot size in CSS pixels: fits an A4 page with 12 mm margins, the same on screen and on paper. */
export const PLOT_WIDTH = 700;
export const PLOT_HEIGHT = 420;

export const REPORT_CSS = `/* omsagg reports: screen and print (A4) */
:root { --fg: #1d1d1f; --muted: #5f6368; --line: #d9dce0; --ok: #1e7d32; --warn: #b26a00; --crit: #b3261e; --info: #1a5fb4; --nodata: #6b6b6b; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: #fff; }
header.top { padding: 8px 16px; border-bottom: 1px solid var(--line); background: #f6f7f9; font-size: 13px; }
header.top a { color: var(--info); text-decoration: none; margin-right: 12px; }
main { max-width: 980px; margin: 0 auto; padding: 8px 16px 40px; }
h1 { font-size: 22px; margin: 16px 0 4px; }
h2 { font-size: 17px; margin: 22px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 3px; }
p.lead { color: var(--muted); margin: 4px 0 8px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f6f7f9; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.state { display: inline-block; min-width: 4.5em; padding: 0 6px; border-radius: 3px; font-size: 12px; font-weight: 600; text-align: center; color: #fff; }
.state-ok { background: var(--ok); } .state-alarm { background: var(--crit); } .state-silenced { background: #8e6bbf; }
.state-no_data { background: var(--nodata); } .state-failed { background: #000; } .state-na { background: #c8c8c8; color: #333; }
.banner { margin: 10px 0; padding: 8px 12px; border-radius: 4px; border-left: 6px solid var(--ok); background: #eef7ef; font-weight: 600; }
.banner.alarm { border-color: var(--crit); background: #fbeceb; } .banner.no_data { border-color: var(--nodata); background: #f1f1f1; } .banner.failed { border-color: #000; background: #eee; }
ol.alarms { padding-left: 0; list-style: none; margin: 0; }
ol.alarms li { padding: 6px 8px; border-left: 4px solid var(--line); margin: 4px 0; background: #fafafa; }
ol.alarms li.sev-critical { border-color: var(--crit); } ol.alarms li.sev-warning { border-color: var(--warn); } ol.alarms li.sev-info { border-color: var(--info); }
ol.alarms li.resolved { border-color: var(--ok); color: #333; }
.tag { display: inline-block; font-size: 11px; font-weight: 700; letter-spacing: .03em; padding: 0 5px; border-radius: 3px; border: 1px solid currentColor; margin-right: 6px; }
.tag.raised { color: var(--crit); } .tag.repeated { color: var(--warn); } .tag.firing { color: var(--muted); } .tag.resolved { color: var(--ok); }
.tag.silenced { color: #8e6bbf; } .tag.inhibited { color: var(--muted); } .tag.no_data { color: var(--nodata); } .tag.failed { color: #000; }
.meta { color: var(--muted); font-size: 12px; }
section.figure h2 { border: 0; margin-bottom: 2px; }
.plot { width: ${PLOT_WIDTH}px; height: ${PLOT_HEIGHT}px; max-width: 100%; }
.note { color: var(--muted); font-style: italic; }
code, .url { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; }
a { color: var(--info); }
@page { size: A4; margin: 12mm; }
@media print {
  header.top, .noprint { display: none; }
  main { max-width: none; padding: 0; }
  body { font-size: 11pt; }
  section.figure { break-before: page; break-inside: avoid; }
  section.checks, section.data { break-before: page; }
  ol.alarms li, tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;

/** Draws every embedded figure; marks <body data-plots-drawn="N"> when done (tests wait for it). */
export const REPORT_JS = `// omsagg report figures: Plotly figures embedded as JSON, drawn offline with the bundled Plotly.
(function () {
  var figs = Array.prototype.slice.call(document.querySelectorAll('script.figure-data'));
  var done = 0;
  function finish() { done++; if (done === figs.length) document.body.setAttribute('data-plots-drawn', String(figs.length)); }
  if (!figs.length) { document.body.setAttribute('data-plots-drawn', '0'); return; }
  if (!window.Plotly) {
    figs.forEach(function (s) { var el = document.getElementById('plot-' + s.getAttribute('data-for')); if (el) el.textContent = 'Plotly is missing (assets/${PLOTLY_FILE}): the figure cannot be drawn.'; });
    return;
  }
  figs.forEach(function (s) {
    var el = document.getElementById('plot-' + s.getAttribute('data-for'));
    var fig = JSON.parse(s.textContent);
    fig.layout.width = ${PLOT_WIDTH};
    fig.layout.height = ${PLOT_HEIGHT};
    fig.layout.autosize = false;
    window.Plotly.newPlot(el, fig.data, fig.layout, { displaylogo: false, responsive: false }).then(finish, function (err) { el.textContent = 'figure not drawn: ' + err; finish(); });
  });
})();
`;
