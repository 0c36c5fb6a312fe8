// Errors for browsers: a path outside the API asked for by a client that prefers HTML (a browser's
// Accept) gets a small HTML page instead of a JSON:API document.
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** True when the Accept header ranks text/html above every JSON type (browsers do; API clients do not). */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) || 0 : 1;
    if (type === 'text/html' || type === 'application/xhtml+xml') html = Math.max(html, q);
    else if (type === 'application/json' || type === 'application/vnd.api+json') json = Math.max(json, q);
  }
  return html > 0 && html > json;
}

export function htmlErrorPage(status: number, title: string, detail: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${status} ${esc(title)} · omsagg</title><link rel="icon" href="data:,"></head>
<body><h1>${esc(title)}</h1><p>${esc(detail)}</p><p><a href="/">omsagg</a> · <a href="/probes">Probes</a> · <a href="/docs">API</a></p></body></html>`;
}
