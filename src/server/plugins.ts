// The plugins `omsagg serve` and `omsagg openapi` add to buildApp: one place to list them.
// Each is a Fastify plugin taking AppPluginOptions (config, db, resources, prefixes).
import type { AppPlugin } from '../app.js';
import { probesPlugin } from '../probes/plugin.js';
import { webPlugin } from '../web/plugin.js';
import { reportsPlugin } from '../reports/plugin.js';

export async function defaultPlugins(): Promise<AppPlugin[]> {
  return [probesPlugin, webPlugin, reportsPlugin];
}
