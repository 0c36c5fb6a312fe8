// JSON:API error objects. Every stage of the request pipeline throws a subclass of ApiError;
// one Fastify error handler turns it into {"errors":[...]} with the right status.

import { ApiError, type ErrorObject } from '../shared/api-error.js';

export { ApiError, type ErrorObject } from '../shared/api-error.js';
export { DatabaseError } from '../db/errors.js';

/** The query string could not be parsed (malformed brackets, bad number, bad datetime…). */
export class QueryParseError extends ApiError {
  constructor(code: string, detail: string, parameter?: string) {
    super(400, code, 'Invalid query parameter', detail, parameter);
  }
}

/** The query parsed but names something the resource does not have, or a value of the wrong type. */
export class QueryValidationError extends ApiError {
  constructor(code: string, detail: string, parameter?: string) {
    super(400, code, 'Invalid query parameter', detail, parameter);
  }
}

export class NotFoundError extends ApiError {
  constructor(detail: string, code = 'not_found') {
    super(404, code, 'Not found', detail);
  }
}

export class NotAcceptableError extends ApiError {
  constructor(detail: string) {
    super(406, 'not_acceptable', 'Not acceptable', detail);
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  constructor(detail: string) {
    super(415, 'unsupported_media_type', 'Unsupported media type', detail);
  }
}

export class MethodNotAllowedError extends ApiError {
  constructor(detail: string) {
    super(405, 'method_not_allowed', 'Method not allowed', detail);
  }
}

export function errorDocument(errors: ApiError[]): { errors: ErrorObject[] } {
  return { errors: errors.map((e) => e.toObject()) };
}

export const JSONAPI_MEDIA_TYPE = 'application/vnd.api+json';
