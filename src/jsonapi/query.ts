// Query string → validated ResourceQuery AST for one resource. Parse errors (QueryParseError)
// and validation errors (QueryValidationError) are 400s that name the offending parameter.
import { QueryParseError, QueryValidationError } from './errors.js';
import { lookupOperator, FILTER_OP_NAMES, type FilterOp } from './filters.js';
import { parseRawQuery, type RawParam } from './querystring.js';
import { scalarAttribute, type ResourceDef } from './resource.js';
import { parseFilterValue, ValueError, type FilterValue } from './values.js';

export interface Filter {
  attribute: string;
  op: FilterOp;
  value: FilterValue;
  /** `-1` on a latest_alias attribute: the latest value (per run) */
  latest?: boolean;
  /** the parameter it came from, for messages */
  parameter: string;
}

export interface ResourceQuery {
  filters: Filter[];
  fields?: string[];
  sort: { attribute: string; desc: boolean }[];
  page: { offset: number; limit: number; cursor?: string };
  include: { meta: boolean; presentationTimestamp: boolean; dataOnly: boolean; relationships: string[] };
  granularity?: string;
  /** count=exact|estimated|none (absent: the server's default) */
  count?: 'exact' | 'estimated' | 'none';
  /** every parameter as received (decoded), in order */
  params: RawParam[];
  /** the parameters in one spelling and order (filters as filter[attr][OP]): links and cache keys */
  canonical?: RawParam[];
}

/** The parameters in one spelling (filter[a]=v → filter[a][EQ]=v, [eq] → [EQ], namespaced filters
 *  plain) and one order, so two spellings of a query get the same links, ETag and cache entry. */
