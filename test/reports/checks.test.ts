// Every check kind on constructed readings (an in-memory catalog): it fires on what it is meant
// to catch, with numbers and units in its sentence, and stays quiet just inside its limits; then
// grouping (a parent in alarm inhibits its children), inhibition between checks, and the states
// "no data" and "failed".
import { describe, expect, it } from 'vitest';
import { validateDefinition } from '../../src/reports/definitions.js';
import { activeFindings, evaluate } from '../../src/reports/evaluate.js';
import { makePeriod } from '../../src/reports/period.js';
import type { DataRow } from '../../src/reports/data.js';
import type { Evaluation } from '../../src/reports/types.js';
import { fakeCatalog, iso, LS_MS, READING_ATTRIBUTES, RUN_ATTRIBUTES, runRow, runRows, T0 } from './fake-catalog.js';

const DAY = makePeriod(new Date(T0 + 86_400_000), 86400);
const DEVICES = [
  { part: 'A', device: 'A1' },
  { part: 'A', device: 'A2' },
  { part: 'A', device: 'A3' },
  { part: 'A', device: 'A4' },
  { part: 'B', device: 'B1' },
  { part: 'B', device: 'B2' },
  { part: 'B', device: 'B3' },
  { part: 'B', device: 'B4' },
];
const RUN = 100;
const START = T0 + 3600_000;
const N = 300;

/** a value that is never the same twice (a live reading) */
const live = (dev: string, ls: number) => 300 + ((ls * 7919 + dev.charCodeAt(1) * 104729) % 1000) / 1000;

function catalog(value: (dev: string, ls: number) => number | null, extra: Record<string, DataRow[]> = {}, runs: DataRow[] = [runRow(RUN, START, N)], errors?: (dev: string, ls: number) => number) {
  return fakeCatalog({
    readings: { title: 'Readings', attributes: READING_ATTRIBUTES, rows: [...(extra.readings ?? []), ...runRows(RUN, START, N, DEVICES, value, (d, ls) => ({ errors: errors ? errors(d, ls) : 0 }))] },
    runs: { title: 'Runs', attributes: RUN_ATTRIBUTES, rows: runs },
    ...Object.fromEntries(
      Object.entries(extra)
        .filter(([k]) => k !== 'readings')
        .map(([k, rows]) => [k, { title: k, attributes: k === 'anomalyscores' ? SCORE_ATTRIBUTES : READING_ATTRIBUTES, rows }]),
    ),
  });
}

const SCORE_ATTRIBUTES = [
  ...READING_ATTRIBUTES.filter((a) => ['run_number', 'lumisection_number', 'start_time'].includes(a.name)),
  { name: 'model', type: 'string' as const, unit: null, title: 'Model' },
  { name: 'score', type: 'number' as const, unit: null, title: 'Score' },
  { name: 'flag', type: 'boolean' as const, unit: null, title: 'Flag' },
  { name: 'top_contributor', type: 'string' as const, unit: null, title: 'Top contributor' },
  { name: 'top_detail', type: 'string' as const, unit: null, title: 'What changed' },
];

async function run(cat: ReturnType<typeof catalog>, checks: Record<string, unknown>[], extra: Record<string, unknown> = {}): Promise<Evaluation> {
  const def = validateDefinition({ title: 'Test', resource: 'readings', groups: ['part', 'device'], checks, ...extra }, 'test.yaml', cat);
  return evaluate(cat, def, DAY);
}

const band = { id: 'low', kind: 'band', title: 'Voltage low', attribute: 'value', unit: 'V', min: 100, for: '3 LS', severity: 'critical' };

