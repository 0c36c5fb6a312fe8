// Our own parser of the raw query string. Fastify's parser is not used for resource routes:
// OMS clients send brackets raw or percent-encoded, values unencoded, and `+` that means a space;
// every parameter must be seen so that unknown ones can be rejected instead of dropped.
import { QueryParseError } from './errors.js';

export interface RawParam {
  /** the key as received after decoding, e.g. `filter[run_number][EQ]` */
  key: string;
  /** `filter` */
  name: string;
  /** bracket segments, e.g. ['run_number', 'EQ'] */
  path: string[];
  value: string;
}

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    throw new QueryParseError('malformed_encoding', `${what} '${part}' has a malformed percent-encoding`, part);
  }
}

const KEY_RE = /^([A-Za-z_][A-Za-z0-9_.-]*)((?:\[[^[\]]*\])*)$/;

/** Splits `a=1&filter[x][EQ]=2` into parameters; `search` may start with `?`. */
export function parseRawQuery(search: string): RawParam[] {
  const s = search.startsWith('?') ? search.slice(1) : search;
  const out: RawParam[] = [];
  for (const part of s.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq), 'parameter name');
    const value = eq < 0 ? '' : decode(part.slice(eq + 1), `value of ${part.slice(0, eq)}`);
    const m = KEY_RE.exec(key);
    if (!m) throw new QueryParseError('malformed_parameter', `parameter '${key}' is malformed (expected name or name[a][b] with balanced brackets)`, key);
    const path = m[2] ? m[2].slice(1, -1).split('][') : [];
    out.push({ key, name: m[1], path, value });
  }
  return out;
}

/** The query part of a request URL (everything after the first `?`), raw. */
export function rawQueryOf(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? '' : url.slice(i + 1);
}

/** Serialises parameters for links: keys and values percent-encoded (brackets too, JSON:API wants URIs). */
export function serialiseQuery(params: { key: string; value: string }[]): string {
  return params.map((p) => `${encodeURIComponent(p.key)}=${encodeURIComponent(p.value)}`).join('&');
}
