// omsagg detect: generated shapes with injected anomalies, calibration on shapes that break a noise
// model, the online property, the CSV stream, the trigger-rate mode and the command line.
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SeriesDetector } from '../../src/anomaly/series/detector.js';
import { detectStream, readFields, splitLine } from '../../src/anomaly/series/csv.js';
import { chooseColumns } from '../../src/anomaly/series/columns.js';
import { estimatePeriod } from '../../src/anomaly/series/period.js';
import { rocAuc } from '../../src/anomaly/core/stats.js';
import { cleanSeries } from '../../src/anomaly/eval/shapes.js';
import { run as detectCommand } from '../../src/anomaly/commands/detect.js';
import * as S from './series-shapes.js';

const LEARN = 2016; // one week of 5-minute rows

function scoreSeries(s: S.Series, learn = LEARN) {
  const d = new SeriesDetector(1, { learnRows: learn, secondsPerTimeUnit: 1 });
  return s.x.map((x, i) => d.push(s.t[i], [x]));
}

function metrics(s: S.Series, r: ReturnType<typeof scoreSeries>) {
  const idx = s.x.map((_, i) => i).filter((i) => i >= LEARN && s.label[i] >= 0);
  const clean = idx.filter((i) => s.label[i] === 0);
  const anomalous = idx.filter((i) => s.label[i] === 1);
  return {
    auc: rocAuc(
      idx.map((i) => r[i].score),
      idx.map((i) => s.label[i] === 1),
    ),
    falseAlarmRate: clean.filter((i) => r[i].flag).length / clean.length,
    recall: anomalous.filter((i) => r[i].flag).length / anomalous.length,
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
      expect(metrics(s, scoreSeries(s)).falseAlarmRate).toBeLessThanOrEqual(0.001);
    }
  });

  it('flags large spikes on a daily cycle, also with AR(1) noise, and ranks them above normal rows', () => {
    for (const ar of [0, 0.7]) {
      const s = S.addSpikes(S.baseSeries({ ...SEASONAL, ar }), S.spikePositions(2100, 5900, 30), 9);
      const m = metrics(s, scoreSeries(s));
      expect(m.auc).toBeGreaterThan(0.99);
      expect(m.recall).toBeGreaterThan(0.7);
      expect(m.falseAlarmRate).toBeLessThanOrEqual(0.001);
    }
  });

  it('keeps flagging a level shift while it lasts, and accepts it as the new normal after --accept rows', () => {
    const s = S.addLevelShift(S.baseSeries(SEASONAL), 4000, 6);
    const d = new SeriesDetector(1, { learnRows: LEARN, acceptRows: 500, secondsPerTimeUnit: 1 });
    const r = s.x.map((x, i) => d.push(s.t[i], [x]));
    expect(r.slice(4000, 4005).some((x) => x.flag)).toBe(true);
    expect(r.slice(4010, 4400).filter((x) => x.flag).length).toBeGreaterThan(350);
    // relearned from 500 rows, the slope may leave a few rows flagged much later
    expect(r.slice(4600).filter((x) => x.flag).length).toBeLessThanOrEqual(15);
  });

  it('ends the episode when a shifted level comes back', () => {
    const s = S.baseSeries({ ...SEASONAL, seed: 4 });
    for (let i = 4000; i < 4150; i++) s.x[i] += 6;
    const r = scoreSeries(s);
    expect(r.slice(4000, 4150).filter((x) => x.flag).length).toBeGreaterThan(120);
    expect(r.slice(4200).some((x) => x.flag)).toBe(false);
  });

  it('relearns the level after a deviation that ended just before --accept, not a line through both', () => {
    // white noise around 32; a deviation to 22 for 360 rows, then a new level of 34.5 (5 spreads off
    // the old one, so the episode goes on): at the accept time the last 40 flagged rows are on the
    // new level, and the relearned normal must be theirs
    const g = S.gaussian(S.rng(23));
    const x = Array.from({ length: 2400 }, (_, i) => (i >= 1100 && i < 1460 ? 22 : i >= 1460 ? 34.5 : 32) + 0.5 * g());
    const d = new SeriesDetector(1, { learnRows: 1000, acceptRows: 400, secondsPerTimeUnit: 1 });
    const r = x.map((v, i) => d.push(i, [v]));
    expect(r.slice(1100, 1460).filter((y) => y.flag).length).toBeGreaterThan(350);
    expect(r.slice(1460, 1500).every((y) => y.flag)).toBe(true);
    // a line through both levels sat between them, and every later row was flagged until the next accept
    expect(r.slice(1520).filter((y) => y.flag).length).toBeLessThanOrEqual(5);
  });

  it('is online: the score of row i does not change when rows after i change', () => {
    const a = S.addSpikes(S.baseSeries({ ...SEASONAL, seed: 7 }), [3000], 8);
    const b = { t: a.t, x: [...a.x], label: a.label };
    const cut = 3500;
    for (let i = cut + 1; i < b.x.length; i++) b.x[i] = b.x[i] * 3 + 50;
    const sa = scoreSeries(a).map((x) => x.score);
    const sb = scoreSeries(b).map((x) => x.score);
    expect(sb.slice(0, cut + 1)).toEqual(sa.slice(0, cut + 1));
    expect(sb.slice(cut + 1)).not.toEqual(sa.slice(cut + 1));
  });
});

