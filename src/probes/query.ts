// OMS query strings for ctx.read, built from parts so every probe encodes values the same way and
// the recorded source URLs stay readable (brackets, commas and colons left as they are).
import type { FilterOp } from '../jsonapi/filters.js';

/** `[attribute, op, value]`; a null value is `None` (EQ → IS NULL, NEQ → IS NOT NULL). */
export type Filter = [attribute: string, op: FilterOp, value: string | number | boolean | null];

export interface QueryParts {
  filters?: Filter[];
  /** attributes to return (object attributes come back as `obj.member` keys) */
  fields?: string[];
  /** `a`, `-b` (descending) */
  sort?: string[];
  /** page[limit]: at most this many rows (without it, every matching row) */
  limit?: number;
  granularity?: 'lumisection' | 'run' | 'fill';
}

function encodeValue(v: Filter[2]): string {
  if (v === null) return 'None';
  return encodeURIComponent(String(v)).replace(/%3A/gi, ':');
}

export function omsQuery(parts: QueryParts): string {
  const out: string[] = [];
  for (const [attribute, op, value] of parts.filters ?? []) out.push(`filter[${attribute}][${op}]=${encodeValue(value)}`);
  if (parts.granularity) out.push(`group[granularity]=${parts.granularity}`);
  if (parts.fields?.length) out.push(`fields=${parts.fields.join(',')}`);
  if (parts.sort?.length) out.push(`sort=${parts.sort.join(',')}`);
  if (parts.limit !== undefined) out.push(`page[limit]=${parts.limit}`);
  return out.join('&');
}
