// Periods: aligned on their length (24h → UTC days), named for the repository, parsed from the
// command line with clear errors; durations with their units.
import { describe, expect, it } from 'vitest';
import { alignedEnd, makePeriod, parseTime, PeriodError, previousPeriod, resolvePeriod } from '../../src/reports/period.js';
import { durationLs, formatNumber, lsDuration, parseDuration, withUnit } from '../../src/reports/units.js';

describe('periods', () => {
  it('the default period ends at the latest boundary: midnight UTC for 24h, 00/08/16 UTC for 8h', () => {
    const now = new Date('2018-06-16T06:30:00Z');
    expect(resolvePeriod('24h', undefined, now)).toEqual({ start: '2018-06-15T00:00:00Z', end: '2018-06-16T00:00:00Z', seconds: 86400, label: '24h', key: '2018-06-15' });
    expect(resolvePeriod('8h', undefined, now)).toMatchObject({ start: '2018-06-15T16:00:00Z', end: '2018-06-16T00:00:00Z', key: '2018-06-15T1600Z_8h' });
    expect(alignedEnd(new Date('2018-06-16T00:00:00Z'), 86400).toISOString()).toBe('2018-06-16T00:00:00.000Z');
  });

  it('--at names the end; a day report is keyed by its date, others by start and length', () => {
    expect(resolvePeriod('24h', '2018-06-16').key).toBe('2018-06-15');
    expect(resolvePeriod('24h', '2018-06-16T06:00Z').key).toBe('2018-06-15T0600Z_24h');
    expect(resolvePeriod('7d', '2018-06-22').key).toBe('2018-06-15T0000Z_7d');
    expect(previousPeriod(resolvePeriod('24h', '2018-06-16')).key).toBe('2018-06-14');
    expect(makePeriod(new Date('2018-06-16T00:00:00Z'), 90 * 60).label).toBe('90min');
  });

  it('bad values are errors that say what is expected', () => {
    expect(() => resolvePeriod('3 parsecs')).toThrow(PeriodError);
    expect(() => resolvePeriod('5min')).toThrow('a report covers at least 10 min');
    expect(() => resolvePeriod('24h', '16/06/2018')).toThrow("'16/06/2018' is not a UTC time (use 2018-06-16 or 2018-06-16T06:00Z)");
    expect(() => parseTime('2018-02-30')).toThrow("'2018-02-30' is not a valid date");
    expect(() => parseTime('2018-06-16T25:00Z')).toThrow("'2018-06-16T25:00Z' is not a valid date");
  });
});

describe('durations and numbers with units', () => {
  it('parses what people write', () => {
    expect(parseDuration('24h')).toBe(86400);
    expect(parseDuration('30 min')).toBe(1800);
    expect(parseDuration('5 LS')).toBeCloseTo(116.55, 2);
    expect(durationLs('10 min')).toBe(26);
    expect(() => parseDuration('0h')).toThrow('longer than zero');
  });

  it('formats numbers with their unit, a real minus and thin-space digit groups', () => {
    expect(withUnit(-17.234, '{\\deg}C')).toBe('−17.23 °C');
    expect(withUnit(105000, 'Hz')).toBe('105\u2009000 Hz');
    expect(withUnit(3.2, '%')).toBe('3.2 %');
    expect(withUnit(0.00027, '{\\mu}A')).toBe('2.700 × 10^-4 µA');
    expect(formatNumber(0)).toBe('0');
    expect(lsDuration(1)).toBe('1 lumisection (23 s)');
    expect(lsDuration(26)).toBe('26 lumisections (10.1 min)');
    expect(lsDuration(400)).toBe('400 lumisections (2.59 h)');
  });
});