describe('calibration on shapes that break a noise model', () => {
  const flagged = (shape: string) => {
    const s = cleanSeries(shape, { n: 6000 });
    const r = scoreSeries(s, 1000).slice(1000);
    return { flagged: r.filter((x) => x.flag).length / r.length, top: r.filter((x) => x.score >= 1).length, scores: r.map((x) => x.score) };
  };

  it('never flags a noiseless periodic series or a constant', () => {
    for (const shape of ['noiseless-periodic', 'square-wave', 'constant']) expect(flagged(shape).flagged, shape).toBe(0);
  });

  it('flags at most 0.5 % of heavy-tailed, quantised, trending or regime-switching series, none at the top score', () => {
    for (const shape of ['heavy-tails', 'quantised', 'coarse-grid', 'trends', 'level-shifts', 'wandering', 'near-constant']) {
      const f = flagged(shape);
      expect(f.flagged, shape).toBeLessThanOrEqual(0.005);
      expect(f.top, shape).toBe(0);
    }
  });

  it('spreads the scores of normal rows instead of piling them up', () => {
    const { scores } = flagged('heavy-tails');
    const sorted = [...scores].sort((x, y) => x - y);
    expect(sorted[Math.floor(0.5 * sorted.length)]).toBeLessThan(0.1);
    expect(sorted[Math.floor(0.99 * sorted.length)]).toBeLessThan(0.3);
    expect(new Set(scores.map((x) => x.toFixed(3))).size).toBeGreaterThan(100);
  });

  it('a step of a constant is one short episode, and the new value is the normal at once', () => {
    const s = cleanSeries('constant', { n: 3000 });
    for (let i = 2000; i < 3000; i++) s.x[i] = 50;
    const r = scoreSeries(s, 1000);
    expect(r[2000].flag).toBe(true);
    expect(r.slice(2000).filter((x) => x.flag).length).toBeLessThanOrEqual(5);
  });

  it('sees columns that stop moving together when each alone looks ordinary', () => {
    const rng = S.gaussian(S.rng(5));
    const n = 4000;
    const d = new SeriesDetector(4, { learnRows: 1000 });
    let flaggedBefore = 0;
    let flaggedAfter = 0;
    for (let i = 0; i < n; i++) {
      const common = 3 * rng();
      // after row 3000 the last column follows its own common mode, of the same size
      const own = i >= 3000 ? 3 * rng() : common;
      const r = d.push(i, [common + 0.3 * rng(), common + 0.3 * rng(), common + 0.3 * rng(), own + 0.3 * rng()]);
      if (r.flag) i >= 3000 ? flaggedAfter++ : flaggedBefore++;
    }
    expect(flaggedBefore).toBeLessThanOrEqual(5);
    expect(flaggedAfter).toBeGreaterThan(500);
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
    const s = S.addSpikes(S.baseSeries({ ...SEASONAL, n: 3000 }), [2500], 14);
    const rows = s.x.map((x, i) => `${new Date(s.t[i] * 1000).toISOString()},cms,${x.toFixed(4)},${(2 * x).toFixed(4)}`);
    const { summary, lines } = await runCsv(['timestamp,host,value,double', ...rows].join('\n'), { learnRows: LEARN });
    expect(summary.timeColumn).toBe('timestamp');
    expect(summary.valueColumns).toEqual(['value', 'double']);
    expect(lines[0]).toBe('timestamp,host,value,double,anomaly_score,anomaly_flag');
    expect(lines).toHaveLength(3001);
    const spike = lines[2501].split(',');
    expect(spike.slice(0, 4)).toEqual(rows[2500].split(','));
    expect(Number(spike[4])).toBeGreaterThan(0.4);
    expect(spike[5]).toBe('1');
    const flagged = lines.slice(1).filter((l) => l.endsWith(',1')).length;
    expect(flagged).toBe(summary.flagged);
    expect(flagged).toBeLessThanOrEqual(3);
  });

  it('splits quoted fields and keeps the line as it was', async () => {
    expect(splitLine('a,"b,c","say ""hi""",4', ',')).toEqual(['a', 'b,c', 'say "hi"', '4']);
    const body = Array.from({ length: 40 }, (_, i) => `${i},"x, y",${i % 3}`).join('\r\n');
    const { lines } = await runCsv(`n,label,v\r\n${body}\r\n`, { learnRows: 10, time: null });
    expect(lines[1]).toBe('0,"x, y",0,0.0000,0');
  });

  it('reads the fields of a plain line in place exactly as Number() reads them', () => {
    const cases = [
      '',
      '.',
      '-',
      '+1',
      '1.',
      '.5',
      '-.5',
      '-0',
      '0.1',
      '1e3',
      '1.2.3',
      ' 1.5',
      'abc',
      'NaN',
      '0x10',
      'Infinity',
      '123456789012345',
      '1234567890123456',
      '9007199254740993',
      '3.14159265358979',
      '-0.000',
    ];
    for (let i = 0; i < 2000; i++) cases.push((((i * 7919) % 100003) / 997 - 50).toFixed(i % 13), String((i * 104729) / 7));
    const nums = new Float64Array(3);
    for (const c of cases) {
      expect(readFields(`${c},7,${c}`, 44, nums, 2)).toBe(c);
      const want = c === '' ? NaN : Number(c);
      expect(Object.is(nums[0], want) && Object.is(nums[2], want)).toBe(true);
    }
    // fewer fields than the header: not read in place (the caller splits the line)
    expect(readFields('1,2', 44, nums, 0)).toBeNull();
  });

  it('rejects an unknown time column with a clear message', async () => {
    await expect(runCsv('a,b\n1,2\n', { learnRows: 10, time: 'when' })).rejects.toThrow(/time column 'when' is not in the header/);
  });

  it('takes a pileup column as the regressor and lumisection numbers as no value', () => {
    const roles = chooseColumns(['lumisection', 'pileup', 'deadtime', 'HLT_PFJet500_v1', 'HLT_IsoMu24_v3'], ['1', '40', '2', '3.1', '20'], {});
    expect(roles.regressor).toBe(1);
    expect(roles.regressorKind).toBe('pileup');
    expect(roles.deadtime).toBe(2);
    expect(roles.values).toEqual([3, 4]);
    expect(chooseColumns(['t', 'lumi', 'a'], ['1', '1.5e4', '3'], {}).regressorKind).toBe('lumi');
    expect(chooseColumns(['t', 'pileup', 'a'], ['1', '40', '3'], { regressor: null }).values).toEqual([1, 2]);
  });
});

describe('omsagg detect (command line)', () => {
  async function capture(args: string[]) {
    const err: string[] = [];
    const log = console.error;
    console.error = (...a: unknown[]) => void err.push(a.join(' '));
    try {
      return { code: await detectCommand(args), err: err.join('\n') };
    } finally {
      console.error = log;
    }
  }

  it('rejects bad values with a message, not a NaN', async () => {
    for (const [args, msg] of [
      [['--learn', 'x'], /--learn must be a whole number ≥ 8, got 'x'/],
      [['--accept=-3'], /--accept must be a whole number ≥ 1/],
      [['--period', 'soon'], /--period must be a number ≥ 0/],
      [['--delimiter', ';;'], /--delimiter must be one character/],
      [['--frobnicate'], /unknown option '--frobnicate'/],
    ] as const) {
      const r = await capture([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(msg);
    }
  });
});
