// The base of every error a client may see: an HTTP status, a stable code, a title and a detail
// that never carries internals (SQL text, file paths, stack traces). Each stage of the read path
// has its own subclasses (query parsing in src/jsonapi/errors.ts, the database in src/db/errors.ts);
// one handler in src/app.ts turns any of them into a JSON:API error document.

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
  /** seconds after which a retry may succeed (sent as Retry-After) */
  retryAfter?: number;

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
