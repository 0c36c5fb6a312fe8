// Loads resources/*.yaml, validates each against src/resources/schema.json and the cross-reference
// rules of normaliseResource(), and stops with a message naming the file and the field.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import YAML from 'yaml';
import { normaliseResource, ResourceDefinitionError, type ResourceDef, type ResourceFile } from '../jsonapi/resource.js';

type AjvCtor = new (opts: object) => { compile(schema: object): ValidateFunction };
const Ajv = ((AjvModule as unknown as { default?: AjvCtor }).default ?? AjvModule) as unknown as AjvCtor;
const here = path.dirname(fileURLToPath(import.meta.url));

/** The project's resources/ directory (works from src/ under tsx and from dist/ when built). */
export function defaultResourcesDir(): string {
  for (const up of ['../..', '../../..']) {
    const dir = path.resolve(here, up, 'resources');
    if (fs.existsSync(dir)) return dir;
  }
  return path.resolve(process.cwd(), 'resources');
}

function loadSchema(): object {
  for (const p of [path.join(here, 'schema.json'), path.resolve(here, '../../src/resources/schema.json')]) {
    if (fs.existsSync(p)) return JSON.parse(fs.readFileSync(p, 'utf8'));
  }
  throw new Error('src/resources/schema.json not found');
}

export class ResourceFileError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`resource file ${file}: ${field ? `field '${field}'` : 'document'}: ${detail}`);
  }
}

let validateFn: ValidateFunction | undefined;
function validator() {
  validateFn ??= new Ajv({ allErrors: false, strict: false }).compile(loadSchema());
  return validateFn;
}

function fieldOf(e: ErrorObject): string {
  const base = e.instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
  if (e.keyword === 'required') return [base, (e.params as { missingProperty: string }).missingProperty].filter(Boolean).join('.');
  if (e.keyword === 'additionalProperties') return [base, (e.params as { additionalProperty: string }).additionalProperty].filter(Boolean).join('.');
  return base;
}

/** Validates one parsed resource document; `file` is used in messages only. */
export function validateResourceDocument(doc: unknown, file: string): ResourceDef {
  const validate = validator();
  if (!validate(doc)) {
    const e = validate.errors![0];
    let detail = e.message ?? 'invalid';
    if (e.keyword === 'additionalProperties') detail = 'is not a known field';
    if (e.keyword === 'enum') detail += ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})`;
    throw new ResourceFileError(file, fieldOf(e), detail);
  }
  try {
    return normaliseResource(doc as ResourceFile, file);
  } catch (err) {
    if (err instanceof ResourceDefinitionError) throw new ResourceFileError(file, err.field, err.message.slice(err.source.length + err.field.length + 4));
    throw err;
  }
}

export function loadResourceFile(file: string): ResourceDef {
  const name = path.basename(file);
  let doc: unknown;
  try {
    doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ResourceFileError(name, '', `not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const def = validateResourceDocument(doc, name);
  if (path.basename(file).replace(/\.ya?ml$/, '') !== def.type) throw new ResourceFileError(name, 'type', `'${def.type}' must match the file name`);
  return def;
}

export interface ResourceRegistry {
  all: ResourceDef[];
  get(type: string): ResourceDef | undefined;
}

/** Loads every resources/*.yaml; relationships must point at loaded types. */
export function loadResources(dir = defaultResourcesDir()): ResourceRegistry {
  if (!fs.existsSync(dir)) throw new Error(`resources directory ${dir} does not exist`);
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const all = files.map((f) => loadResourceFile(path.join(dir, f)));
  return registryOf(all, dir);
}

export function registryOf(all: ResourceDef[], where = 'resources'): ResourceRegistry {
  const byType = new Map<string, ResourceDef>();
  for (const r of all) {
    if (byType.has(r.type)) throw new ResourceFileError(r.source, 'type', `type '${r.type}' is defined twice in ${where}`);
    byType.set(r.type, r);
  }
  for (const r of all) {
    for (const rel of r.relationships) {
      const target = byType.get(rel.type);
      if (!target) throw new ResourceFileError(r.source, `relationships.${rel.name}.type`, `unknown resource type '${rel.type}'`);
      for (const [local, remote] of Object.entries(rel.keys)) {
        const ta = target.byName.get(remote);
        if (!ta || ta.kind !== 'column') throw new ResourceFileError(r.source, `relationships.${rel.name}.keys.${local}`, `'${remote}' is not a scalar attribute of ${rel.type}`);
      }
    }
  }
  return { all, get: (t) => byType.get(t) };
}
