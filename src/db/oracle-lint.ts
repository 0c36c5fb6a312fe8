// A lint for SQL meant to run unchanged on Oracle (the views): the constructs SQLite and PostgreSQL
// accept but Oracle rejects. No Oracle server exists here, so this and knex's Oracle compiler are
// the checks we have.
export interface LintProblem {
  rule: string;
  detail: string;
}

const SQLITE_OR_PG_ONLY = ['julianday', 'strftime', 'ifnull', 'datetime', 'ilike', 'date_trunc', 'now', 'group_concat', 'string_agg', 'extract\\s*\\(\\s*epoch'];

export function lintOracleSql(sql: string): LintProblem[] {
  const problems: LintProblem[] = [];
  const code = sql
    .split('\n')
    .map((l) => l.replace(/--.*$/, ''))
    .join('\n')
    .replace(/'(?:[^']|'')*'/g, "''"); // string literals cannot trigger rules
  const add = (rule: string, detail: string) => problems.push({ rule, detail });
  if (/\blimit\b/i.test(code)) add('no-limit', 'LIMIT does not exist in Oracle (use FETCH FIRST in dialect overrides)');
  if (/\boffset\b/i.test(code)) add('no-offset', 'OFFSET without ROWS/FETCH is not Oracle SQL');
  if (/\b(true|false)\b/i.test(code)) add('no-boolean-literal', 'Oracle SQL has no TRUE/FALSE literals (use 1/0)');
  const alias = /\b(from|join)\s+[A-Za-z_][\w.]*\s+as\s+[A-Za-z_]\w*/i.exec(code);
  if (alias) add('no-as-table-alias', `Oracle rejects AS before a table alias: '${alias[0]}'`);
  if (/::/.test(code)) add('no-pg-cast', 'PostgreSQL :: casts (use CAST(x AS type))');
  if (/`/.test(code)) add('no-backtick', 'backtick-quoted identifiers');
  if (/"/.test(code)) add('no-quoted-identifier', 'quoted identifiers are case-sensitive in Oracle; write them unquoted');
  for (const fn of SQLITE_OR_PG_ONLY) {
    if (new RegExp(`\\b${fn}\\b`, 'i').test(code)) add('no-dialect-function', `${fn.replace(/\\\\s\*|\\\\/g, '')} is not Oracle SQL`);
  }
  for (const id of code.match(/[A-Za-z_][A-Za-z0-9_$#]*/g) ?? []) {
    if (id.length > 128) add('identifier-length', `identifier longer than 128 characters: ${id.slice(0, 40)}…`);
  }
  if (/;\s*\S/.test(code)) add('single-statement', 'one statement per view file');
  return problems;
}
