// Content negotiation per the JSON:API rules: the JSON:API media type may only carry the `ext`
// and `profile` parameters (415 on the request's Content-Type, 406 when every instance in Accept
// carries another parameter); besides JSON we serve CSV (`Accept: text/csv`).
import { JSONAPI_MEDIA_TYPE, NotAcceptableError, UnsupportedMediaTypeError } from './errors.js';

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

function parseList(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [type, ...rest] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      let q = 1;
      for (const p of rest) {
        const [k, v = ''] = p.split('=').map((s) => s.trim());
        if (k.toLowerCase() === 'q') q = Number.isFinite(Number(v)) ? Number(v) : 0;
        else if (k) params[k.toLowerCase()] = v.replace(/^"|"$/g, '');
      }
      return { type: type.toLowerCase(), params, q };
    });
}

const ALLOWED_PARAMS = new Set(['ext', 'profile']);
const onlyAllowed = (m: MediaRange) => Object.keys(m.params).every((k) => ALLOWED_PARAMS.has(k));

export function checkContentType(header: string | undefined): void {
  if (!header) return;
  const [m] = parseList(header);
  if (m && m.type === JSONAPI_MEDIA_TYPE && !onlyAllowed(m)) {
    throw new UnsupportedMediaTypeError(`Content-Type ${JSONAPI_MEDIA_TYPE} may only carry the ext and profile parameters`);
  }
}

export type Representation = 'json' | 'csv';

/** Chooses JSON:API or CSV from the Accept header (absent → JSON). */
export function negotiate(header: string | undefined): Representation {
  if (!header || !header.trim()) return 'json';
  const ranges = parseList(header);
  const jsonapi = ranges.filter((m) => m.type === JSONAPI_MEDIA_TYPE);
  if (jsonapi.length && jsonapi.every((m) => !onlyAllowed(m))) {
    throw new NotAcceptableError(`Accept lists ${JSONAPI_MEDIA_TYPE} only with media type parameters other than ext and profile`);
  }
  let json = 0;
  let jsonExplicit = false;
  let csv = 0;
  let csvExplicit = false;
  for (const m of ranges) {
    if ((m.type === JSONAPI_MEDIA_TYPE && onlyAllowed(m)) || m.type === 'application/json') {
      json = Math.max(json, m.q);
      jsonExplicit ||= m.q > 0;
    } else if (m.type === 'application/*') json = Math.max(json, m.q);
    else if (m.type === 'text/csv') {
      csv = Math.max(csv, m.q);
      csvExplicit ||= m.q > 0;
    } else if (m.type === 'text/*') csv = Math.max(csv, m.q);
    else if (m.type === '*/*') {
      json = Math.max(json, m.q);
      csv = Math.max(csv, m.q);
    }
  }
  if (json === 0 && csv === 0) {
    throw new NotAcceptableError(`cannot produce any of '${header}': this API serves ${JSONAPI_MEDIA_TYPE} and text/csv`);
  }
  if (csv > json || (csv === json && csvExplicit && !jsonExplicit)) return 'csv';
  return 'json';
}
