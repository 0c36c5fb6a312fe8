// Database failures as the client sees them, classified in this one place for the resource routes,
// the probes and every other reader: 503 when waiting may help (unreachable, timed out, busy), 500
// when the schema does not match the server. Details never carry SQL text.
import { ApiError } from '../shared/api-error.js';

export class DatabaseError extends ApiError {
  constructor(detail: string, status = 503, code = 'database_unavailable') {
    super(status, code, status === 503 ? 'Database unavailable' : 'Database error', detail);
    if (status === 503) this.retryAfter = 5;
  }
}

export class DatabaseUnavailableError extends DatabaseError {
  constructor(detail = 'the database is unavailable or failed to answer; try again later') {
    super(detail, 503, 'database_unavailable');
  }
}

export class StatementTimeoutError extends DatabaseError {
  constructor(readonly timeoutMs?: number) {
    super(`the query exceeded the statement time limit${timeoutMs ? ` of ${timeoutMs} ms` : ''}; narrow the filters or page with page[cursor]`, 503, 'statement_timeout');
  }
}

/** Every reader is busy and the wait queue is full. */
export class ReaderBusyError extends DatabaseError {
  constructor() {
    super('the server is busy: every database reader is in use and the queue is full; try again shortly', 503, 'server_busy');
    this.retryAfter = 1;
  }
}

export class SchemaMismatchError extends DatabaseError {
  constructor() {
    super('a view this resource reads is missing from the database or lacks a column: the schema is older than the server (re-create the views, e.g. omsagg seed)', 500, 'schema_mismatch');
    this.retryAfter = undefined;
  }
}

/** The database refused a value of the query for its column (PostgreSQL class 22, e.g. a number
 *  past the range of an integer column): the request, not the database, is at fault. */
export class ValueOutOfRangeError extends ApiError {
  constructor() {
    super(400, 'value_out_of_range', 'Invalid query parameter', 'a value in the query is outside the range or format of the database column it is compared with');
  }
}

/** Any error thrown while reading → an ApiError fit for the client (ApiErrors pass through). */
export function classifyDbError(err: unknown, ctx: { timeoutMs?: number } = {}): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { code?: string | number; message?: string; errno?: number };
  const code = String(e.code ?? '');
  const message = String(e.message ?? '');
  if (code === '42P01' || code === '42703' || /no such table|no such column|ORA-00942|ORA-00904/i.test(message)) return new SchemaMismatchError();
  if (/^22[0-9A-Z]{3}$/.test(code) || /ORA-01426|ORA-01438|ORA-01841/.test(message)) return new ValueOutOfRangeError();
  if (code === '57014' || /statement timeout|ORA-01013|NJS-123|DPI-1067/i.test(message)) return new StatementTimeoutError(ctx.timeoutMs);
  return new DatabaseUnavailableError();
}
