// The OpenAPI document of the whole app (resources + probes), built without a real database:
// route registration needs none, so an empty in-memory SQLite stands in.
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { openDb } from '../db/connection.js';
import { defaultPlugins } from './plugins.js';

export async function buildOpenApiDocument(env: Record<string, string | undefined> = {}): Promise<Record<string, unknown>> {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env });
  const db = await openDb('sqlite::memory:');
  const app = await buildApp(config, { db, plugins: await defaultPlugins(), logger: false });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
    await db.close();
  }
}
