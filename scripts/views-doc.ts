// Regenerates docs/views.md from the views' columns (read from a database that has them) and the
// resource files: each column's type, unit and notes come from the attribute (or object member)
// it backs, so the doc cannot drift from what the API serves; a column no attribute declares is an
// error.  Usage: npx tsx scripts/views-doc.ts [sqlite-file]
import fs from 'node:fs';
import { openDb } from '../src/db/connection.js';
import { viewSources } from '../src/db/ddl.js';
import { loadResources } from '../src/resources/loader.js';
import type { ColumnAttribute } from '../src/jsonapi/resource.js';

const s = await openDb(`sqlite:${process.argv[2] ?? 'test-output/demo.sqlite'}`, { readonly: true });
const resources = loadResources();
const sentence = (t: string) => t;
const out: string[] = [
  '# Views',
  '',
  'Generated from the view definitions (`views/`) and the resource files (`resources/`) by `npx tsx scripts/views-doc.ts`.',
  'One view per resource, named `v_<resource>`; a column backs the attribute of the same name, or the member `<object>.<member>` of an OMS nested attribute (column `<object>_<member>`); aliases (other attribute names for the same column) are noted. Types are API types (`datetime`: SQLite TEXT `YYYY-MM-DDTHH:MM:SSZ`, PostgreSQL `timestamp` UTC; `boolean`: SQLite 0/1; `array`: comma-separated TEXT).',
  'Units use the OMS spelling; `—` means none (identifiers, indices, text). Rates are counters / 23.31 s (one lumisection).',
  '',
];
for (const v of viewSources('sqlite')) {
  const cols = (await s.knex.raw(`PRAGMA table_info(${v.name})`)) as { name: string }[];
  const comment = fs
    .readFileSync(v.file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('--'))
    .map((l) => l.slice(2).trim())
    .join(' ');
  const resource = resources.get(v.resource);
  out.push(`## ${v.name} (resource \`${v.resource}\`)`, '', comment, '', `Source: \`${v.file.replace(/.*\/views\//, 'views/')}\``, '', '| column | type | unit | notes |', '|---|---|---|---|');
  for (const { name } of cols) {
    const backs: ColumnAttribute[] = resource?.columns.filter((c) => c.column === name) ?? [];
    let type: string, unit: string | null | undefined, note: string;
    if (backs.length) {
      // the attribute named like the column (or the object member) first, aliases after
      const main = backs.find((b) => b.name === name || b.name.replace('.', '_') === name) ?? backs[0];
      type = main.type;
      unit = main.unit;
      const aliases = backs.filter((b) => b !== main).map((b) => `\`${b.name}\``);
      note = [main.name !== name ? `attribute \`${main.name}\`` : '', aliases.length ? `alias ${aliases.join(', ')}` : '', sentence(main.description)].filter(Boolean).join('; ');
    } else {
      // every column a view selects must be declared (type, unit, title) by its resource file
      throw new Error(`${v.name}.${name}: no attribute of resources/${v.resource}.yaml backs this column (declare it, or drop it from the view)`);
    }
    const u = type === 'integer' || type === 'number' ? (unit === null || unit === undefined ? '— (id/index)' : `\`${unit}\``) : '';
    out.push(`| ${name} | ${type} | ${u} | ${note.replace(/\|/g, '\\|')} |`);
  }
  out.push('');
}
fs.writeFileSync('docs/views.md', out.join('\n') + '\n');
console.log('wrote docs/views.md');
await s.close();
