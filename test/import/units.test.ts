// Unit conversion and the attribute mapping of single rows in the shapes real OMS sends.
import { describe, expect, it } from 'vitest';
import { MAPPING_BY_RESOURCE, mapRow, RowError, type WireRow } from '../../src/import/mapping.js';
import { conversionFactor, parseUnit, UnitError } from '../../src/import/units.js';

describe('units', () => {
  it('converts between the luminosity, integrated-luminosity and other units OMS writes', () => {
    expect(conversionFactor('10^{34}cm^{-2}s^{-1}', '10^{30}cm^{-2}s^{-1}')).toBe(1e4);
    expect(conversionFactor('10^{30}cm^{-2}s^{-1}', '10^{34}cm^{-2}s^{-1}')).toBe(1e-4);
    expect(conversionFactor('Hz/ub', '10^{30}cm^{-2}s^{-1}')).toBe(1);
    expect(conversionFactor('1e33 cm^-2 s^-1', '10^{30}cm^{-2}s^{-1}')).toBe(1000);
    expect(conversionFactor('fb^{-1}', 'pb^{-1}')).toBe(1000);
    expect(conversionFactor('/nb', 'pb^{-1}')).toBe(0.001);
    expect(conversionFactor('kHz', 'Hz')).toBe(1000);
    expect(conversionFactor('mA', '{\\mu}A')).toBe(1000);
    expect(conversionFactor('fraction', '%')).toBe(100);
    expect(conversionFactor('mrad', '{\\mu}rad')).toBe(1000);
    expect(conversionFactor(null, 'Hz')).toBe(1);
    expect(conversionFactor('Hz', 'Hz')).toBe(1);
    expect(parseUnit('10^{34}cm^{-2}s^{-1}')).toEqual({ dimension: 'inst_lumi', factor: 1e34 });
  });

  it('refuses units it cannot vouch for', () => {
    expect(() => conversionFactor('Hz', 'pb^{-1}')).toThrow(UnitError);
    expect(() => conversionFactor('furlongs', 'cm')).toThrow(/unknown unit 'furlongs'/);
  });
});

const row = (attributes: Record<string, unknown>, units: Record<string, string> = {}): WireRow => ({
  id: 'x',
  attributes,
  meta: { row: Object.fromEntries(Object.entries(units).map(([k, u]) => [k, { units: u }])) },
});

describe('mapping rows', () => {
  it('takes OMS dead-time objects {counter, percent} and first/last lumisection numbers', () => {
    const m = MAPPING_BY_RESOURCE.get('deadtimes')!;
    const out = mapRow(
      m,
      row({
        run_number: 316187,
        first_lumisection_number: 12,
        last_lumisection_number: 12,
        overall_total_deadtime: { counter: 400, percent: 2.5 },
        overall_tts: { counter: 1, percent: 0.4 },
        beamactive_total_deadtime: { counter: null, percent: null },
      }),
      { pathIds: new Map() },
    );
    expect(out.get('deadtimes_ls')).toMatchObject({ run_number: 316187, lumisection_number: 12, overall_total_deadtime: 2.5, tts_deadtime: 0.4, beamactive_total_deadtime: null, apve_deadtime: null });
  });

  it('converts a declared fraction to the percent omsagg stores', () => {
    const out = mapRow(
      MAPPING_BY_RESOURCE.get('deadtimes')!,
      row({ run_number: 1, lumisection_number: 2, overall_total_deadtime: { percent: 0.025 } }, { 'overall_total_deadtime.percent': 'fraction' }),
      { pathIds: new Map() },
    );
    expect(out.get('deadtimes_ls')!.overall_total_deadtime).toBeCloseTo(2.5, 12);
  });

  it('refuses a folded row where one lumisection is expected, and a value of the wrong type', () => {
    const m = MAPPING_BY_RESOURCE.get('l1triggerrates')!;
    expect(() => mapRow(m, row({ run_number: 1, first_lumisection_number: 1, last_lumisection_number: 20 }), { pathIds: new Map() })).toThrow(/group\[granularity\]=lumisection/);
    expect(() => mapRow(MAPPING_BY_RESOURCE.get('runs')!, row({ run_number: 1, start_time: 'yesterday' }), { pathIds: new Map() })).toThrow(RowError);
  });

  it('stores datetimes in UTC whatever offset the source writes', () => {
    const out = mapRow(MAPPING_BY_RESOURCE.get('runs')!, row({ run_number: 1, start_time: '2018-05-01T02:00:00+02:00', end_time: '2018-05-01 03:00:00' }), { pathIds: new Map() });
    expect(out.get('runs')).toMatchObject({ start_time: '2018-05-01T00:00:00Z', end_time: '2018-05-01T03:00:00Z' });
  });
});
