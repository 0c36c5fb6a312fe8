// omsagg detect on trigger rates with a pileup column: the lumisection scorer's models judge them.
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { triggerBench } from '../../src/anomaly/eval/trigger-bench.js';
import { groupsOf, RateSeriesDetector } from '../../src/anomaly/series/rates.js';
import { detectStream } from '../../src/anomaly/series/csv.js';

describe('trigger rates against pileup', () => {
  const b = triggerBench(3, 2, 600);

  it('finds the path groups in CMS path names, else in shared name prefixes', () => {
    expect(groupsOf(['HLT_PFJet500_v1', 'HLT_PFMET120_PFMHT120_IDTight_v2', 'HLT_IsoMu24_v3', 'HLT_Ele32_WPTight_Gsf_v1'])).toEqual(['jet', 'met', 'muon', 'egamma']);
    expect(groupsOf(['jet_1', 'jet_2', 'mu_1', 'mu_2', 'odd'])).toEqual(['jet', 'jet', 'muon', 'muon', 'other']);
    expect(groupsOf(['grpA_1', 'grpA_2', 'grpB_1'])).toEqual(['grpa', 'grpa', 'other']);
  });

  it('flags group drops, dead paths and spikes, and not luminosity dips or dead-time spikes', () => {
    const d = new RateSeriesDetector({ paths: b.paths, regressor: 'pileup', deadtime: false }, b.learnRows);
    const r = b.rows.map((row) => d.push({ regressor: row[1], deadtime: NaN, values: row.slice(2) }));
    const rows = (label: number) => b.label.map((l, i) => (l === label && i >= b.learnRows ? i : -1)).filter((i) => i >= 0);
    const share = (idx: number[]) => idx.filter((i) => r[i].flag).length / idx.length;
    expect(rows(2).length).toBeGreaterThan(10);
    expect(share(rows(2))).toBe(0);
    expect(share(rows(0))).toBeLessThanOrEqual(0.005);
    expect(share(rows(1))).toBeGreaterThan(0.9);
    const bad = rows(1)[0];
    expect(r[bad].contributors.length).toBeGreaterThan(0);
  });

  it('turns on by itself for a CSV with a pileup column, which it does not judge', async () => {
    const csv = [b.header.join(','), ...b.rows.map((row) => row.join(','))].join('\n');
    const out = new PassThrough();
    out.resume();
    const s = await detectStream(Readable.from([csv]), out, { learnRows: b.learnRows });
    expect(s.regressor).toBe('pileup');
    expect(s.valueColumns).toHaveLength(60);
    expect(s.valueColumns).not.toContain('lumisection');
    const bad = b.label.filter((l, i) => l === 1 && i >= b.learnRows).length;
    expect(s.flagged).toBeGreaterThan(0.8 * bad);
    expect(s.flagged).toBeLessThan(1.2 * bad + 10);
  });
});
