// Request generators for the bad-input property tests: every route of the server (resources from
// the registry, probes from the catalog, the pages), query strings built from the OMS grammar with
// good and bad names, operators and values, garbage, odd headers and methods. fast-check shrinks a
// failing request to a small one.
import fc from 'fast-check';
import type { ResourceRegistry } from '../../src/resources/loader.js';
import type { ProbeRegistry } from '../../src/probes/registry.js';

export interface FuzzRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  /** path and query, already in wire form (what the client puts on the request line) */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** what answers the route family should give: JSON:API (or CSV), or an HTML page */
  kind: 'api' | 'page';
}

const OPS = ['EQ', 'NEQ', 'LT', 'GT', 'LE', 'GE', 'LIKE', 'CT'];

/** Values that broke or could break parsers, SQL builders and path handling. */
export const NASTY = [
  "' OR 1=1 --",
  '"; DROP TABLE runs; --',
  '1; SELECT * FROM sqlite_master',
  "1' UNION SELECT password FROM pg_shadow --",
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '/etc/shadow',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  'file:///etc/passwd',
  '\u0000',
  '%00',
  '%',
  '%%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '%uFFFF',
  '1e309',
  '-1e309',
  '1e-400',
  '-0',
  '99999999999999999999999999999',
  '-9223372036854775809',
  '9007199254740993',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x1F',
  '0b101',
  '1_000',
  '1.',
  '.5',
  '+5',
  ' 5 ',
  'null',
  'None',
  'True',
  'false',
  'undefined',
  '[]',
  '{}',
  '[',
  ']',
  '][',
  '[[',
  'a[b',
  '=',
  '&',
  '==',
  ',',
  ',,',
  ';',
  '😀',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'é',
  'ß',
  '\u202e',
  '\ud800',
  '\uffff',
  '\t',
  '\r\n',
  ' ',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${7*7}',
  '$(id)',
  '`id`',
  '2018-13-45T99:99:99Z',
  '2018-06-01T00:00:00Z',
  '2018-06-01',
  '0000-00-00',
  '275760-09-13T00:00:00Z',
  '1528000000000',
  'x'.repeat(5000),
  '9'.repeat(400),
];

/** Query-string-safe encoding of one part; a few characters left raw on purpose (OMS clients do). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function encodePart(s: string, mode: number): string {
  // a lone surrogate has no UTF-8 form: send the bytes a careless client would (invalid UTF-8)
  if (LONE_SURROGATE.test(s))
    return s
      .split(new RegExp(LONE_SURROGATE, 'g'))
      .map((x) => encodePart(x, mode))
      .join('%ED%A0%80');
  if (mode === 0) return encodeURIComponent(s);
  if (mode === 1) return encodeURIComponent(s).replace(/%5B/g, '[').replace(/%5D/g, ']');
  // raw, except characters that would end or split the URL on the wire
  return (
    s
      // eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
      .replace(/[#&?\s\u0000-\u001f\u007f]/g, (c) => encodeURIComponent(c))
      .replace(/[^\x20-\x7e]/gu, (c) => {
        try {
          return encodeURIComponent(c);
        } catch {
          return '%EF%BF%BD';
        }
      })
  );
}

const arbValue = (samples: string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
    { weight: 3, arbitrary: samples.length ? fc.constantFrom(...samples) : fc.constant('1') },
    { weight: 2, arbitrary: fc.integer().map(String) },
    { weight: 1, arbitrary: fc.double().map(String) },
    { weight: 1, arbitrary: fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) },
  );

/** One query parameter, [key, value], from the OMS grammar over the given attribute names. */
function arbParam(attrs: string[], extra: string[], samples: string[]): fc.Arbitrary<[string, string]> {
  const attr = fc.oneof({ weight: 5, arbitrary: attrs.length ? fc.constantFrom(...attrs) : fc.constant('id') }, { weight: 1, arbitrary: fc.constantFrom(...NASTY.slice(0, 30)) });
  const op = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...OPS) }, { weight: 1, arbitrary: fc.constantFrom('eq', 'IN', 'BETWEEN', '', 'EQ][EQ', "EQ' --") });
  const value = arbValue(samples);
  const list = fc.array(attr, { minLength: 0, maxLength: 4 }).map((a) => a.join(','));
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(attr, op, value).map(([a, o, v]): [string, string] => [`filter[${a}][${o}]`, v]) },
    { weight: 1, arbitrary: fc.tuple(attr, value).map(([a, v]): [string, string] => [`filter[${a}]`, v]) },
    { weight: 2, arbitrary: fc.tuple(fc.string({ maxLength: 12 }), list).map(([t, l]): [string, string] => [`fields[${t}]`, l]) },
    { weight: 1, arbitrary: list.map((l): [string, string] => ['fields', l]) },
    {
      weight: 2,
      arbitrary: fc.tuple(list, fc.boolean()).map(([l, desc]): [string, string] => [
        'sort',
        desc
          ? l
              .split(',')
              .map((s) => `-${s}`)
              .join(',')
          : l,
      ]),
    },
    { weight: 2, arbitrary: value.map((v): [string, string] => ['page[offset]', v]) },
    { weight: 2, arbitrary: fc.oneof(value, fc.integer({ min: 0, max: 200 }).map(String)).map((v): [string, string] => ['page[limit]', v]) },
    { weight: 1, arbitrary: fc.oneof(value, fc.base64String({ maxLength: 60 })).map((v): [string, string] => ['page[cursor]', v]) },
    { weight: 1, arbitrary: fc.constantFrom('page[number]', 'page[size]', 'page', 'page[]', 'page[limit][x]').chain((k) => value.map((v): [string, string] => [k, v])) },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.constantFrom('meta', 'presentation_timestamp', 'data_only', 'relationships', 'runs', 'fill', 'bogus', ''), { maxLength: 3 })
        .map((l): [string, string] => ['include', l.join(',')]),
    },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom('run', 'lumisection', 'fill', 'day', 'hour', ''), value).map((v): [string, string] => ['group[granularity]', v]) },
    { weight: 2, arbitrary: fc.tuple(extra.length ? fc.constantFrom(...extra) : fc.constant('run_number'), value).map(([k, v]): [string, string] => [k, v]) },
    { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 15 }), value).map(([k, v]): [string, string] => [k, v]) },
  );
}

