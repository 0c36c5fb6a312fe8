// What every answer to any request must be: below 500, a JSON:API document (official schema) or a
// CSV/HTML/asset body of its declared type, an HTML error for the HTML pages, and nothing internal
// (stack traces, SQL text, file paths, driver names) that the request did not itself contain.
import os from 'node:os';
import { jsonApiErrors } from '../helpers/jsonapi.js';

const JSONAPI = 'application/vnd.api+json';

/** Internals an answer must never show. Checked only when the request did not carry the text. */
const LEAKS: { name: string; re: RegExp; errorsOnly?: boolean }[] = [
  { name: 'stack trace', re: /\n\s+at \S+ \(|at (?:async )?\S+ \((?:file:|\/|node:)/ },
  { name: 'source file', re: /\.(?:ts|js|mjs|cjs):\d+/ },
  { name: 'file path', re: new RegExp([process.cwd(), os.tmpdir(), '/work/', '/home/', 'node_modules', '/usr/lib', '/etc/passwd'].map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')) },
  { name: 'SQL text', errorsOnly: true, re: /\bselect\b[\s\S]{0,200}\bfrom\b|\binsert into\b|\bdelete from\b|\bwhere\b[\s\S]{0,40}[=<>?$]/i },
  {
    name: 'database driver error',
    errorsOnly: true,
    re: /SQLITE_[A-Z]+|sqlite_master|sqlite_schema|syntax error at or near|relation "[^"]+" does not exist|ORA-\d{5}|knex|better-sqlite3|pg_catalog|\bDETAIL:/,
  },
  { name: 'internal error class', re: /TypeError|ReferenceError|RangeError|Cannot read propert|is not a function|undefined is not|\[object Object\]/ },
];

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

function decodeLoosely(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** A 503 that says the machine, not the request, was the limit (a statement past its time limit on
 *  a loaded machine, every reader busy), with Retry-After: allowed, and counted apart by the caller. */
export function isLoadShedding(res: Answer): boolean {
  if (res.status !== 503 || !res.headers['retry-after']) return false;
  try {
    const code = (JSON.parse(res.body) as { errors?: { code?: string }[] }).errors?.[0]?.code;
    return code === 'statement_timeout' || code === 'server_busy';
  } catch {
    return false;
  }
}

/** The problems with one answer (empty: fine). */
export function problemsOf(req: { method: string; url: string; headers: Record<string, string>; body?: string; kind: 'api' | 'page' }, res: Answer): string[] {
  const out: string[] = [];
  const type = String(res.headers['content-type'] ?? '');
  if (res.status >= 500 && !isLoadShedding(res)) out.push(`status ${res.status}`);
  const echoed = `${req.url}\n${decodeLoosely(req.url)}\n${decodeLoosely(decodeLoosely(req.url))}\n${Object.values(req.headers).join('\n')}\n${req.body ?? ''}`.toLowerCase();
  const text = res.body.slice(0, 200_000);
  for (const leak of LEAKS) {
    // documents of data and descriptions may mention the words; errors must not carry statements
    if (leak.errorsOnly && res.status < 400) continue;
    const m = leak.re.exec(text);
    if (m && !echoed.includes(m[0].toLowerCase().trim())) out.push(`${leak.name}: '${m[0].slice(0, 80)}' in the body`);
  }
  if (req.method === 'HEAD' || res.status === 304 || res.status === 204) return out;
  if (res.status >= 400) {
    if (req.kind === 'page' && type.startsWith('text/html')) {
      if (!/<html[\s>]/i.test(text) || !/<title>/i.test(text)) out.push('HTML error page without <html>/<title>');
      return out;
    }
    if (req.kind === 'page' && !/json/.test(req.headers.accept ?? '') && /text\/html/.test(req.headers.accept ?? '')) out.push(`page error as ${type || 'no type'}, not HTML, for a browser`);
    if (!type.startsWith(JSONAPI)) {
      out.push(`error as ${type || 'no content type'}, not ${JSONAPI}`);
      return out;
    }
  }
  if (type.startsWith(JSONAPI) || type.startsWith('application/json')) {
    let doc: unknown;
    try {
      doc = JSON.parse(res.body);
    } catch {
      out.push(`body is not JSON: ${res.body.slice(0, 120)}`);
      return out;
    }
    if (type.startsWith(JSONAPI)) {
      for (const e of jsonApiErrors(doc).slice(0, 3)) out.push(`JSON:API schema: ${e}`);
      if (res.status >= 400) {
        const errors = (doc as { errors?: { status?: string; code?: string; title?: string; detail?: string }[] }).errors;
        if (!Array.isArray(errors) || !errors.length) out.push('error document without errors[]');
        else
          for (const e of errors) {
            if (e.status !== String(res.status)) out.push(`error status '${e.status}' differs from HTTP ${res.status}`);
            if (!e.code || !e.title || !e.detail) out.push(`error object lacks code/title/detail: ${JSON.stringify(e).slice(0, 200)}`);
          }
      }
    }
  } else if (res.status < 400 && !/^(text\/(csv|html|css|javascript)|application\/(javascript|json|pdf)|image\/)/.test(type)) {
    out.push(`answer of unexpected type '${type}'`);
  }
  return out;
}
