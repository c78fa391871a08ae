import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysFromCivil, formatUtc, parseTimestamp, parseTimestampPattern } from '../../../src/core/time/timestamp.ts';

describe('parseTimestamp', () => {
  it('reads the Sinch space format as UTC', () => {
    expect(parseTimestamp('2019-12-03 07:19:59.127')).toBe(Date.UTC(2019, 11, 3, 7, 19, 59, 127));
    expect(parseTimestamp('2019-12-03 07:19:59')).toBe(Date.UTC(2019, 11, 3, 7, 19, 59));
    expect(parseTimestamp('2019-12-03 07:19:59.5')).toBe(Date.UTC(2019, 11, 3, 7, 19, 59, 500));
  });
  it('reads ISO-8601 with Z, ±HH:MM and ±HHMM, truncating long fractions', () => {
    expect(parseTimestamp('2019-12-03T07:19:59.127Z')).toBe(Date.UTC(2019, 11, 3, 7, 19, 59, 127));
    expect(parseTimestamp('2019-12-03T09:19:59.127+02:00')).toBe(Date.UTC(2019, 11, 3, 7, 19, 59, 127));
    expect(parseTimestamp('2019-12-03T02:19:59-0500')).toBe(Date.UTC(2019, 11, 3, 7, 19, 59));
    expect(parseTimestamp('2019-12-03T07:19:59.1279999Z')).toBe(Date.UTC(2019, 11, 3, 7, 19, 59, 127));
  });
  it('rejects other shapes and impossible dates', () => {
    for (const bad of [
      '2019-02-30 00:00:00',
      '2019-13-01 00:00:00',
      '2019-12-03 24:00:00',
      '2019-12-03T07:19:59',
      '2019-12-03 07:19:59Z',
      '2019-12-03 07:19:59.1234',
      '2019-12-03',
      '03.12.2019 07:19',
      '2019-12-03T07:19:59+2:00',
      '',
    ]) {
      expect(parseTimestamp(bad), bad).toBeNaN();
    }
    expect(parseTimestamp('2020-02-29 00:00:00')).toBe(Date.UTC(2020, 1, 29));
    expect(parseTimestamp('1900-02-29 00:00:00')).toBeNaN();
  });
  it('formats ISO UTC with milliseconds', () => {
    expect(formatUtc(Date.UTC(2019, 11, 3, 7, 15))).toBe('2019-12-03T07:15:00.000Z');
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(1969, 12, 31)).toBe(-1);
  });
  it('reads YYYY-MM-DD HH:mm:ss.fff without the pattern exactly as with it, valid or not', () => {
    const text = fc.tuple(fc.date({ min: new Date(-5e13), max: new Date(5e13), noInvalidDate: true }), fc.array(fc.tuple(fc.nat(22), fc.constantFrom('0', '9', ' ', '-', ':', '.', 'x', '/', '+', '٣')), { maxLength: 3 })).map(([date, edits]) => {
      const chars = [...new Date(date.getTime()).toISOString().replace('T', ' ').replace('Z', '').padStart(23, '0').slice(-23)];
      for (const [at, c] of edits) chars[at] = c;
      return chars.join('');
    });
    fc.assert(fc.property(text, (t) => Object.is(parseTimestamp(t), parseTimestampPattern(t))), { numRuns: 20_000, seed: 7 });
    for (const t of ['2019-02-29 00:00:00.000', '2020-02-29 23:59:59.999', '2019-12-03 24:00:00.000', '0000-01-01 00:00:00.000', '2019-13-01 00:00:00.000', '2019-12-3  07:19:59.127']) {
      expect(Object.is(parseTimestamp(t), parseTimestampPattern(t)), t).toBe(true);
    }
  });
});
