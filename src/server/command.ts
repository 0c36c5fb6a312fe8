// omsagg serve: the read-only server. Opens OMSAGG_DB read-only (or the embedded demo SQLite,
// created and seeded on first start), builds the app, listens, and shuts down cleanly on
// SIGINT/SIGTERM.
import path from 'node:path';
import { buildApp } from '../app.js';
import { ConfigError, CONFIG_HELP, DEFAULT_DB_URL, loadConfig } from '../config.js';
import { DbConfigError, openDb, redact } from '../db/connection.js';
import { ResourceFileError } from '../resources/loader.js';
import { defaultPlugins } from './plugins.js';

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

  return new Promise<number>((resolve) => {
    let closing = false;
    const stop = (signal: string) => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, 'shutting down');
      const force = setTimeout(() => resolve(1), 10_000);
      force.unref();
      app
        .close()
        .then(() => db.close())
        .then(
          () => resolve(0),
          (err) => {
            app.log.error({ err }, 'shutdown failed');
            resolve(1);
          },
        );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
