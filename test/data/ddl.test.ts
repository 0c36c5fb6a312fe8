// The committed DDL and the views, without a database: generated files up to date, Oracle DDL and
// every view compiled by knex's Oracle dialect and passed through the Oracle-compatibility lint.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileOnlyKnex } from '../../src/db/connection.js';
import { renderTablesSql, splitStatements, tablesSqlPath, viewSources } from '../../src/db/ddl.js';
import { lintOracleSql } from '../../src/db/oracle-lint.js';
import { tableStatements } from '../../src/db/schema.js';
import { TABLES } from '../../src/db/tables.js';

const RESOURCES = ['fills', 'runs', 'lumisections', 'l1algorithmtriggers', 'l1triggerrates', 'hltpathinfo', 'hltpathrates', 'deadtimes', 'pixelcurrents', 'maskedrocs', 'federrors', 'fedchannels'];

describe('base tables DDL', () => {
  for (const dialect of ['sqlite', 'postgres', 'oracle'] as const) {
    it(`sql/${dialect}/tables.sql is generated from src/db/tables.ts (run npx tsx scripts/ddl.ts if this fails)`, () => {
      expect(fs.readFileSync(tablesSqlPath(dialect), 'utf8')).toBe(renderTablesSql(dialect));
    });
    it(`sql/${dialect}/tables.sql creates every table of docs/design.md with its primary key`, () => {
      const groups = tableStatements(dialect);
      expect([...groups.keys()].sort()).toEqual(TABLES.map((t) => t.name).sort());
      for (const [table, stmts] of groups) expect(stmts.join('\n'), table).toMatch(/primary key/i);
    });
  }

  it('large count tables are WITHOUT ROWID on SQLite', () => {
    const sql = fs.readFileSync(tablesSqlPath('sqlite'), 'utf8');
    for (const t of ['hlt_path_counts', 'l1_algorithm_counts', 'pixel_readings', 'fed_error_counts']) {
      expect(sql).toMatch(new RegExp(`create table \`${t}\` \\(.*\\) without rowid;`));
    }
  });

  it('Oracle DDL uses Oracle types and identifiers within 128 characters', () => {
    const stmts = splitStatements(fs.readFileSync(tablesSqlPath('oracle'), 'utf8'));
    expect(stmts.length).toBeGreaterThan(TABLES.length);
    for (const s of stmts) {
      expect(s).not.toMatch(/`|\bboolean\b|\bdouble precision\b|\btext\b|\bclob\b|number\(8, 2\)/i);
      for (const id of s.match(/"([^"]+)"/g) ?? []) expect(id.length - 2).toBeLessThanOrEqual(128);
    }
    expect(stmts.join('\n')).toMatch(/binary_double/);
  });
});

// Oracle's reserved words (V$RESERVED_WORDS, reserved = 'Y'): the views use column names unquoted
const ORACLE_RESERVED = new Set(`ACCESS ADD ALL ALTER AND ANY AS ASC AUDIT BETWEEN BY CHAR CHECK CLUSTER COLUMN COMMENT COMPRESS
CONNECT CREATE CURRENT DATE DECIMAL DEFAULT DELETE DESC DISTINCT DROP ELSE EXCLUSIVE EXISTS FILE FLOAT FOR FROM GRANT GROUP
HAVING IDENTIFIED IMMEDIATE IN INCREMENT INDEX INITIAL INSERT INTEGER INTERSECT INTO IS LEVEL LIKE LOCK LONG MAXEXTENTS MINUS
MLSLABEL MODE MODIFY NOAUDIT NOCOMPRESS NOT NOWAIT NULL NUMBER OF OFFLINE ON ONLINE OPTION OR ORDER PCTFREE PRIOR PRIVILEGES
PUBLIC RAW RENAME RESOURCE REVOKE ROW ROWID ROWNUM ROWS SELECT SESSION SET SHARE SIZE SMALLINT START SUCCESSFUL SYNONYM SYSDATE
TABLE THEN TO TRIGGER UID UNION UNIQUE UPDATE USER VALIDATE VALUES VARCHAR VARCHAR2 VIEW WHENEVER WHERE WITH`.split(/\s+/));

describe('names', () => {
  it('no table or column name is an Oracle reserved word (views use them unquoted)', () => {
    for (const t of TABLES) {
      expect(ORACLE_RESERVED.has(t.name.toUpperCase()), t.name).toBe(false);
      for (const c of t.columns) expect(ORACLE_RESERVED.has(c.name.toUpperCase()), `${t.name}.${c.name}`).toBe(false);
    }
  });

  it('no view column alias is an Oracle reserved word', () => {
    for (const v of viewSources('oracle')) {
      for (const m of v.select.matchAll(/\bAS\s+(\w+)/gi)) expect(ORACLE_RESERVED.has(m[1].toUpperCase()), `${v.file}: ${m[1]}`).toBe(false);
    }
  });
});

describe('views', () => {
  it('one view file per resource, each a single SELECT', () => {
    const names = viewSources('sqlite').map((v) => v.resource);
    for (const r of RESOURCES) expect(names).toContain(r);
  });

  for (const dialect of ['sqlite', 'postgres', 'oracle'] as const) {
    it(`every ${dialect} view passes the Oracle-compatibility lint`, () => {
      for (const v of viewSources(dialect)) {
        if (!RESOURCES.includes(v.resource)) continue; // other engineers' views are linted by their tests
        expect(lintOracleSql(v.select), v.file).toEqual([]);
      }
    });
  }

  it('the lint catches what Oracle rejects', () => {
    const rules = (sql: string) => lintOracleSql(sql).map((p) => p.rule);
    expect(rules('SELECT a FROM t LIMIT 5')).toContain('no-limit');
    expect(rules('SELECT a FROM t WHERE b = true')).toContain('no-boolean-literal');
    expect(rules('SELECT x.a FROM t AS x')).toContain('no-as-table-alias');
    expect(rules('SELECT x.a FROM t x JOIN u AS y ON y.a = x.a')).toContain('no-as-table-alias');
    expect(rules(`SELECT a::int FROM t`)).toContain('no-pg-cast');
    expect(rules(`SELECT julianday(a) FROM t`)).toContain('no-dialect-function');
    expect(rules(`SELECT ${'a'.repeat(129)} FROM t`)).toContain('identifier-length');
    expect(rules(`SELECT 'limit true' AS note, a AS b FROM t x`)).toEqual([]);
  });

  it('every view compiles under knex’s Oracle dialect, as CREATE VIEW and inside a paged query', () => {
    const k = compileOnlyKnex('oracle');
    for (const v of viewSources('oracle')) {
      const create = k.raw(`CREATE VIEW ${v.name} AS\n${v.select}`).toSQL();
      expect(create.sql).toContain(v.select);
      const q = k.select('*').from(k.raw(`(${v.select})`)).orderBy('run_number').offset(10).limit(5).toSQL().sql;
      expect(q).toMatch(/rownum/i);
      // the API's query shape on the view itself
      const api = k(v.name).select('run_number').where('run_number', '>=', 1).orderBy('run_number').offset(0).limit(100).toSQL().sql;
      expect(api).toContain(`"${v.name.toUpperCase()}"`);
    }
  });
});
