// Stage 2 of the read path (query string → ResourceQuery → **ReadPlan** → SQL → rows → document):
// what to read, decided once and frozen. The plan names the row source (the resource's view, or a
// summary view when a granularity has one), the filters (the client's and fixed ones such as an id
// or a relationship's keys), the columns to fetch, a total order, the page or cursor, how to count,
// and the included relationships as sub-plans with their key joins. Later stages only read it.
import { decodeCursor } from './cursor.js';
import { QueryValidationError } from './errors.js';
import type { Filter, ResourceQuery } from './query.js';
import type { RawParam } from './querystring.js';
import type { Attribute, ColumnAttribute, Relationship, ResourceDef } from './resource.js';

export type Representation = 'json' | 'csv';
/** exact: always count; estimated: exact when cheap, otherwise planned or from statistics; none */
export type CountMode = 'exact' | 'estimated' | 'none';

export interface OrderTerm {
  readonly column: ColumnAttribute;
  readonly desc: boolean;
}

export type PagePlan =
  | { readonly mode: 'offset'; readonly offset: number; readonly limit: number }
  /** keyset paging: rows strictly after `after` in the total order (null: from the start) */
  | { readonly mode: 'cursor'; readonly after: readonly unknown[] | null; readonly limit: number }
  /** every row from `offset` on (a CSV export without page[limit]) */
  | { readonly mode: 'all'; readonly offset: number };

export interface SourcePlan {
  /** the view rows come from */
  readonly view: string;
  /** group[granularity]: its name and the columns SQL groups by */
  readonly granularity?: string;
  readonly groupKeys?: readonly ColumnAttribute[];
  /** folded rows of summarized runs come from omsagg's summary table (the rest are folded live) */
  readonly summary?: { readonly table: string; readonly level: 'run' | 'fill' };
}

export interface IncludePlan {
  readonly relationship: Relationship;
  /** how the related resource is read (its default projection, no filters of its own) */
  readonly target: ReadPlan;
  readonly localKeys: readonly ColumnAttribute[];
  readonly remoteKeys: readonly ColumnAttribute[];
  /** most related resources included per relationship */
  readonly cap: number;
}

export interface ReadPlan {
  readonly resource: ResourceDef;
  readonly representation: Representation;
  readonly source: SourcePlan;
  readonly filters: readonly Filter[];
  /** columns fetched: projection, identity, order and relationship keys, each once */
  readonly select: readonly ColumnAttribute[];
  /** attributes rendered, in order */
  readonly projection: readonly Attribute[];
  /** the columns of the resource id (the fold keys when grouped) */
  readonly identity: readonly ColumnAttribute[];
  /** sort + a unique key: a total order, so offset pages are stable and cursors exact */
  readonly order: readonly OrderTerm[];
  readonly page: PagePlan;
  readonly count: CountMode;
  readonly includes: readonly IncludePlan[];
  readonly flags: { readonly meta: boolean; readonly presentationTimestamp: boolean; readonly dataOnly: boolean; readonly projected: boolean };
  /** the request's parameters in canonical form (query.ts canonicalParams), for links */
  readonly params: readonly RawParam[];
}

export interface PlanOptions {
  representation?: Representation;
  /** filters the route adds (an id, a relationship's keys) */
  fixedFilters?: Filter[];
  /** resources by type, for includes */
  resolve?: (type: string) => ResourceDef | undefined;
  /** most related resources per included relationship (default 1000) */
  includeCap?: number;
  /** extra columns to fetch (e.g. the keys of relationships the route follows) */
  extraColumns?: string[];
  /** default count mode when the client names none */
  defaultCount?: CountMode;
  /** every matching row unless page[limit] is given (CSV exports, code reading a resource) */
  allRows?: boolean;
  /** resource types whose summary tables exist in the database */
  summaries?: ReadonlySet<string>;
}

/** The summary table of a resource (src/db/summaries.ts writes it). */
export function summaryTableOf(resource: ResourceDef): string {
  return `omsagg_sum_${resource.type}`;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as Record<string, unknown>)) {
      // the resource definition and attribute objects are shared, not owned by the plan
      if (v && typeof v === 'object' && !(v instanceof Map) && !isResourcePart(v)) deepFreeze(v);
    }
  }
  return o;
}

function isResourcePart(v: object): boolean {
  return 'byName' in v || ('kind' in v && ('column' in v || 'members' in v));
}

function col(resource: ResourceDef, name: string): ColumnAttribute {
  return resource.scalars.get(name)!;
}

