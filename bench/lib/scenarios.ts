// The scenarios, derived from a running omsagg over HTTP only: resources from GET /api/v1, their
// attributes from /{type}/meta, counts from meta.totalResourceCount (or meta.count), sample values
// from the rows themselves, probes from GET /api/v1/probes. Nothing about the data is hard-coded
// except the default comparison run (319579, used before the rewrite; any run can be chosen).
import { fetchJson } from './http.js';
import type { Options, Target } from './options.js';
import type { PlatformaticRoute } from './targets.js';

export type CounterKind = 'csv' | 'data' | 'array';

export interface LoadScenario {
  kind: 'load';
  id: string;
  group: 'compare' | 'page' | 'probe';
  title: string;
  connections: number;
  paths: Partial<Record<Target, string>>;
}

export interface ExportScenario {
  kind: 'export';
  id: string;
  group: 'export';
  title: string;
  format: 'csv' | 'json';
  paths: Partial<Record<Target, { path: string; counter: CounterKind }>>;
  expectRows: number;
}

export interface HealthScenario {
  kind: 'health';
  id: string;
  group: 'health';
  title: string;
  connections: number;
  exportPath: string;
  expectRows: number;
  slowPath: string;
  pagePath: string;
  healthPath: string;
}

export type Scenario = LoadScenario | ExportScenario | HealthScenario;

export interface Facts {
  run: number;
  runLumisections: number;
  fill: number | null;
  path: string | null;
  /** rows of the comparison run per resource (all rows for resources without run_number) */
  sizes: Record<string, number>;
  exportResource: string;
  exportTotal: number;
  exportFilter: string;
  probes: string[];
}

interface IndexDoc {
  data: { id: string; attributes: { id_attributes: string[]; granularities: string[] } }[];
}
interface MetaDoc {
  meta: { fields: Record<string, { api_type: string }>; fields_order?: string[] };
}
interface Collection {
  data: { id: string; attributes: Record<string, unknown> }[];
  meta?: { totalResourceCount?: number; count?: number };
}
interface ProbeList {
  data: { id: string; attributes: { parameters?: { properties?: Record<string, unknown> }; defaults?: Record<string, unknown> } }[];
}

const q = (params: [string, string | number][]) => params.map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&');
const withQuery = (path: string, params: [string, string | number][]) => (params.length ? `${path}?${q(params)}` : path);