describe('check kinds', () => {
  it('band: an excursion of `for` readings in a row alarms, with the value, limit, duration and place', async () => {
    const e = await run(
      catalog((d, ls) => (d === 'A2' && ls >= 50 && ls < 53 ? 0 : d === 'B1' && ls >= 80 && ls < 82 ? 0 : live(d, ls))),
      [band],
    );
    const c = e.checks[0];
    expect(c.state).toBe('alarm');
    expect(c.findings.map((f) => f.unit.key)).toEqual(['A/A2']); // B1 was low for 2 LS only
    expect(c.findings[0].sentence).toBe(
      `A2 (A): Voltage 0 V, below the allowed minimum of 100 V, for 3 lumisections (70 s) in run ${RUN} LS 50–52 from ${iso(START + 49 * LS_MS).slice(0, 10)} ${iso(START + 49 * LS_MS).slice(11, 16)} UTC.`,
    );
    expect(c.units).toHaveLength(8);
    expect(c.plot?.traces.map((t) => t.name)).toEqual(['A2']);
  });

  it('band: readings inside the band raise nothing', async () => {
    const e = await run(catalog(live), [band]);
    expect(e.checks[0].state).toBe('ok');
    expect(e.checks[0].findings).toEqual([]);
  });

  it('stuck: a frozen reading alarms, a live one does not', async () => {
    const stuck = { id: 'frozen', kind: 'stuck', title: 'Frozen', attribute: 'value', unit: 'V', tolerance: 0, for: '30 min', severity: 'warning' };
    const e = await run(
      catalog((d, ls) => (d === 'B3' && ls >= 100 && ls < 200 ? 301.5 : live(d, ls))),
      [stuck],
    );
    expect(e.checks[0].findings.map((f) => f.unit.key)).toEqual(['B/B3']);
    expect(e.checks[0].findings[0].sentence).toMatch(/^B3 \(B\): Voltage stuck at 301\.5 V \(no change beyond 0 V\) for 100 lumisections \(38\.9 min\) in run 100 LS 100–199/);
    expect(
      (
        await run(
          catalog((d, ls) => (d === 'B3' && ls >= 100 && ls < 160 ? 301.5 : live(d, ls))),
          [stuck],
        )
      ).checks[0].state,
    ).toBe('ok'); // 23 min only
  });

  it('jump: a step at least `rise` alarms; smaller steps do not', async () => {
    const jump = { id: 'step', kind: 'jump', title: 'Step', attribute: 'value', unit: 'V', rise: 32, severity: 'warning' };
    const e = await run(
      catalog((d, ls) => (d === 'A1' ? (ls < 120 ? 16 : 64) : d === 'A3' ? (ls < 120 ? 16 : 32) : 16)),
      [jump],
    );
    expect(e.checks[0].findings.map((f) => f.unit.key)).toEqual(['A/A1']);
    expect(e.checks[0].findings[0].sentence).toContain('rose by 48 V in one step, from 16 V to 64 V, in run 100 LS 120');
  });

  it('rate: counts per lumisection become Hz; an alarm needs `for` lumisections above', async () => {
    const rate = { id: 'errs', kind: 'rate', title: 'Errors', attribute: 'errors', unit: 'Hz', max: 1, for: '5 LS', severity: 'critical', per: 'part' };
    // part A: 4 devices × 10 errors = 40 per LS (1.72 Hz) during LS 10–19; part B: a one-LS burst of 200
    const e = await run(
      catalog(live, {}, undefined, (d, ls) => (d.startsWith('A') && ls >= 10 && ls < 20 ? 10 : d === 'B2' && ls === 50 ? 200 : 0)),
      [rate],
    );
    expect(e.checks[0].findings.map((f) => f.unit.key)).toEqual(['A']);
    expect(e.checks[0].findings[0].sentence).toMatch(/^A: Error rate up to 1\.716 Hz \(40 counts in one lumisection\), above the allowed 1 Hz, for 10 lumisections/);
  });

  it('reference: deviation from named reference runs beyond the tolerance alarms', async () => {
    const ref = { id: 'ref', kind: 'reference', title: 'Off reference', attribute: 'value', unit: 'V', tolerance: 2, for: '3 LS', reference: { runs: [90] }, severity: 'warning' };
    const refRows = runRows(90, T0 - 86_400_000, 50, DEVICES, () => 300);
    const runs = [runRow(90, T0 - 86_400_000, 50), runRow(RUN, START, N)];
    const e = await run(
      catalog((d, ls) => (d === 'B4' && ls >= 200 && ls < 210 ? 305 : 300.5), { readings: refRows }, runs),
      [ref],
    );
    expect(e.checks[0].findings.map((f) => f.unit.key)).toEqual(['B/B4']);
    expect(e.checks[0].findings[0].sentence).toContain('Voltage 305 V, 5 V above its reference 300 V (median of run 90), beyond the allowed ±2 V, for 10 lumisections');
  });

  it('reference: without an earlier run the period itself is the reference, and it says so', async () => {
    const ref = { id: 'ref', kind: 'reference', title: 'Off reference', attribute: 'value', unit: 'V', tolerance: 2, severity: 'warning' };
    const e = await run(
      catalog((d, ls) => (d === 'A4' && ls >= 10 && ls < 14 ? 296 : 300)),
      [ref],
    );
    expect(e.checks[0].findings).toHaveLength(1);
    expect(e.checks[0].findings[0].sentence).toContain('below its reference 300 V (the median of this period: no earlier run to compare with)');
  });

  it('trend: a slope beyond the limit over the window alarms; a slow one and a short history do not', async () => {
    const trend = { id: 'age', kind: 'trend', title: 'Ageing', attribute: 'value', unit: 'V', over: '7d', max_slope: 5, slope_unit: '%/d', severity: 'warning' };
    const rows: DataRow[] = [];
    const runs: DataRow[] = [];
    for (let day = 0; day < 6; day++) {
      const start = T0 - (5 - day) * 86_400_000 + 7200_000;
      runs.push(runRow(200 + day, start, 20));
      rows.push(...runRows(200 + day, start, 20, DEVICES, (d) => (d === 'A1' ? 100 * (1 + 0.1 * day) : 100 * (1 + 0.01 * day))));
    }
    const cat = fakeCatalog({ readings: { title: 'Readings', attributes: READING_ATTRIBUTES, rows }, runs: { title: 'Runs', attributes: RUN_ATTRIBUTES, rows: runs } });
    const e = await run(cat as never, [trend]);
    expect(e.checks[0].findings.map((f) => f.unit.key)).toEqual(['A/A1']);
    expect(e.checks[0].findings[0].sentence).toMatch(/^A1 \(A\): Voltage rising by 10 V per day \(8 % of its level 125 V per day\) over 6 runs since/);
    const short = fakeCatalog({
      readings: { title: 'Readings', attributes: READING_ATTRIBUTES, rows: rows.filter((r) => Number(r.run_number) >= 204) },
      runs: { title: 'Runs', attributes: RUN_ATTRIBUTES, rows: runs },
    });
    const e2 = await run(short as never, [trend]);
    expect(e2.checks[0].state).toBe('no_data');
    expect(e2.checks[0].detail).toMatch(/fewer than 4 runs/);
  });

  it('count: members of a unit above a value in one run', async () => {
    const count = { id: 'many', kind: 'count', title: 'Many errors', attribute: 'errors', unit: 'counts', above: 1000, member: 'device', max: 1, per: 'part', severity: 'warning' };
    const e = await run(
      catalog(live, {}, undefined, (d, ls) => (['B1', 'B2'].includes(d) && ls <= 20 ? 60 : d === 'A1' && ls <= 20 ? 60 : 0)),
      [count],
    );
    expect(e.checks[0].findings.map((f) => f.unit.key)).toEqual(['B']);
    expect(e.checks[0].findings[0].sentence).toBe('B: 2 devices with error count above 1\u2009000 counts in run 100 (at most 1 allowed; largest 1\u2009200 counts on device B1).');
  });

  it('no_data: runs but no readings alarm; no runs at all is the state "no data"', async () => {
    const nd = { id: 'missing', kind: 'no_data', title: 'Readings missing', severity: 'critical' };
    const empty = fakeCatalog({ readings: { title: 'Readings', attributes: READING_ATTRIBUTES, rows: [] }, runs: { title: 'Runs', attributes: RUN_ATTRIBUTES, rows: [runRow(RUN, START, N)] } });
    const e = await run(empty as never, [nd]);
    expect(e.checks[0].state).toBe('alarm');
    expect(e.checks[0].findings[0].sentence).toBe('Readings: no readings in the period although CMS had 1 run in it (100).');
    const none = fakeCatalog({ readings: { title: 'Readings', attributes: READING_ATTRIBUTES, rows: [] }, runs: { title: 'Runs', attributes: RUN_ATTRIBUTES, rows: [] } });
    const e2 = await run(none as never, [nd, band]);
    expect(e2.checks.map((c) => [c.state, c.detail])).toEqual([
      ['no_data', 'no runs in the period'],
      ['no_data', 'no runs in the period'],
    ]);
  });

  it('anomaly episodes: flagged stretches, grouped at their peak, with score and what changed', async () => {
    const scores: DataRow[] = [];
    for (let ls = 1; ls <= N; ls++) {
      const flag = (ls >= 40 && ls <= 45) || (ls >= 200 && ls <= 201);
      scores.push({
        run_number: RUN,
        lumisection_number: ls,
        start_time: iso(START + (ls - 1) * LS_MS),
        model: 'rate',
        score: flag ? (ls === 42 ? 0.9 : 0.4) : 0.05,
        flag,
        top_contributor: ls < 100 ? 'group:met' : 'HLT_X',
        top_detail: 'rate −30 % vs predicted',
      });
    }
    const cat = catalog(live, { anomalyscores: scores });
    const def = validateDefinition(
      {
        title: 'T',
        resource: 'anomalyscores',
        groups: ['model', 'top_contributor'],
        checks: [{ id: 'ep', kind: 'anomaly_episodes', title: 'Episode', models: ['rate'], severity: 'warning', rollup: false }],
      },
      'a.yaml',
      cat,
    );
    const e = await evaluate(cat, def, DAY);
    expect(e.checks[0].findings.map((f) => f.unit.key)).toEqual(['rate/group:met', 'rate/HLT_X']);
    expect(e.checks[0].findings[0].sentence).toBe(
      `group:met (rate): rate model anomaly episode, peak score 0.9 (p = 1.6e-11), for 6 lumisections (2.33 min) in run 100 LS 40–45 from ${iso(START + 39 * LS_MS).slice(0, 10)} ${iso(START + 39 * LS_MS).slice(11, 16)} UTC; top contributor group:met: rate −30 % vs predicted.`,
    );
  });

  it('a check whose read fails is "failed", and the others still run', async () => {
    const cat = catalog(live);
    const broken = { ...cat, read: async (type: string, spec: never) => (type === 'readings' ? Promise.reject(new Error('database unreachable')) : cat.read(type, spec)) };
    const def = validateDefinition(
      { title: 'T', resource: 'readings', groups: ['part', 'device'], checks: [band, { id: 'ep', kind: 'no_data', resource: 'runs', title: 'Runs missing', severity: 'info' }] },
      't.yaml',
      cat,
    );
    const e = await evaluate(broken as never, def, DAY);
    expect(e.checks.map((c) => c.state)).toEqual(['failed', 'ok']);
    expect(e.checks[0].detail).toBe('database unreachable');
  });
});

