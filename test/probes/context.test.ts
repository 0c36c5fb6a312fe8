// The probe context: what ctx.read records, how read failures reach the client, and that a missing
// anomaly-scores view reads as "no scores" for the overlays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { SchemaMismatchError, StatementTimeoutError } from '../../src/db/errors.js';
import { QueryValidationError } from '../../src/jsonapi/errors.js';
import type { CatalogRead } from '../../src/jsonapi/engine.js';
import { RecordingContext, type CatalogReader } from '../../src/probes/context.js';
import { loadProbes } from '../../src/probes/registry.js';
import { ProbeService } from '../../src/probes/service.js';
import { testDatabases } from '../helpers/databases.js';
import { engineFor } from './engine.js';

/** A fake engine: rows per resource type, answered after `delay` ms, or an error. */
function fakeEngine(answers: Record<string, { rows?: Record<string, unknown>[]; delay?: number; error?: Error }>): CatalogReader {
  return {
    read: async (type, query, opts): Promise<CatalogRead> => {
      const a = answers[type] ?? {};
      await new Promise((r) => setTimeout(r, a.delay ?? 0));
      if (a.error) throw a.error;
      return { rows: a.rows ?? [], url: `${opts?.prefix}/${type}?${query}` };
    },
  };
}

describe('RecordingContext', () => {
  it('records reads in the order they were asked, whatever order they finish in; sources are those with rows', async () => {
    const ctx = new RecordingContext(fakeEngine({ runs: { rows: [{ run_number: 1 }], delay: 30 }, fills: { rows: [{ fill_number: 2 }] }, lumisections: { rows: [] } }), '/agg/api/v1', 'demo');
    const [runs, fills, ls] = await Promise.all([
      ctx.read('runs', 'filter[run_number][EQ]=1', 'the run'),
      ctx.read('fills', 'fields=fill_number'),
      ctx.read('lumisections', 'filter[run_number][EQ]=1'),
    ]);
    expect([runs.length, fills.length, ls.length]).toEqual([1, 1, 0]);
    expect(ctx.records().map((r) => [r.resource, r.rows])).toEqual([
      ['runs', 1],
      ['fills', 1],
      ['lumisections', 0],
    ]);
    expect(ctx.sources()).toEqual([
      { resource: 'runs', url: '/agg/api/v1/runs?filter[run_number][EQ]=1', description: 'the run' },
      { resource: 'fills', url: '/agg/api/v1/fills?fields=fill_number' },
    ]);
  });

  it('a read the engine refuses (4xx) is the probe failing, a 500 naming it, not a 400 on the client', async () => {
    const ctx = new RecordingContext(
      fakeEngine({ runs: { error: new QueryValidationError('unknown_attribute', "filter[nope][EQ]: 'nope' is not an attribute of runs", 'filter[nope][EQ]') } }),
      '/api/v1',
      'demo',
    );
    await expect(ctx.read('runs', 'filter[nope][EQ]=1')).rejects.toMatchObject({
      status: 500,
      code: 'probe_failed',
      message: expect.stringMatching(/^probe demo: its read of runs\?filter\[nope\]\[EQ\]=1 was refused/),
    });
    expect(ctx.records()).toEqual([]);
  });

  it('database errors pass through as the engine classified them', async () => {
    const timeout = new StatementTimeoutError(1000);
    const ctx = new RecordingContext(fakeEngine({ runs: { error: timeout } }), '/api/v1', 'demo');
    await expect(ctx.read('runs', '')).rejects.toBe(timeout);
  });
});

describe('probes on a database without the anomaly-scores view', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(testDatabases()[0].url, { readonly: true });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('hlt-rates renders without spans or bands and says the run is not scored; anomaly-scores is a clear 404', async () => {
    const engine = engineFor(db);
    const asked: string[] = [];
    // the engine's answer when v_anomalyscores is missing
    const service = new ProbeService({
      read: (type, query, opts) => {
        asked.push(type);
        return type === 'anomalyscores' ? Promise.reject(new SchemaMismatchError()) : engine.read(type, query, opts);
      },
    });
    const registry = await loadProbes();
    const hlt = registry.get('hlt-rates')!;
    const plot = await service.plot(hlt, await service.resolveParams(hlt, {}), { apiPrefix: '/api/v1' });
    expect(asked).toContain('anomalyscores');
    expect(plot.spans).toEqual([]);
    expect(plot.series.filter((s) => s.kind === 'band')).toEqual([]);
    expect(plot.notes).toContainEqual(expect.stringMatching(/not been scored/));
    expect(plot.sources.map((s) => s.resource)).not.toContain('anomalyscores');
    await expect(service.resolveParams(registry.get('anomaly-scores')!, {})).rejects.toMatchObject({ status: 404, message: expect.stringMatching(/omsagg score/) });
  });
});
