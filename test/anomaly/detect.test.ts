// omsagg detect: generated shapes with injected anomalies, the online property, and the CSV stream.
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SeriesDetector } from '../../src/anomaly/series/detector.js';
import { detectStream } from '../../src/anomaly/commands/detect.js';
import { estimatePeriod } from '../../src/anomaly/series/period.js';
import { rocAuc } from '../../src/anomaly/core/stats.js';
import * as S from './series-shapes.js';

const LEARN = 2016; // one week of 5-minute rows

function scoreSeries(s: S.Series): number[] {
  const d = new SeriesDetector(1, { learnRows: LEARN, secondsPerTimeUnit: 1 });
  return s.x.map((x, i) => d.push(s.t[i], [x]).score);
}

function metrics(s: S.Series, scores: number[]) {
  const idx = s.x.map((_, i) => i).filter((i) => i >= LEARN && s.label[i] >= 0);
  const auc = rocAuc(
    idx.map((i) => scores[i]),
    idx.map((i) => s.label[i] === 1),
  );
  const clean = idx.filter((i) => s.label[i] === 0);
  const anomalous = idx.filter((i) => s.label[i] === 1);
  return {
    auc,
    falseAlarmRate: clean.filter((i) => scores[i] >= 0.5).length / clean.length,
    recall: anomalous.filter((i) => scores[i] >= 0.5).length / anomalous.length,
  };
}

const SEASONAL = { trendPerRow: 0.01, dailyAmplitude: 10, noise: 1 };

describe('SeriesDetector on generated shapes', () => {
  it('learns a daily period from 5-minute rows', () => {
    const s = S.baseSeries({ ...SEASONAL, n: LEARN });
    expect(estimatePeriod(s.x).lagRows).toBeCloseTo(S.DAY_ROWS, -1);
    expect(estimatePeriod(S.baseSeries({ trendPerRow: 0.01, n: LEARN }).x).lagRows).toBe(0);
  });

  it('does not flag a clean trend with a daily cycle', () => {
    for (const seed of [1, 2, 3]) {
      const s = S.baseSeries({ ...SEASONAL, seed });
      const m = metrics(S.addSpikes(s, [5999], 10), scoreSeries(s));
      expect(m.falseAlarmRate).toBeLessThanOrEqual(0.001);
    }
  });

  it('scores spikes on a trend high', () => {
    const s = S.addSpikes(S.baseSeries({ trendPerRow: 0.02 }), S.spikePositions(2100, 5900, 30), 6);
    const m = metrics(s, scoreSeries(s));
    expect(m.auc).toBeGreaterThan(0.99);
    expect(m.recall).toBeGreaterThan(0.8);
    expect(m.falseAlarmRate).toBe(0);
  });

  it('scores spikes on a daily cycle ten times the noise, also with AR(1) noise', () => {
    for (const ar of [0, 0.7]) {
      const s = S.addSpikes(S.baseSeries({ ...SEASONAL, ar }), S.spikePositions(2100, 5900, 30), 6);
      const m = metrics(s, scoreSeries(s));
      expect(m.auc).toBeGreaterThan(0.99);
      expect(m.recall).toBeGreaterThan(0.75);
      expect(m.falseAlarmRate).toBeLessThanOrEqual(0.001);
    }
  });

  it('flags a level shift at once and accepts the new level later', () => {
    const s = S.addLevelShift(S.baseSeries(SEASONAL), 4000, 5);
    const scores = scoreSeries(s);
    const m = metrics(s, scores);
    expect(m.auc).toBeGreaterThan(0.99);
    expect(scores.slice(4000, 4004).some((v) => v >= 0.5)).toBe(true);
    expect(Math.max(...scores.slice(4600))).toBeLessThan(0.5);
  });

  it('flags a drift before it ends', () => {
    const s = S.addDrift(S.baseSeries(SEASONAL), 4000, 500, 0.02);
    const scores = scoreSeries(s);
    const m = metrics(s, scores);
    expect(m.auc).toBeGreaterThan(0.9);
    const first = scores.findIndex((v, i) => i >= 4000 && v >= 0.5);
    expect(first).toBeGreaterThan(4000);
    expect(first).toBeLessThan(4250);
    expect(m.falseAlarmRate).toBeLessThanOrEqual(0.001);
  });

  it('is online: the score of row i does not change when rows after i change', () => {
    const a = S.addSpikes(S.baseSeries({ ...SEASONAL, seed: 7 }), [3000], 8);
    const b = { t: a.t, x: [...a.x], label: a.label };
    const cut = 3500;
    for (let i = cut + 1; i < b.x.length; i++) b.x[i] = b.x[i] * 3 + 50;
    const sa = scoreSeries(a);
    const sb = scoreSeries(b);
    expect(sb.slice(0, cut + 1)).toEqual(sa.slice(0, cut + 1));
    expect(sb.slice(cut + 1)).not.toEqual(sa.slice(cut + 1));
  });
});

