// The read engine over a test database, configured as buildApp configures it: probes read through it.
import type { Db } from '../../src/db/connection.js';
import { ReadEngine } from '../../src/jsonapi/engine.js';
import { loadResources } from '../../src/resources/loader.js';

export function engineFor(db: Db): ReadEngine {
  return new ReadEngine(db, loadResources(), { defaultPageLimit: 100, maxPageLimit: 100_000, statementTimeoutMs: 30_000 });
}
