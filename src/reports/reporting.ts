// What a report job works with: the database, the catalog of resources, the validated definitions and
// the probes (shared by omsagg report and omsagg report eval).
import { openDb, type Db } from '../db/connection.js';
import { loadProbes, type ProbeRegistry } from '../probes/registry.js';
import { UsageError } from '../command-line/options.js';
import { openCatalog, type Catalog } from './data.js';
import { defaultDefinitionsDir, loadDefinitions } from './definitions.js';
import type { ReportDefinition } from './types.js';

export interface Reporting {
  db: Db;
  catalog: Catalog;
  definitions: ReportDefinition[];
  probes: ProbeRegistry;
}

/** Opens the database and loads the definitions (validated against the resources and probes). */
export async function openReporting(url: string, opts: { readonly?: boolean; definitionsDir?: string; only?: string[] } = {}): Promise<Reporting> {
  const probes = await loadProbes();
  const db = await openDb(url, { readonly: opts.readonly });
  try {
    const catalog = openCatalog(db);
    let definitions = loadDefinitions(opts.definitionsDir ?? defaultDefinitionsDir(), catalog, probes);
    if (opts.only?.length) {
      const unknown = opts.only.filter((id) => !definitions.some((d) => d.id === id));
      if (unknown.length) throw new UsageError(`--only: no definition ${unknown.join(', ')} (known: ${definitions.map((d) => d.id).join(', ')})`);
      definitions = definitions.filter((d) => opts.only!.includes(d.id));
    }
    return { db, catalog, definitions, probes };
  } catch (err) {
    await db.close();
    throw err;
  }
}
