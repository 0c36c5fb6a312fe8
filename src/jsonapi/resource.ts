// The normalised, in-memory form of a resource definition. Resource files (resources/*.yaml,
// validated by src/resources/schema.json) and resources built in code (computed collections, see
// memory.ts) both go through normaliseResource(), so every later stage sees the same shape.

export type ScalarType = 'integer' | 'number' | 'string' | 'boolean' | 'datetime' | 'array';
export type AttrType = ScalarType | 'object';
export type Aggregation = 'sum' | 'mean' | 'min' | 'max' | 'first' | 'last';

/** An attribute (or a member of an object attribute) backed by one view column. */
export interface ColumnAttribute {
  kind: 'column';
  name: string;
  column: string;
  type: ScalarType;
  unit: string | null;
  title: string;
  description: string;
  aggregation: Aggregation;
  searchable: boolean;
  sortable: boolean;
  projectable: boolean;
  /** `[EQ]=-1` on this attribute means the latest value per run (lumisection numbers); other operators compare with -1. */
  latestAlias: boolean;
  /** filters on this attribute are answered as `(keys) IN (SELECT keys FROM view WHERE <filter>)` */
  filterVia?: FilterVia;
}

/**
 * A property of a smaller resource (a row's fill is its run's fill, its start time its
 * lumisection's): filtering that resource first and joining on its keys lets the database walk
 * this resource's key in order instead of sorting everything the filter matched.
 */
export interface FilterVia {
  view: string;
  keys: string[];
}

/** An OMS nested attribute such as l1a_total: {counter, rate}; each member is its own column. */
export interface ObjectAttribute {
  kind: 'object';
  name: string;
  type: 'object';
  title: string;
  description: string;
  projectable: boolean;
  members: ColumnAttribute[];
}

export type Attribute = ColumnAttribute | ObjectAttribute;

/**
 * group[granularity]=<name>: rows fold into one per value of `keys` (their id). SQL groups by
 * `groupBy` (default: the keys), which must be one-to-one with them — e.g. a path's id for its name —
 * so the fold can stream along an index; folded rows are ordered by it unless the client sorts.
 * `summary`: jobs keep the folded rows of closed runs in omsagg's own table (src/db/summaries.ts);
 * filters on `constant` attributes (and the keys) may then be answered from it.
 */
export interface Granularity {
  keys: string[];
  groupBy: string[];
  summary: boolean;
  /** attributes with one value per folded row (besides the keys and groupBy) */
  constant: string[];
}

export interface GranularitySpec {
  keys: string[];
  group_by?: string[];
  summary?: boolean;
  constant?: string[];
}

export interface Relationship {
  name: string;
  type: string;
  cardinality: 'one' | 'many';
  /** local attribute name → attribute name in the related resource */
  keys: Record<string, string>;
  description: string;
}

export interface ResourceDef {
  type: string;
  view: string;
  title: string;
  description: string;
  id: string[];
  /** a unique key completing every order (default: the id); lets the database page along an index */
  uniqueKey: string[];
  defaultSort: string[];
  granularity: Record<string, Granularity>;
  attributes: Attribute[];
  relationships: Relationship[];
  /** example query strings for documentation */
  examples: { summary: string; query: string }[];
  /** rows of a closed run may still change (omsagg's own derived data, e.g. anomaly scores) */
  revisable: boolean;
  /** where it came from (file name, or 'code:<name>'), for messages */
  source: string;
  /** lookups */
  byName: Map<string, Attribute>;
  /** every column attribute, object members included (members named `<object>.<member>`) */
  columns: ColumnAttribute[];
  /** scalar lookup by name, object members as `<object>.<member>` (filters and sorts use these) */
  scalars: Map<string, ColumnAttribute>;
}

/** The plain shape of a resource file (and of a resource built in code). */
export interface ResourceFile {
  type: string;
  view?: string;
  title: string;
  description?: string;
  id: string[];
  unique_key?: string[];
  default_sort?: string[];
  granularity?: Record<string, string[] | GranularitySpec>;
  attributes: Record<string, AttributeSpec>;
  relationships?: Record<string, { type: string; cardinality: 'one' | 'many'; keys: Record<string, string>; description?: string }>;
  examples?: { summary: string; query: string }[];
  revisable?: boolean;
}

export interface AttributeSpec {
  type: AttrType;
  unit?: string | null;
  title?: string;
  description?: string;
  column?: string;
  aggregation?: Aggregation;
  searchable?: boolean;
  sortable?: boolean;
  projectable?: boolean;
  latest_alias?: boolean;
  filter_via?: FilterVia;
  members?: Record<string, AttributeSpec>;
}

export class ResourceDefinitionError extends Error {
  constructor(
    readonly source: string,
    readonly field: string,
    message: string,
  ) {
    super(`${source}: ${field}: ${message}`);
  }
}

