import { describe, expect, it } from 'vitest';
import { localToInstant, parseLocalDateTime, plusDays } from '../../../src/http/work-report/local-time.ts';

const WARSAW = 'Europe/Warsaw';
const at = (text: string, zone = WARSAW): string => {
  const local = parseLocalDateTime(text);
  if (local === null) throw new Error(`unparsed ${text}`);
  return new Date(localToInstant(local, zone)).toISOString();
};

describe('Thulium local date-times', () => {
  it('accepts the three documented forms and nothing else', () => {
    expect(parseLocalDateTime('2024-01-15')).toEqual({ year: 2024, month: 1, day: 15, hour: 0, minute: 0, second: 0, dateOnly: true });
    expect(parseLocalDateTime('2024-01-15 10:45')).toMatchObject({ hour: 10, minute: 45, second: 0, dateOnly: false });
    expect(parseLocalDateTime('2024-01-15 10:45:30')).toMatchObject({ hour: 10, minute: 45, second: 30, dateOnly: false });
    for (const bad of ['2024-1-15', '2024-01-15T10:45', '2024-01-15 10', '2024-02-30', '2024-01-15 24:00', '2024-01-15 10:60', '2024-01-15Z', '']) {
      expect(parseLocalDateTime(bad), bad).toBeNull();
    }
  });

  it('reads wall clock in the zone: winter +01:00, summer +02:00', () => {
    expect(at('2024-01-15 10:00')).toBe('2024-01-15T09:00:00.000Z');
    expect(at('2024-07-15 10:00')).toBe('2024-07-15T08:00:00.000Z');
    expect(at('2024-07-15 10:00', 'UTC')).toBe('2024-07-15T10:00:00.000Z');
  });

  it('resolves the repeated fall-back hour to the first (earlier) instant', () => {
    expect(at('2024-10-27 02:00')).toBe('2024-10-27T00:00:00.000Z');
    expect(at('2024-10-27 02:30:00')).toBe('2024-10-27T00:30:00.000Z');
    expect(at('2024-10-27 03:00')).toBe('2024-10-27T02:00:00.000Z');
  });

  it('moves a skipped spring-forward time forward by the gap', () => {
    expect(at('2024-03-31 02:30')).toBe('2024-03-31T01:30:00.000Z');
    expect(at('2024-03-31 03:00')).toBe('2024-03-31T01:00:00.000Z');
  });

  it('a date-only date_to is the next local midnight, across month and year ends', () => {
    const next = (text: string): string => new Date(localToInstant(plusDays(parseLocalDateTime(text)!, 1), WARSAW)).toISOString();
    expect(next('2024-12-31')).toBe('2024-12-31T23:00:00.000Z');
    expect(next('2024-02-28')).toBe('2024-02-28T23:00:00.000Z');
    expect(localToInstant(plusDays(parseLocalDateTime('2024-10-27')!, 1), WARSAW) - localToInstant(parseLocalDateTime('2024-10-27')!, WARSAW)).toBe(25 * 3_600_000);
  });
});
