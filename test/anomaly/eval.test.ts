// The evaluation on the seeded demo data (read-only): the model against the injected ground truth
// and the two baselines. The thresholds assert what the model honestly reaches on the small demo
// (3557 LS, ~36 anomalies); the goals of the brief are printed by `omsagg eval` on a larger set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { evaluateDatabase, formatReport, type EvalResult } from '../../src/anomaly/eval/lumi.js';
import { testDatabase } from '../helpers/databases.js';

describe('omsagg eval on the demo data', () => {
  let db: Db;
  let res: EvalResult;
  beforeAll(async () => {
    db = await openDb(testDatabase('sqlite').url, { readonly: true });
    res = await evaluateDatabase(db);
    console.log(formatReport(res, 'demo (test-output/demo.sqlite)'));
  }, 600_000);
  afterAll(async () => db?.close());

  const kind = (k: string) => res.model.perKind.find((x) => x.kind === k)!;
  const base = (m: EvalResult['rateDrop'], k: string) => m.perKind.find((x) => x.kind === k)!;

  it('separates bad lumisections from clean ones far better than both baselines', () => {
    expect(res.model.overall.auc).toBeGreaterThan(0.9);
    expect(res.model.overall.auc).toBeGreaterThan(res.rateDrop.overall.auc + 0.3);
    expect(res.model.overall.auc).toBeGreaterThan(res.zScore.overall.auc + 0.3);
    for (const k of res.model.perKind.filter((x) => x.label === 'bad')) {
      expect(k.auc, k.kind).toBeGreaterThan(base(res.rateDrop, k.kind).auc);
      expect(k.auc, k.kind).toBeGreaterThan(base(res.zScore, k.kind).auc);
    }
  });

  it('flags few and right: ≤ 1 % false alarms on clean lumisections, precision ≥ 0.9, not-bad kinds not flagged', () => {
    expect(res.model.overall.falseAlarmRate).toBeLessThanOrEqual(0.01);
    expect(res.model.overall.precision).toBeGreaterThanOrEqual(0.9);
    expect(res.model.overall.notBadFlagRate).toBeLessThanOrEqual(0.05);
    for (const k of ['deadtime_spike', 'lumi_drop', 'prescale_change']) expect(kind(k).lsFlagRate, k).toBeLessThanOrEqual(0.1);
  });

  it('catches the main kinds, early', () => {
    for (const k of ['hv_trip', 'cooling_excursion', 'fed_burst', 'noise_spike']) {
      expect(kind(k).auc, k).toBeGreaterThan(0.98);
      expect(kind(k).eventRecall, k).toBe(1);
      expect(kind(k).medianDelayLs, k).toBeLessThanOrEqual(2);
    }
    for (const k of ['path_drop', 'correlation_loss']) {
      expect(kind(k).auc, k).toBeGreaterThan(0.85);
      expect(kind(k).eventRecall, k).toBeGreaterThanOrEqual(0.6);
    }
    expect(res.model.overall.eventRecall).toBeGreaterThanOrEqual(0.8);
  });

  it('reports its speed against a plain read of the same rows', () => {
    expect(res.lumisections).toBeGreaterThan(3000);
    expect(res.scoreSeconds).toBeGreaterThan(res.readSeconds);
    expect(res.lumisections / res.scoreSeconds).toBeGreaterThan(20);
  });
});