describe('grouping and inhibition', () => {
  it('half a part or more in alarm raises the part and inhibits its devices', async () => {
    const e = await run(
      catalog((d, ls) => (d.startsWith('A') && d !== 'A4' && ls >= 10 && ls < 20 ? 0 : d === 'B2' && ls >= 30 && ls < 40 ? 0 : live(d, ls))),
      [band],
    );
    const f = e.checks[0].findings;
    const active = activeFindings(e.checks[0]);
    expect(active.map((x) => x.unit.key).sort()).toEqual(['A', 'B/B2']);
    expect(f.filter((x) => x.inhibitedBy).map((x) => [x.unit.key, x.inhibitedBy])).toEqual([
      ['A/A1', 'low on A'],
      ['A/A2', 'low on A'],
      ['A/A3', 'low on A'],
    ]);
    const parent = active.find((x) => x.unit.key === 'A')!;
    expect(parent.sentence).toMatch(/^A: voltage low on 3 of 4 devices; worst A\d \(A\): Voltage 0 V, below the allowed minimum of 100 V/);
    expect(parent.devices.sort()).toEqual(['A1', 'A2', 'A3']);
  });

  it('a whole detector off raises one alarm for all of it', async () => {
    const e = await run(
      catalog((d, ls) => (ls >= 10 && ls < 20 ? 0 : live(d, ls))),
      [band],
    );
    expect(activeFindings(e.checks[0]).map((x) => x.unit.key)).toEqual(['*']);
    expect(activeFindings(e.checks[0])[0].sentence).toMatch(/^Readings: voltage low on 2 of 2 parts; worst A: voltage low on 4 of 4 devices/);
    expect(e.checks[0].findings.filter((x) => x.inhibitedBy)).toHaveLength(10);
  });

  it('an alarm of one check inhibits the listed checks on the same device and below', async () => {
    const high = { id: 'high', kind: 'band', title: 'Voltage high', attribute: 'value', unit: 'V', max: 400, severity: 'warning' };
    const e = await run(
      catalog((d, ls) => (d === 'B1' && ls >= 10 && ls < 20 ? 0 : d === 'B2' && ls >= 10 && ls < 20 ? 0 : d === 'A1' && ls === 5 ? 500 : live(d, ls))),
      [{ ...band, inhibits: ['also-low'], rollup: false }, { ...band, id: 'also-low', title: 'Also low', for: '1 LS', rollup: false }, high],
    );
    const [low, also, hi] = e.checks;
    expect(activeFindings(low).map((x) => x.unit.key)).toEqual(['B/B1', 'B/B2']);
    expect(also.findings.map((x) => [x.unit.key, x.inhibitedBy])).toEqual([
      ['B/B1', 'low on B1'],
      ['B/B2', 'low on B2'],
    ]);
    expect(activeFindings(hi).map((x) => x.unit.key)).toEqual(['A/A1']);
  });
});
