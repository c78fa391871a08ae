import { describe, expect, it } from 'vitest';
import { isValidTimeZone, periodOf } from '../../../src/core/rollup/period.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

describe('local periods', () => {
  it('labels quarter-hours and hours with the local offset (UTC prints Z)', () => {
    const t = Date.UTC(2019, 11, 3, 7, 15);
    expect(periodOf(t, 'quarterHour', 'UTC').label).toBe('2019-12-03T07:15:00.000Z');
    expect(periodOf(t, 'quarterHour', 'Europe/Helsinki').label).toBe('2019-12-03T09:15:00.000+02:00');
    const hour = periodOf(t, 'hour', 'Asia/Kolkata');
    expect([hour.label, iso(hour.start), iso(hour.end)]).toEqual(['2019-12-03T12:00:00.000+05:30', '2019-12-03T06:30:00.000Z', '2019-12-03T07:30:00.000Z']);
  });
  it('has 23 h and 25 h local days across DST (Europe/Helsinki, America/New_York)', () => {
    const spring = periodOf(Date.UTC(2024, 2, 31, 12), 'day', 'Europe/Helsinki');
    expect([spring.label, iso(spring.start), spring.end - spring.start]).toEqual(['2024-03-31', '2024-03-30T22:00:00.000Z', 23 * 3_600_000]);
    const autumn = periodOf(Date.UTC(2024, 9, 27, 12), 'day', 'Europe/Helsinki');
    expect([autumn.label, iso(autumn.start), autumn.end - autumn.start]).toEqual(['2024-10-27', '2024-10-26T21:00:00.000Z', 25 * 3_600_000]);
    const ny = periodOf(Date.UTC(2024, 10, 3, 12), 'day', 'America/New_York');
    expect([iso(ny.start), iso(ny.end)]).toEqual(['2024-11-03T04:00:00.000Z', '2024-11-04T05:00:00.000Z']);
  });
  it('uses ISO weeks (Monday start, week-year labels)', () => {
    expect(periodOf(Date.UTC(2019, 11, 30, 12), 'week', 'UTC').label).toBe('2020-W01');
    expect(periodOf(Date.UTC(2021, 0, 3, 12), 'week', 'UTC').label).toBe('2020-W53');
    const w = periodOf(Date.UTC(2019, 11, 3, 7), 'week', 'Europe/Helsinki');
    expect([w.label, iso(w.start), iso(w.end)]).toEqual(['2019-W49', '2019-12-01T22:00:00.000Z', '2019-12-08T22:00:00.000Z']);
  });
  it('labels months and years and validates zones', () => {
    expect(periodOf(Date.UTC(2019, 11, 31, 23), 'month', 'Europe/Helsinki').label).toBe('2020-01');
    expect(periodOf(Date.UTC(2019, 11, 31, 23), 'year', 'Europe/Helsinki').label).toBe('2020');
    expect(isValidTimeZone('Europe/Helsinki')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(() => periodOf(0, 'day', 'Mars/Olympus')).toThrow(RangeError);
  });
});