/** A whole query string (may be empty): parameters, repeated ones, stray separators, garbage. */
export function arbQuery(attrs: string[], extra: string[] = [], samples: string[] = []): fc.Arbitrary<string> {
  const param = fc.tuple(arbParam(attrs, extra, samples), fc.nat(2), fc.nat(2)).map(([[k, v], km, vm]) => `${encodePart(k, km)}=${encodePart(v, vm)}`);
  const garbage = fc.oneof(
    fc.constantFrom('&', '&&', '=', '==', '[', ']', '%', '%zz', '%5B', 'filter', 'filter[', 'filter]]', '&=&', '+', '%2B', ';', '%00'),
    fc.string({ maxLength: 10 }).map((s) => encodePart(s, 2)),
  );
  return fc
    .array(fc.oneof({ weight: 5, arbitrary: param }, { weight: 1, arbitrary: garbage }), { maxLength: 6 })
    .chain((parts) => fc.tuple(fc.constant(parts), fc.boolean(), fc.nat(3)))
    .map(([parts, dup, times]) => {
      // repeated parameters: the same one several times
      const all = dup && parts.length ? [...parts, ...Array(times).fill(parts[0])] : parts;
      return all.join('&');
    });
}

const ACCEPT = [
  undefined,
  '*/*',
  'application/vnd.api+json',
  'application/json',
  'text/csv',
  'text/csv, application/json;q=0.5',
  'text/html',
  'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'application/vnd.api+json; charset=utf-8',
  'application/vnd.api+json; ext="https://jsonapi.org/ext/atomic"',
  'application/vnd.api+json; profile=x, application/vnd.api+json; foo=bar',
  'image/png',
  'text/*',
  'application/*',
  'application/xml',
  ';;;',
  ',',
  'q=0',
  '*/*;q=0',
  'text/csv;q=abc',
  'x'.repeat(2000),
  '😀/😀',
];
const CONTENT_TYPE = [
  undefined,
  'application/vnd.api+json',
  'application/vnd.api+json; charset=utf-8',
  'application/json',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'garbage',
  '',
];
const HEADER_VALUES = ['', 'x'.repeat(8000), '*', 'W/"x"', '"abc"', '\u00ff\u00fe', 'bytes=0-10', 'bytes=99999999999-', '0', '-1', 'gzip, br, zstd, *;q=0', 'identity;q=0', 'utf-16'];

export const arbHeaders: fc.Arbitrary<Record<string, string>> = fc
  .tuple(
    fc.constantFrom(...ACCEPT),
    fc.array(
      fc.tuple(
        fc.constantFrom(
          'if-none-match',
          'if-modified-since',
          'range',
          'accept-encoding',
          'accept-language',
          'accept-charset',
          'x-forwarded-for',
          'x-forwarded-host',
          'x-forwarded-proto',
          'origin',
          'cookie',
          'authorization',
          'x-http-method-override',
        ),
        fc.oneof(
          fc.constantFrom(...HEADER_VALUES),
          fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
        ),
      ),
      { maxLength: 3 },
    ),
  )
  .map(([accept, extra]) => {
    const h: Record<string, string> = {};
    if (accept !== undefined) h.accept = accept;
    for (const [k, v] of extra) h[k] = v;
    return h;
  });

const METHOD = fc.oneof(
  { weight: 12, arbitrary: fc.constant<FuzzRequest['method']>('GET') },
  { weight: 1, arbitrary: fc.constantFrom<FuzzRequest['method']>('HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS') },
);