/** The plan of a read of `resource` for a validated query. */
export function planRead(resource: ResourceDef, q: ResourceQuery, opts: PlanOptions = {}): ReadPlan {
  const representation = opts.representation ?? 'json';
  const granularity = q.granularity;
  const g = granularity ? resource.granularity[granularity] : undefined;
  const filters = [...q.filters, ...(opts.fixedFilters ?? [])];
  let summary: SourcePlan['summary'];
  if (g?.summary && granularity && opts.summaries?.has(resource.type) && resource.granularity.run?.summary) {
    // the summary holds folded rows: a filter on anything that varies inside a fold must see every row
    const constant = new Set([...g.keys, ...g.groupBy, ...g.constant]);
    if (filters.every((f) => constant.has(f.attribute) && !f.latest)) summary = { table: summaryTableOf(resource), level: granularity === 'fill' ? 'fill' : 'run' };
  }
  const source: SourcePlan = g ? { view: resource.view, granularity, groupKeys: g.groupBy.map((n) => col(resource, n)), ...(summary ? { summary } : {}) } : { view: resource.view };
  const identity = (g ? g.keys : resource.id).map((n) => col(resource, n));

  const order: OrderTerm[] = q.sort.map((s) => ({ column: col(resource, s.attribute), desc: s.desc }));
  const unique = g ? g.groupBy : resource.uniqueKey;
  for (const n of unique) if (!order.some((o) => o.column.name === n)) order.push({ column: col(resource, n), desc: false });

  const projection: Attribute[] = q.fields ? q.fields.map((n) => resource.byName.get(n)!) : resource.attributes.filter((a) => a.projectable);
  const wanted = new Set<string>();
  for (const a of projection) for (const c of a.kind === 'object' ? a.members : [a]) wanted.add(c.name);
  for (const c of identity) wanted.add(c.name);
  for (const o of order) wanted.add(o.column.name);
  for (const n of opts.extraColumns ?? []) wanted.add(n);

  const includes: IncludePlan[] = [];
  for (const name of q.include.relationships) {
    const rel = resource.relationships.find((r) => r.name === name)!;
    const target = opts.resolve?.(rel.type);
    if (!target) throw new QueryValidationError('unknown_include', `include '${name}': related type ${rel.type} is not served here`, 'include');
    const localKeys = Object.keys(rel.keys).map((k) => col(resource, k));
    const remoteKeys = Object.values(rel.keys).map((k) => col(target, k));
    for (const k of localKeys) wanted.add(k.name);
    const targetQuery: ResourceQuery = {
      filters: [],
      sort: target.defaultSort.map((s) => ({ attribute: s.replace(/^-/, ''), desc: s.startsWith('-') })),
      page: { offset: 0, limit: 0 },
      include: { meta: false, presentationTimestamp: q.include.presentationTimestamp, dataOnly: false, relationships: [] },
      params: [],
      count: 'none',
    };
    const cap = opts.includeCap ?? 1000;
    const targetPlan = planRead(target, targetQuery, { representation: 'json', extraColumns: remoteKeys.map((k) => k.name) });
    includes.push({ relationship: rel, target: { ...targetPlan, page: { mode: 'offset', offset: 0, limit: cap + 1 } }, localKeys, remoteKeys, cap });
  }
  // one column per view column, in resource order (object members share nothing)
  const seen = new Set<string>();
  const select = resource.columns.filter((c) => wanted.has(c.name) && !seen.has(c.column) && (seen.add(c.column), true));

  let page: PagePlan;
  const limitGiven = q.params.some((p) => p.name === 'page' && p.path[0] === 'limit');
  if (q.page.cursor !== undefined) page = { mode: 'cursor', after: q.page.cursor ? decodeCursor(q.page.cursor, order.length) : null, limit: q.page.limit };
  else if ((opts.allRows ?? representation === 'csv') && !limitGiven) page = { mode: 'all', offset: q.page.offset };
  else page = { mode: 'offset', offset: q.page.offset, limit: q.page.limit };

  // cursor pages and exports never count; the client may ask for counts explicitly otherwise
  const count: CountMode = page.mode !== 'offset' ? 'none' : (q.count ?? opts.defaultCount ?? 'estimated');

  return deepFreeze({
    resource,
    representation,
    source,
    filters,
    select,
    projection,
    identity,
    order,
    page,
    count,
    includes,
    flags: { meta: q.include.meta, presentationTimestamp: q.include.presentationTimestamp, dataOnly: q.include.dataOnly, projected: !!q.fields },
    params: q.canonical ?? q.params,
  });
}

const keys = new WeakMap<ReadPlan, string>();

/** A string naming everything that decides a plan's SQL and rendering (for caches of compiled forms). */
export function planKey(plan: ReadPlan): string {
  let k = keys.get(plan);
  if (k === undefined) {
    k = JSON.stringify([
      plan.resource.type,
      plan.resource.source,
      plan.representation,
      plan.source.granularity ?? null,
      plan.source.summary?.level ?? null,
      plan.filters.map((f) => [f.attribute, f.op, f.value, f.latest ?? false]),
      plan.select.map((c) => c.name),
      plan.projection.map((a) => a.name),
      plan.order.map((o) => [o.column.name, o.desc]),
      plan.page,
      plan.count,
      plan.includes.map((i) => i.relationship.name),
      plan.flags,
    ]);
    keys.set(plan, k);
  }
  return k;
}

/** The row limit the SQL asks for (+1 to learn whether another page follows), or undefined for all. */
export function fetchLimit(page: PagePlan): number | undefined {
  return page.mode === 'all' ? undefined : page.limit + 1;
}
