// Finds every probe in src/probes/catalog/ (one file each, default export): no list to edit.
// A probe's id must equal its file name, so /probes/{id} and the file are easy to match up.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { paramValidator } from './params.js';
import type { Probe } from './types.js';

export const CATALOG_DIR = fileURLToPath(new URL('./catalog/', import.meta.url));

export class ProbeDefinitionError extends Error {}

function probeFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /\.(ts|js|mjs)$/.test(f) && !f.endsWith('.d.ts') && !f.includes('.test.'))
    .sort();
}

function check(p: unknown, file: string): Probe {
  const probe = p as Probe;
  const id = path.basename(file).replace(/\.(ts|js|mjs)$/, '');
  const fail = (msg: string) => {
    throw new ProbeDefinitionError(`probe file ${file}: ${msg}`);
  };
  if (!probe || typeof probe !== 'object') fail('has no default export (export default defineProbe({...}))');
  if (probe.id !== id) fail(`id '${probe.id}' must equal the file name '${id}'`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(probe.id)) fail(`id '${probe.id}' must be lower-case letters, digits and dashes`);
  if (!probe.title || !probe.description) fail('needs a title and a description');
  if (typeof probe.run !== 'function') fail('needs run(ctx, params)');
  if (probe.defaults !== undefined && typeof probe.defaults !== 'function') fail('defaults must be a function defaults(ctx, given)');
  if (probe.params?.type !== 'object' || probe.params.additionalProperties !== false) fail('params must be an object schema with additionalProperties: false');
  for (const [name, prop] of Object.entries(probe.params.properties)) {
    if (!prop.title || !prop.description) fail(`parameter ${name} needs a title and a description`);
    if ((prop.type === 'number' || prop.type === 'integer') && prop.unit === undefined) fail(`numeric parameter ${name} needs a unit (null for identifiers)`);
  }
  if (probe.needs !== undefined && (!Array.isArray(probe.needs) || probe.needs.some((n) => n !== 'anomaly_scores'))) fail("needs must list what the probe needs: 'anomaly_scores'");
  if (probe.seriesParam !== undefined && probe.params.properties[probe.seriesParam]?.type !== 'array') fail(`seriesParam '${probe.seriesParam}' must name an array parameter`);
  try {
    paramValidator(probe);
  } catch (err) {
    fail(`parameter schema does not compile: ${(err as Error).message}`);
  }
  return probe;
}

export interface ProbeRegistry {
  list(): Probe[];
  get(id: string): Probe | undefined;
}

/** Loads and checks every probe file; throws ProbeDefinitionError naming the bad file. */
export async function loadProbes(dir = CATALOG_DIR): Promise<ProbeRegistry> {
  const probes = new Map<string, Probe>();
  for (const f of probeFiles(dir)) {
    const full = path.join(dir, f);
    const mod = (await import(pathToFileURL(full).href)) as { default?: unknown };
    const probe = check(mod.default, full);
    if (probes.has(probe.id)) throw new ProbeDefinitionError(`probe id '${probe.id}' defined twice (${full})`);
    probes.set(probe.id, probe);
  }
  return { list: () => [...probes.values()], get: (id) => probes.get(id) };
}
