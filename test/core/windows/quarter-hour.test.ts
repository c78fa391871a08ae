import { expect, it } from 'vitest';
import { isQuarterHourBoundary, quarterHourEnd, quarterHourStart } from '../../../src/core/windows/quarter-hour.ts';

it('aligns windows to UTC quarter-hours, also before 1970', () => {
  const t = Date.UTC(2019, 11, 3, 7, 29, 59, 999);
  expect(quarterHourStart(t)).toBe(Date.UTC(2019, 11, 3, 7, 15));
  expect(quarterHourEnd(t)).toBe(Date.UTC(2019, 11, 3, 7, 30));
  expect(quarterHourStart(Date.UTC(2019, 11, 3, 7, 30))).toBe(Date.UTC(2019, 11, 3, 7, 30));
  expect(quarterHourStart(-1)).toBe(-900_000);
  expect(isQuarterHourBoundary(Date.UTC(2019, 11, 3, 7, 45))).toBe(true);
  expect(isQuarterHourBoundary(Date.UTC(2019, 11, 3, 7, 45, 0, 1))).toBe(false);
});
