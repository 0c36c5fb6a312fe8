// omsagg serve: the read-only server. Opens OMSAGG_DB read-only (or the embedded demo SQLite,
// created and seeded on first start), builds the app, listens, and on SIGINT/SIGTERM drains
// (src/server/drain.ts: in-flight requests finish whole, new connections are refused) within
// OMSAGG_SHUTDOWN_TIMEOUT_MS, then closes the database.
import path from 'node:path';
import { buildApp } from '../app.js';
import { ConfigError, CONFIG_HELP, DEFAULT_DB_URL, loadConfig } from '../config.js';
import { DbConfigError, openDb, redact } from '../db/connection.js';
import { ResourceFileError } from '../resources/loader.js';
import { defaultPlugins } from './plugins.js';
import { Drainer } from './drain.js';

const USAGE = `usage: omsagg serve [options]\noptions (flags override the environment):\n${CONFIG_HELP}`;

async function ensureDemo(file: string): Promise<void> {
  // imported lazily: `serve` with OMSAGG_DB set never loads the generator or the scorer
  const { ensureDemoDatabase } = await import('../jobs/ensure-demo.js');
  await ensureDemoDatabase(file, (line) => console.error(`omsagg serve: ${line}`));
  // the demo also shows anomaly scores; scoring is resumable, so a finished file costs one marker read
  const { openDb } = await import('../db/connection.js');
  const { scoreDatabase } = await import('../anomaly/jobs/score.js');
  const db = await openDb(`sqlite:${file}`);
  try {
    // a file made by an older omsagg gets the current tables, indexes, views and summaries
    const { upgradeDatabase } = await import('../jobs/upgrade.js');
    const { loadResources } = await import('../resources/loader.js');
    await upgradeDatabase(db, loadResources().all, (line) => console.error(`omsagg serve: ${line}`));
    const summary = await scoreDatabase(db, { quiet: true });
    if (summary.runs > 0) console.error(`omsagg serve: scored ${summary.lumisections} demo lumisections for anomalies in ${summary.seconds.toFixed(1)} s`);
  } finally {
    await db.close();
  }
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let config;
  try {
    config = loadConfig(process.env, args);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`omsagg serve: ${err.message}`);
      return 2;
    }
    throw err;
  }
  let url = config.dbUrl;
  if (!url) {
    url = DEFAULT_DB_URL;
    await ensureDemo(path.resolve(url.slice('sqlite:'.length)));
  }
  let db;
  try {
    db = await openDb(url, { readonly: true, statementTimeoutMs: config.statementTimeoutMs, poolMax: config.dbPool });
  } catch (err) {
    if (err instanceof DbConfigError) {
      console.error(`omsagg serve: ${err.message}`);
      return 2;
    }
    throw err;
  }
  let app;
  try {
    app = await buildApp(config, { db, plugins: await defaultPlugins() });
  } catch (err) {
    await db.close();
    if (err instanceof ResourceFileError) {
      console.error(`omsagg serve: ${err.message}`);
      return 1;
    }
    throw err;
  }
  app.log.info({ db: redact(url), dialect: db.dialect, prefixes: config.prefixes }, 'omsagg starting (read-only)');
  await app.listen({ port: config.port, host: config.host });

  const drainer = new Drainer(app.server, {
    boundMs: config.shutdownTimeoutMs,
    graceMs: Math.min(1000, config.shutdownTimeoutMs),
    onListenerClosed: () => app.log.info('listener closed: new connections are refused'),
  });

  return new Promise<number>((resolve) => {
    const stop = async (signal: string) => {
      if (drainer.active) return;
      app.log.info({ signal, boundMs: config.shutdownTimeoutMs }, 'shutting down: refusing new connections, finishing the requests in flight');
      const result = await drainer.stop();
      app.log[result.drained ? 'info' : 'warn'](result, result.drained ? 'drained' : 'drain bound reached: connections cut');
      try {
        await app.close();
        await db.close();
        resolve(result.drained ? 0 : 1);
      } catch (err) {
        app.log.error({ err }, 'shutdown failed');
        resolve(1);
      }
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });
}
