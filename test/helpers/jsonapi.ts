// Validates response bodies against the official JSON:API 1.1 response schema
// (/work/shared/jsonapi/schema-1.1.json, copied path configurable with JSONAPI_SCHEMA).
// Usage in any test:  import { expectValidJsonApi } from '../helpers/jsonapi.js';  expectValidJsonApi(body);
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

const Ajv2020 = (Ajv2020Module as unknown as { default?: typeof Ajv2020Module }).default ?? Ajv2020Module;
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

const here = path.dirname(fileURLToPath(import.meta.url));
// the official JSON:API 1.1 response schema (jsonapi.org, CC0), kept beside this helper
const candidates = [process.env.JSONAPI_SCHEMA, path.join(here, 'jsonapi-schema-1.1.json')].filter((p): p is string => !!p);

let validate: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (validate) return validate;
  const file = candidates.find((p) => fs.existsSync(p));
  if (!file) throw new Error(`JSON:API schema not found; looked in ${candidates.join(', ')} (set JSONAPI_SCHEMA)`);
  const ajv = new (Ajv2020 as unknown as new (o: object) => import('ajv').default)({ allErrors: true });
  (addFormats as unknown as (a: unknown) => void)(ajv);
  validate = ajv.compile(JSON.parse(fs.readFileSync(file, 'utf8')));
  return validate;
}

/** Returns the list of schema violations (empty when the document is valid JSON:API 1.1). */
export function jsonApiErrors(body: unknown): string[] {
  const v = validator();
  if (v(body)) return [];
  return (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** Throws (fails the test) with readable messages when `body` is not a valid JSON:API 1.1 document. */
export function expectValidJsonApi(body: unknown): void {
  const errs = jsonApiErrors(body);
  if (errs.length) {
    const snippet = JSON.stringify(body).slice(0, 600);
    throw new Error(`not a valid JSON:API 1.1 document:\n  ${errs.slice(0, 12).join('\n  ')}\nbody: ${snippet}`);
  }
}
