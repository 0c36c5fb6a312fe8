// Regenerates sql/<dialect>/tables.sql from src/db/tables.ts.  Usage: npx tsx scripts/ddl.ts
import fs from 'node:fs';
import path from 'node:path';
import { renderTablesSql, tablesSqlPath } from '../src/db/ddl.js';

for (const dialect of ['sqlite', 'postgres', 'oracle'] as const) {
  const file = tablesSqlPath(dialect);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, renderTablesSql(dialect));
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
