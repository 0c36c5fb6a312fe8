// openapi.yaml is generated (omsagg openapi --out openapi.yaml) and committed: fail when stale;
// the document must validate with swagger-parser; it is served at /api/v1/openapi.json and /docs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import SwaggerParser from '@apidevtools/swagger-parser';
import { buildOpenApiDocument } from '../../src/server/openapi-document.js';
import { renderOpenApi } from '../../src/server/openapi-command.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDb } from '../../src/db/connection.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('OpenAPI', () => {
  it('openapi.yaml is up to date (regenerate: npm run openapi)', async () => {
    const doc = await buildOpenApiDocument();
    const committed = fs.readFileSync(path.join(root, 'openapi.yaml'), 'utf8');
    expect(renderOpenApi(doc, 'openapi.yaml') === committed, 'openapi.yaml is stale: run `npm run build && npm run openapi` (or npx tsx src/server/openapi-command.ts)').toBe(true);
  });

  it('validates and documents every resource with its filters', async () => {
    const doc = (await buildOpenApiDocument()) as any;
    await SwaggerParser.validate(structuredClone(doc));
    const runs = doc.paths['/api/v1/runs'].get;
    const names = runs.parameters.map((p: any) => p.name);
    expect(names).toEqual(expect.arrayContaining(['filter[run_number]', 'fields', 'sort', 'page[offset]', 'page[limit]', 'include']));
    expect(doc.paths['/api/v1/lumisections'].get.parameters.find((p: any) => p.name === 'group[granularity]').schema.enum).toEqual(['lumisection', 'run', 'fill']);
    expect(doc.paths['/agg/api/v1/runs']).toBeUndefined(); // aliases are not repeated
    for (const t of ['fills', 'runs', 'lumisections', 'hltpathrates', 'pixelcurrents', 'fedchannels']) expect(doc.paths[`/api/v1/${t}/{id}`], t).toBeDefined();
  });

  it('is served at /api/v1/openapi.json and browsable at /docs', async () => {
    const db = await openDb('sqlite::memory:');
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), { db, logger: false });
    const json = await app.inject('/api/v1/openapi.json');
    expect(json.statusCode).toBe(200);
    expect(json.json().openapi).toBe('3.1.0');
    const docs = await app.inject('/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
    await app.close();
    await db.close();
  });
});
