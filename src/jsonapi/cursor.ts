// Keyset cursors: the values of the total order (sort + identity) of the last row of a page,
// as base64url JSON. Opaque to clients; decoding failures are 400s.
import { QueryParseError } from './errors.js';

export function encodeCursor(values: unknown[]): string {
  const plain = values.map((v) => (v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? Number(v) : (v ?? null)));
  return Buffer.from(JSON.stringify(plain), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, expectedLength: number): unknown[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new QueryParseError('invalid_cursor', 'page[cursor] is not a cursor issued by this server', 'page[cursor]');
  }
  if (!Array.isArray(values) || values.length !== expectedLength || values.some((v) => v !== null && typeof v === 'object')) {
    throw new QueryParseError('invalid_cursor', 'page[cursor] does not match this query (was the sort changed?)', 'page[cursor]');
  }
  return values;
}
