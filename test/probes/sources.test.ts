// A plot's sources are derived from the reads its probe made, never typed by hand. Every probe in
// the registry runs on a scored copy of the demo database with an engine that logs what it served;
// the plot's sources must be exactly the reads that returned rows, in order, and each source URL,
// fetched through the app, must answer 200 with those same rows.
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDb, type Db } from '../../src/db/connection.js';
import type { CatalogRead } from '../../src/jsonapi/engine.js';
import { loadProbes } from '../../src/probes/registry.js';
import { ProbeService } from '../../src/probes/service.js';
import { writableSqliteCopy, type WritableDatabase } from '../helpers/databases.js';
import { engineFor } from './engine.js';

const registry = await loadProbes();
const PREFIX = '/api/v1';

interface Served extends CatalogRead {
  type: string;
}

let w: WritableDatabase;
let db: Db;
let app: FastifyInstance;
let service: ProbeService;
/** every read the engine answered, in the order asked */
const served: Served[] = [];

beforeAll(async () => {
  w = await writableSqliteCopy();
  db = await openDb(w.url);
  const engine = engineFor(db);
  service = new ProbeService({
    read: async (type, query, opts) => {
      const slot = served.push({ type, rows: [], url: '' }) - 1;
      const r = await engine.read(type, query, opts);
      served[slot] = { type, ...r };
      return r;
    },
  });
  // scores for the latest run, a prediction for the first default path of hlt-rates, so the
  // anomaly probe runs and the overlays read what they read on a scored database
  const hlt = await service.resolveParams(registry.get('hlt-rates')!, {});
  const run = hlt.run_number as number;
  const path = (hlt.paths as string[])[0];
  await db.knex('omsagg_anomaly_scores').insert(
    Array.from({ length: 40 }, (_, i) => ({
      run_number: run,
      lumisection_number: i + 1,
      model: 'combined',
      score: i >= 10 && i < 13 ? 0.97 : 0.05,
      threshold: 0.9,
      flag: i >= 10 && i < 13 ? 1 : 0,
      contributors: JSON.stringify([{ name: path, score: 0.5 }]),
      top_contributor: path,
      observed_rate: 20,
      predicted_rate: 20.5,
      scored_at: '2026-01-01T00:00:00Z',
    })),
  );
  app = await buildApp(loadConfig({ OMSAGG_DB: w.url, LOG_LEVEL: 'silent' }), { db, logger: false });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await db?.close();
  await w?.cleanup();
});

/** A JSON:API row's attributes as the engine's rows key them (object members as `obj.member`). */
function flat(attributes: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attributes)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const [m, mv] of Object.entries(v)) out[`${k}.${m}`] = mv;
    else out[k] = v;
  }
  return out;
}

describe('plot sources are the reads the probe made', () => {
  it.each(registry.list().map((p) => p.id))('%s: sources = its reads with rows, and each URL answers with those rows', async (id) => {
    const probe = registry.get(id)!;
    const params = await service.resolveParams(probe, {});
    served.length = 0;
    const plot = await service.plot(probe, params, { apiPrefix: PREFIX });
    const reads = served.filter((r) => r.rows.length > 0);
    expect(reads.length).toBeGreaterThan(0);
    expect(plot.sources.map((s) => ({ resource: s.resource, url: s.url }))).toEqual(reads.map((r) => ({ resource: r.type, url: r.url })));
    for (const [i, source] of plot.sources.entries()) {
      const read = reads[i];
      expect(source.url.startsWith(`${PREFIX}/${source.resource}?`)).toBe(true);
      const res = await app.inject({ method: 'GET', url: source.url });
      expect(res.statusCode, source.url).toBe(200);
      const page = (res.json().data as { attributes: Record<string, unknown> }[]).map((o) => flat(o.attributes));
      expect(page.length).toBeGreaterThan(0);
      expect(page, source.url).toEqual(read.rows.slice(0, page.length));
      // as CSV the URL returns every row (JSON pages them): as many as the read returned, same columns
      const csv = await app.inject({ method: 'GET', url: source.url, headers: { accept: 'text/csv' } });
      expect(csv.statusCode, source.url).toBe(200);
      const records = parse(csv.body, { columns: true }) as Record<string, string>[];
      expect(records.length, source.url).toBe(read.rows.length);
      expect(Object.keys(records[0])).toEqual(Object.keys(read.rows[0]));
    }
  });
});
