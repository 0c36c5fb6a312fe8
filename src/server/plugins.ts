// The plugins `omsagg serve` and `omsagg openapi` add to buildApp: one place to list them.
// Each is a Fastify plugin taking AppPluginOptions (config, db, resources, prefixes).
import type { AppPlugin } from '../app.js';
import { probesPlugin } from '../probes/plugin.js';

// Optional plugins owned by other concerns that may not exist in every checkout yet; a missing
// module is skipped, any other failure to load is an error.
const OPTIONAL = ['../web/plugin.js'];

export async function defaultPlugins(): Promise<AppPlugin[]> {
  const plugins: AppPlugin[] = [probesPlugin as unknown as AppPlugin];
  for (const spec of OPTIONAL) {
    try {
      const mod = (await import(spec)) as Record<string, unknown>;
      const plugin = (mod.default ?? Object.values(mod).find((v) => typeof v === 'function')) as AppPlugin | undefined;
      if (plugin) plugins.push(plugin);
    } catch (err) {
      const e = err as { code?: string; message?: string };
      if (e.code === 'ERR_MODULE_NOT_FOUND' && e.message?.includes(spec.replace('../', '').replace('.js', ''))) continue;
      throw err;
    }
  }
  return plugins;
}