function humanise(name: string): string {
  const s = name.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function column(name: string, spec: AttributeSpec, field: string, source: string): ColumnAttribute {
  if (spec.type === 'object') throw new ResourceDefinitionError(source, field, 'object members must be scalar');
  if ((spec.type === 'integer' || spec.type === 'number') && spec.unit === undefined) {
    throw new ResourceDefinitionError(source, `${field}.unit`, `numeric attribute needs a unit (a string, or null for identifiers and indices)`);
  }
  if ((spec.aggregation === 'sum' || spec.aggregation === 'mean') && spec.type !== 'integer' && spec.type !== 'number') {
    throw new ResourceDefinitionError(source, `${field}.aggregation`, `${spec.aggregation} needs a numeric attribute, '${name}' is ${spec.type}`);
  }
  return {
    kind: 'column',
    name,
    column: spec.column ?? name.replace(/\./g, '_'),
    type: spec.type,
    unit: spec.unit ?? null,
    title: spec.title ?? humanise(name.split('.').pop()!),
    description: spec.description ?? '',
    aggregation: spec.aggregation ?? (spec.type === 'integer' || spec.type === 'number' ? 'mean' : 'first'),
    searchable: spec.searchable ?? true,
    sortable: spec.sortable ?? true,
    projectable: spec.projectable ?? true,
    latestAlias: spec.latest_alias ?? false,
    ...(spec.filter_via ? { filterVia: { view: spec.filter_via.view, keys: [...spec.filter_via.keys] } } : {}),
  };
}

/** Checks cross-references (ids, sorts, granularity keys) and builds the lookups. */
export function normaliseResource(file: ResourceFile, source = `code:${file.type}`): ResourceDef {
  const attributes: Attribute[] = [];
  const columns: ColumnAttribute[] = [];
  for (const [name, spec] of Object.entries(file.attributes)) {
    const field = `attributes.${name}`;
    if (spec.type === 'object') {
      if (!spec.members || !Object.keys(spec.members).length) throw new ResourceDefinitionError(source, field, 'object attribute needs members');
      const members = Object.entries(spec.members).map(([m, ms]) => column(`${name}.${m}`, ms, `${field}.members.${m}`, source));
      attributes.push({ kind: 'object', name, type: 'object', title: spec.title ?? humanise(name), description: spec.description ?? '', projectable: spec.projectable ?? true, members });
      columns.push(...members);
    } else {
      const c = column(name, spec, field, source);
      attributes.push(c);
      columns.push(c);
    }
  }
  const byName = new Map<string, Attribute>(attributes.map((a) => [a.name, a]));
  const scalar = (n: string, field: string) => {
    const a = byName.get(n);
    if (!a || a.kind !== 'column') throw new ResourceDefinitionError(source, field, `'${n}' is not a scalar attribute of ${file.type}`);
    return a;
  };
  file.id.forEach((n, i) => scalar(n, `id[${i}]`));
  const defaultSort = file.default_sort ?? file.id;
  defaultSort.forEach((n, i) => scalar(n.replace(/^-/, ''), `default_sort[${i}]`));
  const uniqueKey = file.unique_key ?? file.id;
  uniqueKey.forEach((n, i) => scalar(n, `unique_key[${i}]`));
  const granularity: Record<string, Granularity> = {};
  for (const [g, spec] of Object.entries(file.granularity ?? {})) {
    const gr: GranularitySpec = Array.isArray(spec) ? { keys: spec } : spec;
    const at = `granularity.${g}${Array.isArray(spec) ? '' : '.keys'}`;
    gr.keys.forEach((n, i) => scalar(n, `${at}[${i}]`));
    gr.group_by?.forEach((n, i) => scalar(n, `granularity.${g}.group_by[${i}]`));
    gr.constant?.forEach((n, i) => scalar(n, `granularity.${g}.constant[${i}]`));
    if (gr.summary && !gr.keys.includes(g === 'fill' ? 'fill_number' : 'run_number')) {
      throw new ResourceDefinitionError(source, `granularity.${g}.summary`, `summaries are kept per ${g}: the keys must include ${g}_number`);
    }
    granularity[g] = { keys: gr.keys, groupBy: gr.group_by ?? gr.keys, summary: gr.summary ?? false, constant: gr.constant ?? [] };
  }
  for (const c of columns) c.filterVia?.keys.forEach((n, i) => scalar(n, `attributes.${c.name}.filter_via.keys[${i}]`));
  const relationships: Relationship[] = Object.entries(file.relationships ?? {}).map(([name, r]) => {
    Object.keys(r.keys).forEach((k) => scalar(k, `relationships.${name}.keys.${k}`));
    return { name, type: r.type, cardinality: r.cardinality, keys: r.keys, description: r.description ?? '' };
  });
  return {
    type: file.type,
    view: file.view ?? `v_${file.type}`,
    title: file.title,
    description: file.description ?? '',
    id: file.id,
    uniqueKey,
    defaultSort,
    granularity,
    attributes,
    relationships,
    examples: file.examples ?? [],
    revisable: file.revisable ?? false,
    source,
    byName,
    columns,
    scalars: new Map(columns.map((c) => [c.name, c])),
  };
}

export function scalarAttribute(r: ResourceDef, name: string): ColumnAttribute | undefined {
  return r.scalars.get(name);
}
