// The in-memory path (computed collections): same grammar, filter table and document stage.
import { describe, expect, it } from 'vitest';
import { defineResource, memoryCollection, memoryCsv, memoryMeta, applyQuery } from '../../src/jsonapi/memory.js';
import { parseQuery } from '../../src/jsonapi/query.js';
import { ApiError } from '../../src/jsonapi/errors.js';
import { expectValidJsonApi } from '../helpers/jsonapi.js';

const points = defineResource({
  type: 'points',
  title: 'Plot points',
  id: ['series', 'x'],
  attributes: {
    series: { type: 'string', title: 'Series' },
    x: { type: 'number', unit: 'ms', title: 'Time' },
    y: { type: 'number', unit: 'Hz', title: 'Rate', aggregation: 'mean' },
    run_number: { type: 'integer', unit: null },
    lumisection_number: { type: 'integer', unit: null, latest_alias: true },
    good: { type: 'boolean' },
    at: { type: 'datetime' },
    tags: { type: 'array' },
  },
  granularity: { run: ['series', 'run_number'] },
});

const rows = Array.from({ length: 25 }, (_, i) => ({
  series: i % 2 ? 'b' : 'a',
  x: i * 1000,
  y: i === 3 ? null : i * 1.5,
  run_number: 100 + Math.floor(i / 10),
  lumisection_number: (i % 10) + 1,
  good: i % 3 === 0 ? 1 : 0,
  at: new Date(Date.UTC(2018, 4, 1, 0, 0, i)),
  tags: i % 5 === 0 ? 'x,y' : 'z',
}));
const opts = { baseUrl: 'http://h/api/v1', collectionUrl: 'http://h/api/v1/probes/p/points' };

describe('memory collections', () => {
  it('filters, sorts, pages and documents like the database path', () => {
    const doc = memoryCollection(points, rows, 'filter[series][EQ]=a&filter[x][GE]=2000&sort=-x&page[limit]=3', opts) as any;
    expectValidJsonApi(doc);
    expect(doc.data.map((d: any) => d.attributes.x)).toEqual([24000, 22000, 20000]);
    expect(doc.data[0].id).toBe('a_24000');
    expect(doc.meta.totalResourceCount).toBe(12);
    expect(doc.data[0].meta.row.y.units).toBe('Hz');
    expect(doc.links.next).toContain('page%5Boffset%5D=3');
    expect(doc.links.prev).toBeNull();
    expect(doc.data[0].attributes.at).toBe('2018-05-01T00:00:24Z');
  });
  it('python forms: True, None, +00:00 as a space, [eq], CT on arrays', () => {
    const q = (s: string) => (memoryCollection(points, rows, s, { ...opts, maxLimit: 1000 }) as any).meta.totalResourceCount;
    expect(q('filter[good][eq]=True')).toBe(9);
    expect(q('filter[y]=None')).toBe(1);
    expect(q('filter[y][NEQ]=None')).toBe(24);
    expect(q('filter[at][GT]=2018-05-01T00:00:20+00:00')).toBe(4);
    expect(q('filter[at][GT]=2018-05-01 00:00:20')).toBe(4);
    expect(q('filter[tags][CT]=y')).toBe(5);
    expect(q('filter%5Bpoints%5D%5Bseries%5D%5BLIKE%5D=A%25')).toBe(13);
    expect(q('filter[lumisection_number][EQ]=-1')).toBe(2 + 1 /* runs 100,101 have LS 10; run 102 (5 rows) has LS 5 */);
  });
  it('group[granularity] folds with each aggregation', () => {
    const doc = memoryCollection(points, rows, 'group[granularity]=run&filter[series][EQ]=a&fields=series,run_number,y', opts) as any;
    expectValidJsonApi(doc);
    expect(doc.data.map((d: any) => d.id)).toEqual(['a_100', 'a_101', 'a_102']);
    expect(doc.data[0].attributes.y).toBeCloseTo(((0 + 2 + 4 + 6 + 8) * 1.5) / 5);
  });
  it('cursor paging visits every row exactly once', () => {
    const seen: string[] = [];
    let cursor = '';
    for (let i = 0; i < 20; i++) {
      const doc = memoryCollection(points, rows, `sort=-good,x&page[limit]=4&page[cursor]=${cursor}`, opts) as any;
      seen.push(...doc.data.map((d: any) => d.id));
      if (!doc.links.next) break;
      cursor = doc.meta.nextCursor;
    }
    expect(seen.length).toBe(25);
    expect(new Set(seen).size).toBe(25);
  });
  it('rejects bad input with typed 400s', () => {
    for (const bad of [
      'filter[nope][EQ]=1',
      'filter[x][XX]=1',
      'filter[x][EQ]=abc',
      'page[limit]=-1',
      'page[limit]=100001',
      'bogus=1',
      'include=runs',
      'sort=zz',
      'filter[x=1',
      'filter[good]=maybe',
      'page[cursor]=garbage',
    ]) {
      let err: unknown;
      try {
        memoryCollection(points, rows, bad, opts);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(ApiError);
      expect((err as ApiError).status, bad).toBe(400);
    }
  });
  it('extra parameters are accepted when declared; meta and CSV', async () => {
    const q = parseQuery('run=5&fields=x', points, { defaultLimit: 10, maxLimit: 100, extraParams: ['run'] });
    expect(applyQuery(points, rows, q).rows.length).toBe(10);
    const meta = memoryMeta(points) as any;
    expectValidJsonApi(meta);
    expect(meta.meta.fields_order).toContain('y');
    expect(meta.meta.fields.y).toMatchObject({ units: 'Hz', api_type: 'Double', searchable: true });
    const csv = await memoryCsv(points, rows, 'fields=x,good,tags&page[limit]=2');
    expect(csv).toBe('x,good,tags\n0,true,"x,y"\n2000,false,z\n');
  });
});
