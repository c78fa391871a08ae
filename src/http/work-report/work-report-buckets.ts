import { DateTime } from 'luxon';
import type { Period } from '../../core/rollup/period.ts';
import { periodOf } from '../../core/rollup/period.ts';
import type { Granularity } from './work-report-query.ts';

/** The /agentStatistic roll-up level whose periods make up a granularity's buckets. */
export type BucketCategory = 'hour' | 'day' | 'week' | 'month' | 'year';

/**
 * The buckets of one report: their labels in output order, and which bucket each roll-up period (by its start) feeds.
 * A bucket of `hour_of_day` gathers every local hour with that hour number; every other bucket is one period.
 */
export interface BucketPlan {
  readonly category: BucketCategory;
  readonly labels: readonly string[];
  readonly bucketOf: ReadonlyMap<number, number>;
}

function label(granularity: Granularity, period: Period, zone: string): string {
  switch (granularity) {
    case 'hour_of_day':
      return DateTime.fromMillis(period.start, { zone }).toFormat('HH');
    case 'hour':
      return DateTime.fromMillis(period.start, { zone }).toFormat('yyyy-MM-dd HH');
    default:
      // day yyyy-MM-dd, week kkkk-'W'WW (ISO), month yyyy-MM, year yyyy: the /agentStatistic labels are Thulium's
      return period.label;
  }
}

/**
 * The buckets of [from, to) (quarter-hour instants) in the IANA `zone`: every local period of the granularity that
 * overlaps the range, clipped to it (a clipped bucket gets only the quarter-hours inside the range, keeping its
 * label). Periods are the core roll-up's ({@link periodOf}), so a day is 92, 96 or 100 quarter-hours and the repeated
 * fall-back hour is two `hour` buckets with one label, in time order. `hour_of_day` buckets are ordered by label
 * (00..23); the others by start. Throws RangeError for an invalid zone.
 */
export function reportBuckets(from: number, to: number, granularity: Granularity, zone: string): BucketPlan {
  const category: BucketCategory = granularity === 'hour_of_day' ? 'hour' : granularity;
  const periods: Period[] = [];
  for (let period = periodOf(from, category, zone); period.start < to; period = periodOf(period.end, category, zone)) periods.push(period);
  const labels = periods.map((period) => label(granularity, period, zone));
  if (granularity !== 'hour_of_day') return { category, labels, bucketOf: new Map(periods.map((period, index) => [period.start, index])) };
  const distinct = [...new Set(labels)].sort();
  const index = new Map(distinct.map((text, position) => [text, position]));
  return { category, labels: distinct, bucketOf: new Map(periods.map((period, k) => [period.start, index.get(labels[k] ?? '') ?? 0])) };
}
