import type { Period, TimeCategory } from '../core/rollup/period.ts';
import { periodOf } from '../core/rollup/period.ts';

/** A half-open range of quarter-hour starts, epoch ms. */
export interface QuarterHourRange {
  readonly from: number;
  readonly to: number;
}

/** What one /agentStatistic request reads: stored quarter-hours in `quarterHours`, and stored local days `days` of the zone. */
export interface StatisticReadPlan {
  readonly quarterHours: readonly QuarterHourRange[];
  readonly days: readonly Period[];
}

/** Categories whose periods are made of whole local days: they can be summed from day aggregates. */
const DAY_MULTIPLES: ReadonlySet<TimeCategory> = new Set(['day', 'week', 'month', 'year', 'all']);

/**
 * Splits the requested range [from, to) into the local days of `zone` that lie wholly inside it (read from the day
 * aggregates) and the rest (read as quarter-hours): at most a partial day at each end, and whole days older than
 * `oldestWholeDay` (whose quarter-hours retention may have thinned). Without `aggregated` (no day aggregates of the
 * zone in a complete store) or for quarterHour and hour rows, everything is read as quarter-hours. The cost of the read
 * is then about one stored value per user and day, not per quarter-hour.
 */
export function planStatisticRead(from: number, to: number, category: TimeCategory, zone: string, options: { aggregated: boolean; oldestWholeDay: number }): StatisticReadPlan {
  if (!options.aggregated || !DAY_MULTIPLES.has(category) || to <= from) return { quarterHours: to > from ? [{ from, to }] : [], days: [] };
  const quarterHours: QuarterHourRange[] = [];
  const days: Period[] = [];
  const addQuarterHours = (start: number, end: number): void => {
    const last = quarterHours.at(-1);
    if (last !== undefined && last.to === start) quarterHours[quarterHours.length - 1] = { from: last.from, to: end };
    else quarterHours.push({ from: start, to: end });
  };
  let day = periodOf(from, 'day', zone);
  let cursor = from;
  while (cursor < to) {
    const end = Math.min(day.end, to);
    if (day.start === cursor && day.end <= to && day.start >= options.oldestWholeDay) days.push(day);
    else addQuarterHours(cursor, end);
    cursor = end;
    if (cursor < to) day = periodOf(cursor, 'day', zone);
  }
  return { quarterHours, days };
}
