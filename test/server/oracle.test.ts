// No Oracle server exists here: the SQL of representative queries of every resource is compiled
// with knex's Oracle dialect and checked for upper-case quoted identifiers and ROWNUM paging.
import { describe, expect, it } from 'vitest';
import { compileOnlyKnex } from '../../src/db/connection.js';
import { parseQuery } from '../../src/jsonapi/query.js';
import { compileCount, compileRows } from '../../src/jsonapi/sql.js';
import { planRead } from '../../src/jsonapi/plan.js';
import { encodeCursor } from '../../src/jsonapi/cursor.js';
import { loadResources } from '../../src/resources/loader.js';

const knex = compileOnlyKnex('oracle');
const db = { knex, dialect: 'oracle' as const };
const resources = loadResources();
const opts = { defaultLimit: 100, maxLimit: 100_000 };

function sampleFilter(type: string): string {
  return { integer: '[GE]=1', number: '[LT]=2.5', string: '[LIKE]=HLT%25', boolean: '[EQ]=True', datetime: '[GE]=2018-05-01T00:00:00Z', array: '[CT]=PIXEL' }[type]!;
}

describe('Oracle SQL of every resource compiles', () => {
  it.each(resources.all.map((r) => [r.type, r] as const))('%s', (_type, r) => {
    const filters = r.columns
      .filter((c) => c.searchable && !c.name.includes('.'))
      .slice(0, 6)
      .map((c) => `filter[${c.name}]${sampleFilter(c.type)}`);
    const latest = r.columns.find((c) => c.latestAlias);
    const shapes = [
      `${filters.join('&')}&page[offset]=200&page[limit]=50`,
      `sort=-${r.id[0]}&page[limit]=10`,
      `filter[${r.id[0]}]=None&fields=${r.id.join(',')}`,
      ...(latest ? [`filter[run_number][EQ]=316187&filter[${latest.name}][EQ]=-1`] : []),
      ...Object.keys(r.granularity).map((g) => `group[granularity]=${g}&page[offset]=5&page[limit]=5`),
    ];
    for (const qs of shapes) {
      const q = parseQuery(qs, r, opts);
      const plan = planRead(r, q);
      const sql = compileRows(db, plan).sql;
      const count = compileCount(db, plan, 1000).sql;
      expect(compileCount(db, plan).sql, qs).not.toMatch(/"[a-z_]*[a-z][a-z_0-9]*"/);
      expect(sql, qs).toContain(`"${r.view}"`.toUpperCase());
      expect(sql, qs).not.toMatch(/"[a-z_]*[a-z][a-z_0-9]*"/); // every quoted identifier is upper case
      expect(count, qs).not.toMatch(/"[a-z_]*[a-z][a-z_0-9]*"/);
      expect(sql, qs).toMatch(/rownum/i);
      expect(sql, qs).not.toMatch(/\blimit\b|\boffset\b/i);
      if (q.granularity) expect(sql, qs).toMatch(/group by/i);
    }
    // keyset cursor
    const q = parseQuery(`page[limit]=20&page[cursor]=&sort=-${r.id[0]}`, r, opts);
    const order = [...new Set([r.id[0], ...r.uniqueKey])];
    q.page.cursor = encodeCursor(order.map((n) => ((r.byName.get(n) as { type: string }).type === 'string' ? 'x' : 1)));
    const sql = compileRows(db, planRead(r, q)).sql;
    expect(sql).toMatch(/rownum <= (\?|:\d+)/i);
    expect(sql).not.toMatch(/"[a-z_]*[a-z][a-z_0-9]*"/);
  });
});
