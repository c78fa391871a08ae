import { DateTime } from 'luxon';
import { isQuarterHourBoundary, QUARTER_HOUR_MS } from '../windows/quarter-hour.ts';

/** Aggregation levels of agentStatistic (RAI `timeCategory`). */
export type TimeCategory = 'quarterHour' | 'hour' | 'day' | 'week' | 'month' | 'year' | 'all';

export const TIME_CATEGORIES: readonly TimeCategory[] = ['quarterHour', 'hour', 'day', 'week', 'month', 'year', 'all'];

/** A local reporting period: [start, end) in epoch ms and its label. */
export interface Period {
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

export function isTimeCategory(value: string): value is TimeCategory {
  return (TIME_CATEGORIES as readonly string[]).includes(value);
}

/** True when `zone` is an IANA zone name (or UTC) that luxon can use. */
export function isValidTimeZone(zone: string): boolean {
  return DateTime.fromMillis(0, { zone }).isValid;
}

const UNIT = { hour: 'hour', day: 'day', week: 'week', month: 'month', year: 'year' } as const;

function label(category: Exclude<TimeCategory, 'all'>, start: DateTime): string {
  switch (category) {
    case 'quarterHour':
    case 'hour':
      return start.toISO({ suppressMilliseconds: false }) ?? '';
    case 'day':
      return start.toFormat('yyyy-MM-dd');
    case 'week':
      return start.toFormat("kkkk-'W'WW");
    case 'month':
      return start.toFormat('yyyy-MM');
    case 'year':
      return start.toFormat('yyyy');
  }
}

/**
 * The local period of `category` in `zone` that contains the quarter-hour starting at
 * `quarterStart`. Throws RangeError when the zone is invalid or a period boundary is not on a
 * quarter-hour (impossible for modern zones).
 */
export function periodOf(quarterStart: number, category: Exclude<TimeCategory, 'all'>, zone: string): Period {
  const local = DateTime.fromMillis(quarterStart, { zone });
  if (!local.isValid) throw new RangeError(`invalid time zone: ${zone}`);
  if (category === 'quarterHour') {
    return { start: quarterStart, end: quarterStart + QUARTER_HOUR_MS, label: label(category, local) };
  }
  const unit = UNIT[category];
  const startDt = local.startOf(unit);
  const start = startDt.toMillis();
  const end = startDt.plus({ [unit]: 1 }).startOf(unit).toMillis();
  if (!isQuarterHourBoundary(start) || !isQuarterHourBoundary(end)) {
    throw new RangeError(`${category} boundary in ${zone} is not on a quarter-hour`);
  }
  return { start, end, label: label(category, startDt) };
}
