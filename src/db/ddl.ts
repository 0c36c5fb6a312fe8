// Renders and reads the committed DDL files (sql/<dialect>/tables.sql) and the view files (views/).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileOnlyKnex, type Dialect } from './connection.js';
import { TABLES, tableDdl } from './tables.js';

/** The project root: the nearest ancestor of this module holding package.json (works from src/ and dist/). */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'views'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`omsagg: cannot find the project root (package.json + views/) above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

const HEADER = (dialect: Dialect) => `-- omsagg base tables for ${dialect}. GENERATED from src/db/tables.ts by \`npx tsx scripts/ddl.ts\`; do not edit.\n`;

/** The text of sql/<dialect>/tables.sql: one statement per block, each ending with ';'. */
export function renderTablesSql(dialect: Dialect): string {
  const knex = compileOnlyKnex(dialect);
  const blocks = TABLES.map((t) =>
    tableDdl(knex, t, dialect)
      .map((s) => `${s};`)
      .join('\n'),
  );
  return `${HEADER(dialect)}\n${blocks.join('\n\n')}\n`;
}

export function tablesSqlPath(dialect: Dialect): string {
  return path.join(projectRoot(), 'sql', dialect, 'tables.sql');
}

/** Splits a SQL file into statements: strips `--` comment lines, splits on ';' at line end. */
export function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((l) => !/^\s*--/.test(l))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export interface ViewSource {
  resource: string;
  name: string;
  file: string;
  /** the SELECT (without CREATE VIEW), trailing ';' removed */
  select: string;
}

/** Every view for a dialect: views/<resource>.sql, or views/<dialect>/<resource>.sql where it exists. */
export function viewSources(dialect: Dialect): ViewSource[] {
  const dir = path.join(projectRoot(), 'views');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  return files.map((f) => {
    const resource = f.slice(0, -4);
    const override = path.join(dir, dialect, f);
    const file = fs.existsSync(override) ? override : path.join(dir, f);
    const text = fs.readFileSync(file, 'utf8');
    const select = text
      .split('\n')
      .filter((l) => !/^\s*--/.test(l))
      .join('\n')
      .trim()
      .replace(/;\s*$/, '');
    if (/;/.test(select)) throw new Error(`${file}: a view file holds one SELECT statement (found ';' inside)`);
    if (!/^select\b/i.test(select) && !/^with\b/i.test(select)) throw new Error(`${file}: a view file must be a SELECT`);
    return { resource, name: `v_${resource}`, file, select };
  });
}