async function get<T>(base: string, path: string): Promise<T> {
  const r = await fetchJson<T>(base + path, 600_000);
  if (r.status !== 200) throw new Error(`GET ${path}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  return r.body;
}

function total(doc: Collection): number {
  return Number(doc.meta?.totalResourceCount ?? doc.meta?.count ?? NaN);
}

/** A Platformatic request equivalent to an omsagg collection query (filters EQ, order, limit). */
function platformatic(route: PlatformaticRoute | undefined, o: { filters: [string, string | number][]; sort: [string, boolean][]; limit: number; totalCount: boolean }): string | undefined {
  if (!route) return undefined;
  const params: [string, string | number][] = [];
  for (const [name, v] of o.filters) params.push([`where.${route.field(name)}.eq`, v]);
  for (const [name, desc] of o.sort) params.push([`orderby.${route.field(name)}`, desc ? 'desc' : 'asc']);
  params.push(['limit', o.limit]);
  if (o.totalCount) params.push(['totalCount', 'true']);
  return withQuery(route.path, params);
}

/** sort + the identity (omsagg's total order). */
function totalOrder(sort: [string, boolean][], id: string[]): [string, boolean][] {
  const out = [...sort];
  for (const n of id) if (!out.some(([s]) => s === n)) out.push([n, false]);
  return out;
}

export async function deriveScenarios(base: string, opts: Options, targets: Target[], routes?: Map<string, PlatformaticRoute>): Promise<{ scenarios: Scenario[]; facts: Facts }> {
  const api = '/api/v1';
  const index = await get<IndexDoc>(base, api);
  const resources = new Map(index.data.map((r) => [r.id, r.attributes]));
  const meta = new Map<string, MetaDoc['meta']['fields']>();
  for (const r of resources.keys()) meta.set(r, (await get<MetaDoc>(base, `${api}/${r}/meta`)).meta.fields);
  const has = (r: string, a: string) => !!meta.get(r)?.[a];
  const route = (r: string) => routes?.get(`v_${r}`);

  // the comparison run: --run, else 319579 when present, else the run with the most lumisections
  const runs = async (filters: [string, string | number][]) => (await get<Collection>(base, withQuery(`${api}/runs`, filters))).data;
  let runRow = opts.run ? (await runs([['filter[run_number][EQ]', opts.run]]))[0] : (await runs([['filter[run_number][EQ]', 319579]]))[0];
  if (!runRow && opts.run) throw new Error(`run ${opts.run} is not in the database`);
  runRow ??= (
    await runs([
      ['sort', '-last_lumisection_number'],
      ['page[limit]', 1],
    ])
  )[0];
  if (!runRow) throw new Error('the database has no runs');
  const run = Number(runRow.attributes.run_number);
  const fill = runRow.attributes.fill_number === null ? null : Number(runRow.attributes.fill_number);
  const runStart = String(runRow.attributes.start_time);

  // sizes: rows of the comparison run in each resource (indexed counts; unfiltered counts of the
  // largest views take minutes on a year database), the whole resource when it has no run_number
  const sizes: Record<string, number> = {};
  for (const [r, a] of resources) {
    const filter: [string, string | number][] = has(r, 'run_number') ? [['filter[run_number][EQ]', run]] : [];
    sizes[r] = total(await get<Collection>(base, withQuery(`${api}/${r}`, [...filter, ['fields', a.id_attributes[0]], ['page[limit]', 1]])));
  }

  // lumisections of the run (the page limit must cover them)
  const lsDoc = await get<Collection>(
    base,
    withQuery(`${api}/lumisections`, [
      ['filter[run_number][EQ]', run],
      ['fields', 'lumisection_number'],
      ['page[limit]', 1],
    ]),
  );
  const runLumisections = total(lsDoc);
  const runLimit = Math.max(5000, Math.ceil(runLumisections / 1000) * 1000);

  // the HLT path: --path, else the first HLT_ path of the run, else any path of the run
  let path: string | null = opts.path ?? null;
  if (!path && resources.has('hltpathinfo')) {
    const pick = async (extra: [string, string][]) =>
      (await get<Collection>(base, withQuery(`${api}/hltpathinfo`, [['filter[run_number][EQ]', run], ...extra, ['fields', 'path_name'], ['sort', 'path_name'], ['page[limit]', 1]]))).data[0]
        ?.attributes.path_name as string | undefined;
    path = (await pick([['filter[path_name][LIKE]', 'HLT_%']])) ?? (await pick([])) ?? null;
  }

  const scenarios: Scenario[] = [];
  const C = opts.connections;
  const L = opts.latencyConnections;
  const pick = (paths: Partial<Record<Target, string | undefined>>) =>
    Object.fromEntries(Object.entries(paths).filter(([t, p]) => p && targets.includes(t as Target))) as Partial<Record<Target, string>>;

  // ---- the three comparisons ----
  if (resources.has('runs')) {
    const sort: [string, boolean][] = [['run_number', true]];
    const p = withQuery(`${api}/runs`, [
      ['sort', '-run_number'],
      ['page[limit]', 100],
    ]);
    scenarios.push({
      kind: 'load',
      id: 'runs-newest-100',
      group: 'compare',
      title: '100 runs, newest first',
      connections: C,
      paths: pick({ omsagg: p, bare: p, platformatic: platformatic(route('runs'), { filters: [], sort: totalOrder(sort, ['run_number']), limit: 100, totalCount: true }) }),
    });
  }
  if (resources.has('hltpathrates') && path) {
    const id = resources.get('hltpathrates')!.id_attributes;
    const filters: [string, string | number][] = [
      ['run_number', run],
      ['path_name', path],
    ];
    const p = withQuery(`${api}/hltpathrates`, [
      ['filter[run_number][EQ]', run],
      ['filter[path_name][EQ]', path],
      ['page[limit]', runLimit],
    ]);
    scenarios.push({
      kind: 'load',
      id: 'hlt-path-over-run',
      group: 'compare',
      title: `one HLT path over the run (${path}, page[limit]=${runLimit})`,
      connections: C,
      paths: pick({ omsagg: p, bare: p, platformatic: platformatic(route('hltpathrates'), { filters, sort: totalOrder([], id), limit: runLimit, totalCount: true }) }),
    });
  }
  if (resources.has('lumisections')) {
    const id = resources.get('lumisections')!.id_attributes;
    const p = withQuery(`${api}/lumisections`, [
      ['filter[run_number][EQ]', run],
      ['page[limit]', runLimit],
    ]);
    scenarios.push({
      kind: 'load',
      id: 'run-lumisections',
      group: 'compare',
      title: `the run's lumisections (${runLumisections})`,
      connections: C,
      paths: pick({ omsagg: p, bare: p, platformatic: platformatic(route('lumisections'), { filters: [['run_number', run]], sort: totalOrder([], id), limit: runLimit, totalCount: true }) }),
    });
  }

  // ---- the default first page of every resource, unfiltered and with each common filter shape ----
  for (const [r, attrs] of resources) {
    const fields = meta.get(r)!;
    const sampleParams: [string, string | number][] = has(r, 'run_number')
      ? [
          ['filter[run_number][EQ]', run],
          ['page[limit]', 1],
        ]
      : [['page[limit]', 1]];
    const sample = (await get<Collection>(base, withQuery(`${api}/${r}`, sampleParams))).data[0]?.attributes ?? {};
    const shapes: [string, [string, string | number][]][] = [['first', []]];
    if (opts.shapes === 'all') {
      if (has(r, 'run_number')) shapes.push(['run', [['filter[run_number][EQ]', run]]]);
      for (const [a, label] of [
        ['path_name', 'path'],
        ['bit', 'bit'],
        ['fed_id', 'fed'],
      ] as const) {
        const v = a === 'path_name' && path ? path : sample[a];
        if (has(r, 'run_number') && has(r, a) && v !== undefined && v !== null)
          shapes.push([
            `run+${label}`,
            [
              ['filter[run_number][EQ]', run],
              [`filter[${a}][EQ]`, String(v)],
            ],
          ]);
      }
      if (has(r, 'fill_number') && fill !== null) shapes.push(['fill', [['filter[fill_number][EQ]', fill]]]);
      const time = ['start_time', 'time'].find((a) => fields[a]?.api_type === 'Date');
      if (time && runStart) {
        const t0 = new Date(runStart);
        const t1 = new Date(t0.getTime() + 3600_000);
        const iso = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;
        shapes.push([
          'time-1h',
          [
            [`filter[${time}][GE]`, iso(t0)],
            [`filter[${time}][LT]`, iso(t1)],
          ],
        ]);
      }
      if (has(r, 'lumisection_number')) {
        shapes.push(['ls=-1', [['filter[lumisection_number][EQ]', -1]]]);
        if (has(r, 'run_number'))
          shapes.push([
            'run+ls=-1',
            [
              ['filter[run_number][EQ]', run],
              ['filter[lumisection_number][EQ]', -1],
            ],
          ]);
      }
      const name = Object.keys(fields).find((a) => /name$/.test(a) && fields[a].api_type === 'String' && typeof sample[a] === 'string' && (sample[a] as string).length >= 2);
      if (name) {
        const v = sample[name] as string;
        shapes.push([`like:${name}`, [[`filter[${name}][LIKE]`, `${v.slice(0, Math.max(2, Math.ceil(v.length / 2)))}%`]]]);
      }
      for (const g of ['run', 'fill']) if (attrs.granularities.includes(g)) shapes.push([`group=${g}`, [['group[granularity]', g]]]);
    }
    for (const [shape, params] of shapes) {
      scenarios.push({ kind: 'load', id: `page:${r}:${shape}`, group: 'page', title: `${r} first page, ${shape}`, connections: L, paths: { omsagg: withQuery(`${api}/${r}`, params) } });
    }
  }

  // ---- every probe's plot (of the comparison run when the probe takes a run) ----
  const probes = (await get<ProbeList>(base, `${api}/probes`)).data;
  for (const p of probes) {
    const takesRun = !!p.attributes.parameters?.properties?.run_number;
    scenarios.push({
      kind: 'load',
      id: `probe:${p.id}`,
      group: 'probe',
      title: `probe ${p.id} plot${takesRun ? ` (run ${run})` : ' (defaults)'}`,
      connections: L,
      paths: { omsagg: withQuery(`${api}/probes/${p.id}/plot`, takesRun ? [['run_number', run]] : []) },
    });
  }

  // ---- exports: N rows of the largest resource, CSV and JSON ----
  // As an analyst exports: the rows of the comparison run, or of the runs from it on, enough for
  // N rows (20 % margin so that an estimated count cannot fall short); unfiltered only when the
  // whole resource is smaller.
  const [exportResource] = Object.entries(sizes).sort((a, b) => b[1] - a[1])[0];
  const n = opts.exportRows;
  const exportTotal = sizes[exportResource];
  const eid = resources.get(exportResource)!.id_attributes;
  let exportFilter: { omsagg: [string, string | number][]; plt: [string, string, number][]; label: string } = { omsagg: [], plt: [], label: 'unfiltered' };
  let exportAvailable = exportTotal;
  if (has(exportResource, 'run_number')) {
    const after = (
      await get<Collection>(
        base,
        withQuery(`${api}/runs`, [
          ['filter[run_number][GE]', run],
          ['sort', 'run_number'],
          ['fields', 'run_number'],
          ['page[limit]', 1000],
        ]),
      )
    ).data.map((d) => Number(d.attributes.run_number));
    let sum = 0;
    for (const r of after) {
      sum += total(
        await get<Collection>(
          base,
          withQuery(`${api}/${exportResource}`, [
            ['filter[run_number][EQ]', r],
            ['fields', eid[0]],
            ['page[limit]', 1],
          ]),
        ),
      );
      if (sum >= n * 1.2 || r === after[after.length - 1]) {
        if (sum < n) break;
        exportAvailable = sum;
        exportFilter =
          r === run
            ? { omsagg: [['filter[run_number][EQ]', run]], plt: [['run_number', 'eq', run]], label: `run ${run}` }
            : {
                omsagg: [
                  ['filter[run_number][GE]', run],
                  ['filter[run_number][LE]', r],
                ],
                plt: [
                  ['run_number', 'gte', run],
                  ['run_number', 'lte', r],
                ],
                label: `runs ${run}–${r}`,
              };
        break;
      }
    }
  }
  if (exportFilter.label === 'unfiltered' && has(exportResource, 'run_number')) {
    exportAvailable = total(
      await get<Collection>(
        base,
        withQuery(`${api}/${exportResource}`, [
          ['fields', eid[0]],
          ['page[limit]', 1],
        ]),
      ),
    );
  }
  const expectRows = Math.min(n, exportAvailable);
  const csvPath = withQuery(`${api}/${exportResource}/csv`, [...exportFilter.omsagg, ['page[limit]', n]]);
  const jsonPath = withQuery(`${api}/${exportResource}`, [...exportFilter.omsagg, ['page[limit]', n]]);
  const rows = n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n >= 1000 ? `${Math.round(n / 1000)}k` : String(n);
  scenarios.push({
    kind: 'export',
    id: `export-csv-${rows}`,
    group: 'export',
    format: 'csv',
    title: `${rows}-row CSV export of ${exportResource} (${exportFilter.label})`,
    expectRows,
    paths: Object.fromEntries(Object.entries({ omsagg: { path: csvPath, counter: 'csv' as const }, bare: { path: csvPath, counter: 'csv' as const } }).filter(([t]) => targets.includes(t as Target))),
  });
  const pr = route(exportResource);
  const pltJson = pr
    ? withQuery(pr.path, [
        ...exportFilter.plt.map(([a, op, v]) => [`where.${pr.field(a)}.${op}`, v] as [string, number]),
        ...totalOrder([], eid).map(([a, desc]) => [`orderby.${pr.field(a)}`, desc ? 'desc' : 'asc'] as [string, string]),
        ['limit', n],
        ['totalCount', 'true'],
      ])
    : undefined;
  scenarios.push({
    kind: 'export',
    id: `export-json-${rows}`,
    group: 'export',
    format: 'json',
    title: `${rows}-row JSON export of ${exportResource} (${exportFilter.label})`,
    expectRows,
    paths: Object.fromEntries(
      Object.entries({
        omsagg: { path: jsonPath, counter: 'data' as const },
        bare: { path: jsonPath, counter: 'data' as const },
        ...(pltJson ? { platformatic: { path: pltJson, counter: 'array' as const } } : {}),
      }).filter(([t]) => targets.includes(t as Target)),
    ),
  });

  // ---- /health and a 100-row page while an export and a slow query run ----
  const slowResource = resources.get(exportResource)!.granularities.includes('run') && has(exportResource, 'run_number') ? exportResource : undefined;
  const slowPath = slowResource
    ? withQuery(`${api}/${slowResource}`, [
        ['filter[run_number][EQ]', run],
        ['group[granularity]', 'run'],
        ['page[limit]', 100],
      ])
    : withQuery(`${api}/${exportResource}`, [
        ['sort', `-${eid[eid.length - 1]}`],
        ['page[limit]', 100],
      ]);
  const pagePath = resources.has('lumisections')
    ? withQuery(`${api}/lumisections`, [
        ['filter[run_number][EQ]', run],
        ['page[limit]', 100],
      ])
    : withQuery(`${api}/runs`, [['page[limit]', 100]]);
  scenarios.push({
    kind: 'health',
    id: 'health-during-export',
    group: 'health',
    title: `/health and a 100-row page during the ${rows}-row CSV export and a slow query`,
    connections: L,
    exportPath: csvPath,
    expectRows,
    slowPath,
    pagePath,
    healthPath: '/health',
  });

  return { scenarios, facts: { run, runLumisections, fill, path, sizes, exportResource, exportTotal, exportFilter: exportFilter.label, probes: probes.map((p) => p.id) } };
}
