// The one way tests build the server: buildApp (never listen unless the test needs a socket) with
// the plugins `omsagg serve` registers, a silent logger and the given database.
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps, type AppPlugin } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Db } from '../../src/db/connection.js';
import { defaultPlugins } from '../../src/server/plugins.js';

export interface TestAppOptions extends Partial<Omit<AppDeps, 'db'>> {
  /** environment-style configuration (as OMSAGG_* variables) */
  env?: Record<string, string>;
  /** plugins instead of serve's (default: serve's: probes, pages, reports) */
  plugins?: AppPlugin[];
}

export async function testApp(db: Db, o: TestAppOptions = {}): Promise<FastifyInstance> {
  const { env, plugins, ...deps } = o;
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', ...env }), { logger: false, ...deps, db, plugins: plugins ?? (await defaultPlugins()) });
  await app.ready();
  return app;
}