export function canonicalParams(params: readonly RawParam[], filters: readonly Filter[]): RawParam[] {
  let i = 0;
  const out = params.map((p) => {
    if (p.name !== 'filter') return p;
    const f = filters[i++];
    if (!f) return p;
    const key = `filter[${f.attribute}][${f.op}]`;
    return { key, name: 'filter', path: [f.attribute, f.op], value: p.value };
  });
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

export interface QueryOptions {
  defaultLimit: number;
  maxLimit: number;
  /** parameter names the caller handles itself (e.g. probe parameters); kept in params, not rejected */
  extraParams?: readonly string[];
  /** whether relationship includes are possible (memory collections: false) */
  allowRelationships?: boolean;
}

export const DEFAULT_QUERY_OPTIONS: QueryOptions = { defaultLimit: 100, maxLimit: 100_000 };

const INCLUDE_FLAGS = ['meta', 'presentation_timestamp', 'data_only'];

function nonNegativeInt(p: RawParam, max?: number): number {
  if (!/^\d+$/.test(p.value.trim())) {
    throw new QueryParseError('invalid_page', `${p.key} must be a non-negative integer, got '${p.value}'`, p.key);
  }
  const n = Number(p.value.trim());
  if (max !== undefined && n > max) {
    throw new QueryValidationError('page_limit_too_large', `${p.key}=${n} exceeds the maximum page size ${max}; page with page[offset] or page[cursor]`, p.key);
  }
  if (!Number.isSafeInteger(n)) throw new QueryParseError('invalid_page', `${p.key} is too large`, p.key);
  return n;
}

function list(p: RawParam): string[] {
  return p.value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function once(seen: Set<string>, p: RawParam): void {
  const k = [p.name, ...p.path].join('.');
  if (seen.has(k)) throw new QueryParseError('duplicate_parameter', `parameter ${p.key} given more than once`, p.key);
  seen.add(k);
}

export function parseQuery(search: string | RawParam[], resource: ResourceDef, options: QueryOptions = DEFAULT_QUERY_OPTIONS): ResourceQuery {
  const params = typeof search === 'string' ? parseRawQuery(search) : search;
  const q: ResourceQuery = {
    filters: [],
    sort: [],
    page: { offset: 0, limit: options.defaultLimit },
    include: { meta: false, presentationTimestamp: false, dataOnly: false, relationships: [] },
    params,
  };
  const seen = new Set<string>();
  let sort: RawParam | undefined;
  for (const p of params) {
    switch (p.name) {
      case 'filter':
        q.filters.push(parseFilter(p, resource));
        break;
      case 'fields': {
        once(seen, { ...p, path: [] });
        if (p.path.length > 1 || (p.path.length === 1 && p.path[0] !== resource.type)) {
          throw new QueryValidationError('invalid_fields', `${p.key}: use fields=a,b or fields[${resource.type}]=a,b`, p.key);
        }
        const names = list(p);
        for (const n of names) {
          const a = resource.byName.get(n);
          if (!a) throw new QueryValidationError('unknown_attribute', `${p.key}: '${n}' is not an attribute of ${resource.type}`, p.key);
          if (!a.projectable) throw new QueryValidationError('not_projectable', `${p.key}: '${n}' cannot be selected`, p.key);
        }
        // `fields=` with nothing selected means no projection (python clients send it empty)
        if (names.length) q.fields = [...new Set(names)];
        break;
      }
      case 'sort':
        if (p.path.length) throw new QueryParseError('malformed_parameter', `${p.key}: sort takes no brackets (sort=a,-b)`, p.key);
        once(seen, p);
        sort = p;
        break;
      case 'page': {
        once(seen, p);
        const which = p.path.length === 1 ? p.path[0] : '';
        if (which === 'offset') q.page.offset = nonNegativeInt(p);
        else if (which === 'limit') q.page.limit = nonNegativeInt(p, options.maxLimit);
        else if (which === 'cursor') q.page.cursor = p.value;
        else throw new QueryParseError('unknown_parameter', `${p.key}: page takes [offset], [limit] or [cursor]`, p.key);
        break;
      }
      case 'include':
        if (p.path.length) throw new QueryParseError('malformed_parameter', `${p.key}: include takes no brackets`, p.key);
        for (const name of list(p)) {
          if (name === 'meta') q.include.meta = true;
          else if (name === 'presentation_timestamp') q.include.presentationTimestamp = true;
          else if (name === 'data_only') q.include.dataOnly = true;
          else if (options.allowRelationships !== false && resource.relationships.some((r) => r.name === name)) {
            if (!q.include.relationships.includes(name)) q.include.relationships.push(name);
          } else {
            const rels = resource.relationships.map((r) => r.name);
            throw new QueryValidationError(
              'unknown_include',
              `include '${name}' is neither a flag (${INCLUDE_FLAGS.join(', ')}) nor a relationship of ${resource.type}${rels.length ? ` (${rels.join(', ')})` : ''}`,
              p.key,
            );
          }
        }
        break;
      case 'count': {
        once(seen, p);
        const v = p.value.trim().toLowerCase();
        if (p.path.length || (v !== 'exact' && v !== 'estimated' && v !== 'none')) {
          throw new QueryValidationError('invalid_count', `${p.key}='${p.value}': count takes exact, estimated or none`, p.key);
        }
        q.count = v;
        break;
      }
      case 'group': {
        once(seen, p);
        if (p.path.length !== 1 || p.path[0] !== 'granularity') throw new QueryParseError('unknown_parameter', `${p.key}: only group[granularity] is supported`, p.key);
        const keys = Object.keys(resource.granularity);
        if (!keys.includes(p.value)) {
          throw new QueryValidationError(
            'invalid_granularity',
            keys.length ? `${p.key}='${p.value}': ${resource.type} can be grouped by ${keys.join(', ')}` : `${resource.type} cannot be grouped`,
            p.key,
          );
        }
        q.granularity = p.value;
        break;
      }
      default:
        if (options.extraParams?.includes(p.name)) break;
        throw new QueryParseError(
          'unknown_parameter',
          `unknown query parameter '${p.key}' (known: filter, fields, sort, page, include, group, count${options.extraParams?.length ? ', ' + options.extraParams.join(', ') : ''})`,
          p.key,
        );
    }
  }
  if (q.page.cursor !== undefined && seen.has('page.offset') && q.page.offset !== 0) {
    throw new QueryValidationError('cursor_and_offset', 'page[cursor] and page[offset] cannot be combined', 'page[cursor]');
  }
  if (q.granularity && q.include.relationships.length) {
    throw new QueryValidationError('include_with_group', `include=${q.include.relationships.join(',')} cannot be combined with group[granularity] (grouped rows have no relationships)`, 'include');
  }
  q.sort = parseSort(sort, resource, q.granularity);
  q.canonical = canonicalParams(params, q.filters);
  return q;
}

function parseFilter(p: RawParam, resource: ResourceDef): Filter {
  let attr: string;
  let opName = 'EQ';
  const [a, b, c] = p.path;
  if (p.path.length === 1) attr = a;
  else if (p.path.length === 2) {
    if (lookupOperator(b)) [attr, opName] = [a, b];
    else if (a === resource.type) attr = b;
    else throw new QueryValidationError('unknown_operator', `${p.key}: unknown operator '${b}' (use ${FILTER_OP_NAMES.join(', ')})`, p.key);
  } else if (p.path.length === 3) {
    if (a !== resource.type) throw new QueryValidationError('unknown_attribute', `${p.key}: filters here apply to type ${resource.type}, not '${a}'`, p.key);
    [attr, opName] = [b, c];
  } else throw new QueryParseError('malformed_parameter', `${p.key}: expected filter[attribute][OP]=value`, p.key);

  const attribute = scalarAttribute(resource, attr);
  if (!attribute) {
    const detail = resource.byName.has(attr)
      ? `'${attr}' is an object attribute: filter one of its members, e.g. ${attr}.${(resource.byName.get(attr) as { members: { name: string }[] }).members[0].name.split('.').pop()}`
      : `'${attr}' is not an attribute of ${resource.type}`;
    throw new QueryValidationError('unknown_attribute', `${p.key}: ${detail}`, p.key);
  }
  if (!attribute.searchable) throw new QueryValidationError('not_searchable', `${p.key}: '${attr}' is not searchable`, p.key);
  const operator = lookupOperator(opName);
  if (!operator) throw new QueryValidationError('unknown_operator', `${p.key}: unknown operator '${opName}' (use ${FILTER_OP_NAMES.join(', ')})`, p.key);
  if (!operator.types.includes(attribute.type)) {
    throw new QueryValidationError('operator_not_applicable', `${p.key}: ${operator.op} does not apply to ${attribute.type} attribute '${attr}'`, p.key);
  }
  let value: FilterValue;
  try {
    value = operator.op === 'LIKE' || operator.op === 'CT' ? p.value : parseFilterValue(attribute.type, p.value);
  } catch (e) {
    if (e instanceof ValueError) throw new QueryValidationError('invalid_value', `${p.key}: ${e.message} (attribute '${attr}' is ${attribute.type})`, p.key);
    throw e;
  }
  if (value === null && !operator.acceptsNull) throw new QueryValidationError('invalid_value', `${p.key}: ${operator.op} cannot compare with null`, p.key);
  const f: Filter = { attribute: attr, op: operator.op, value, parameter: p.key };
  // EQ only: scripts send range bounds of -1 meaning "from the start" (RateMon's default minLS=-1
  // in filter[first_lumisection_number][GE]=-1), which OMS answers as plain comparisons
  if (attribute.latestAlias && value === -1 && operator.op === 'EQ') f.latest = true;
  return f;
}

function parseSort(p: RawParam | undefined, resource: ResourceDef, granularity?: string): { attribute: string; desc: boolean }[] {
  const names = p ? list(p) : granularity ? resource.granularity[granularity].groupBy : resource.defaultSort;
  const out = names.map((n) => {
    const desc = n.startsWith('-');
    const attribute = desc ? n.slice(1) : n.replace(/^\+/, '');
    const a = scalarAttribute(resource, attribute);
    if (!a) throw new QueryValidationError('unknown_attribute', `sort: '${attribute}' is not a scalar attribute of ${resource.type}`, 'sort');
    if (!a.sortable) throw new QueryValidationError('not_sortable', `sort: '${attribute}' is not sortable`, 'sort');
    return { attribute, desc };
  });
  return out;
}

/** The columns a row is identified by: the granularity keys when grouped, else the resource id. */
export function identityOf(resource: ResourceDef, q: Pick<ResourceQuery, 'granularity'>): string[] {
  return q.granularity ? resource.granularity[q.granularity].keys : resource.id;
}

/** Sort + a unique key, without repeats: a total order for stable paging and keyset cursors. */
export function totalOrder(resource: ResourceDef, q: ResourceQuery): { attribute: string; desc: boolean }[] {
  const out = [...q.sort];
  const unique = q.granularity ? resource.granularity[q.granularity].groupBy : resource.uniqueKey;
  for (const id of unique) if (!out.some((s) => s.attribute === id)) out.push({ attribute: id, desc: false });
  return out;
}
