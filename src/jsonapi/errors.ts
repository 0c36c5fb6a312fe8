// JSON:API error objects. Every stage of the request pipeline throws a subclass of ApiError;
// one Fastify error handler turns it into {"errors":[...]} with the right status.

export interface ErrorObject {
  status: string;
  code: string;
  title: string;
  detail: string;
  source?: { parameter?: string; pointer?: string; header?: string };
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly parameter?: string;

  constructor(status: number, code: string, title: string, detail: string, parameter?: string) {
    super(detail);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.title = title;
    this.parameter = parameter;
  }

  toObject(): ErrorObject {
    const obj: ErrorObject = { status: String(this.status), code: this.code, title: this.title, detail: this.message };
    if (this.parameter !== undefined) obj.source = { parameter: this.parameter };
    return obj;
  }
}

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

/** The database failed or timed out. The detail never carries SQL text. */
export class DatabaseError extends ApiError {
  constructor(detail: string, status = 503, code = 'database_unavailable') {
    super(status, code, status === 503 ? 'Database unavailable' : 'Database error', detail);
  }
}

export function errorDocument(errors: ApiError[]): { errors: ErrorObject[] } {
  return { errors: errors.map((e) => e.toObject()) };
}

export const JSONAPI_MEDIA_TYPE = 'application/vnd.api+json';