const arbBody = fc.tuple(
  fc.constantFrom(...CONTENT_TYPE),
  fc.oneof(fc.constantFrom('', '{', '{"data":{"type":"runs","attributes":{"run_number":1}}}', 'null', '[]', '\u0000\u0001', 'a=1&b=2'), fc.string({ maxLength: 200 })),
);

/** Every request path a route family serves, with the attribute names its query understands. */
interface Target {
  paths: fc.Arbitrary<string>;
  attrs: string[];
  extra: string[];
  samples: string[];
  kind: 'api' | 'page';
}

const idPart = fc.oneof(
  fc.constantFrom('315000', '1', '0', '-1', '315000_1', '999999999999', 'abc', '%2e%2e', '..', '%00', '%zz', 'x'.repeat(600)),
  fc.string({ minLength: 1, maxLength: 20 }).map((s) => encodeURIComponent(s)),
);

export function targets(resources: ResourceRegistry, probes: ProbeRegistry, prefixes: string[]): Target[] {
  const prefix = fc.constantFrom(...prefixes, ...prefixes.map((p) => p.replace('/v1', '//v1')));
  const out: Target[] = [];
  for (const r of resources.all) {
    const attrs = [...r.scalars.keys()];
    const rels = r.relationships.map((x) => x.name);
    const tail = fc.oneof(
      { weight: 6, arbitrary: fc.constant('') },
      { weight: 1, arbitrary: fc.constantFrom('/meta', '/csv', '/') },
      { weight: 2, arbitrary: idPart.map((id) => `/${id}`) },
      { weight: 1, arbitrary: fc.tuple(idPart, fc.constantFrom(...rels, 'bogus')).map(([id, rel]) => `/${id}/${rel}`) },
      { weight: 1, arbitrary: fc.tuple(idPart, fc.constantFrom(...rels, 'bogus')).map(([id, rel]) => `/${id}/relationships/${rel}`) },
    );
    out.push({ paths: fc.tuple(prefix, tail).map(([p, t]) => `${p}/${r.type}${t}`), attrs, extra: [], samples: ['315000', '1', '2018-06-01T00:00:00Z'], kind: 'api' });
  }
  const probeIds = probes.list().map((p) => p.id);
  for (const p of probes.list()) {
    const names = Object.keys(p.params.properties);
    const tail = fc.oneof(
      fc.constantFrom('', '/plot', '/plotly', '/csv', '/points', '/points/meta', '/points/csv'),
      idPart.map((pt) => `/points/${pt}`),
      fc.tuple(fc.oneof(fc.constantFrom('score', 'threshold', 'status', 'errors'), idPart), fc.constantFrom('/points', '/points/meta', '/points/csv')).map(([k, t]) => `/series/${k}${t}`),
    );
    out.push({
      paths: fc.tuple(prefix, tail).map(([pre, t]) => `${pre}/probes/${p.id}${t}`),
      attrs: ['series', 'x', 'y', 'y_low', 'y_high', 'z', ...names],
      extra: names,
      samples: ['315000', 'linear', 'log', 'HLT_IsoMu24_v1'],
      kind: 'api',
    });
  }
  out.push({
    paths: fc.oneof(
      prefix,
      prefix.map((p) => `${p}/probes`),
      fc.tuple(prefix, idPart).map(([p, id]) => `${p}/probes/${id}/plot`),
      fc.tuple(prefix, idPart).map(([p, t]) => `${p}/${t}`),
    ),
    attrs: [],
    extra: [],
    samples: [],
    kind: 'api',
  });
  out.push({
    paths: fc.oneof(
      fc.constantFrom('/', '/probes'),
      fc.oneof(fc.constantFrom(...probeIds), idPart).map((id) => `/probes/${id}`),
    ),
    attrs: [],
    extra: [],
    samples: [],
    kind: 'page',
  });
  out.push({
    paths: fc.oneof(
      fc.constantFrom('/reports', '/reports/', '/reports/index.html', '/reports/..%2f..%2fpackage.json', '/reports/%2e%2e/%2e%2e/etc/passwd'),
      idPart.map((x) => `/reports/run/${x}`),
      idPart.map((x) => `/reports/${x}`),
    ),
    attrs: [],
    extra: [],
    samples: [],
    kind: 'api',
  });
  return out;
}

/** Any request against any route family. */
export function arbRequest(all: Target[]): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...all).chain((t) =>
    fc
      .record({ path: t.paths, query: arbQuery(t.attrs, t.extra, t.samples), headers: arbHeaders, method: METHOD, body: arbBody, hasQuery: fc.boolean() })
      .map(({ path, query, headers, method, body, hasQuery }): FuzzRequest => {
        const url = hasQuery || query ? `${path}?${query}` : path;
        const req: FuzzRequest = { method, url, headers: { ...headers }, kind: t.kind };
        if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
          const [type, text] = body;
          if (type !== undefined) req.headers['content-type'] = type;
          req.body = text;
        }
        return req;
      }),
  );
}