describe('detectStream (CSV in, CSV out)', () => {
  async function runCsv(csv: string, opts: Parameters<typeof detectStream>[2]) {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const summary = await detectStream(Readable.from([csv]), out, opts);
    return { summary, lines: Buffer.concat(chunks).toString('utf8').trim().split('\n') };
  }

  it('appends anomaly_score and anomaly_flag, finds the time column and the numeric columns', async () => {
    const s = S.addSpikes(S.baseSeries({ ...SEASONAL, n: 3000 }), [2500], 12);
    const rows = s.x.map((x, i) => `${new Date(s.t[i] * 1000).toISOString()},cms,${x.toFixed(4)},${(2 * x).toFixed(4)}`);
    const { summary, lines } = await runCsv(['timestamp,host,value,double', ...rows].join('\n'), { learnRows: LEARN });
    expect(summary.timeColumn).toBe('timestamp');
    expect(summary.valueColumns).toEqual(['value', 'double']);
    expect(lines[0]).toBe('timestamp,host,value,double,anomaly_score,anomaly_flag');
    expect(lines).toHaveLength(3001);
    const spike = lines[2501].split(',');
    expect(spike.slice(0, 4)).toEqual(rows[2500].split(','));
    expect(Number(spike[4])).toBeGreaterThan(0.5);
    expect(spike[5]).toBe('1');
    const flagged = lines.slice(1).filter((l) => l.endsWith(',1')).length;
    expect(flagged).toBe(summary.flagged);
    expect(flagged).toBeLessThanOrEqual(3);
  });

  it('rejects an unknown time column with a clear message', async () => {
    await expect(runCsv('a,b\n1,2\n', { learnRows: 10, time: 'when' })).rejects.toThrow(/time column 'when' is not in the header/);
  });

  it('streams a million rows fast enough', async () => {
    const n = 1_000_000;
    function* gen() {
      yield 't,v\n';
      let buf = '';
      for (let i = 0; i < n; i++) {
        buf += `${1525132800 + i * 60},${(100 + 10 * Math.sin(i / 229.18) + ((i * 7919) % 13) / 13).toFixed(3)}\n`;
        if (buf.length > 1 << 16) {
          yield buf;
          buf = '';
        }
      }
      yield buf;
    }
    const out = new PassThrough();
    let bytes = 0;
    out.on('data', (c: Buffer) => (bytes += c.length));
    const summary = await detectStream(Readable.from(gen()), out, { learnRows: 2000 });
    const rate = summary.rows / summary.seconds;
    console.log(`detect: ${summary.rows} rows in ${summary.seconds.toFixed(2)} s = ${Math.round(rate)} rows/s`);
    expect(summary.rows).toBe(n);
    expect(bytes).toBeGreaterThan(n * 10);
    expect(rate).toBeGreaterThan(50_000);
  }, 120_000);
});
