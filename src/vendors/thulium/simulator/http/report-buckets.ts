import { DateTime } from 'luxon';
import type { Aggregation } from './report-request.ts';

/** One `period` of a report: its label and the instants it covers, [start, end) spans clipped to the range. */
export interface Bucket {
  readonly label: string;
  readonly spans: ReadonlyArray<readonly [number, number]>;
}

const LABEL: Record<Aggregation, string> = {
  minute: 'yyyy-MM-dd HH:mm',
  hour: 'yyyy-MM-dd HH',
  day: 'yyyy-MM-dd',
  week: "kkkk-'W'WW",
  month: 'yyyy-MM',
  year: 'yyyy',
  hour_of_day: 'HH',
};

type Unit = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/** The start of the local `unit` holding `t`; minutes and hours by elapsed time, so a repeated hour is its own bucket. */
function unitStart(t: number, unit: Unit, zone: string): number {
  const local = DateTime.fromMillis(t, { zone });
  if (unit === 'minute') return t - local.second * 1_000 - local.millisecond;
  if (unit === 'hour') return t - (local.minute * 60 + local.second) * 1_000 - local.millisecond;
  return local.startOf(unit).toMillis();
}

/** The start of the next local `unit`: elapsed 60 s / 3600 s, or the next calendar day, ISO week, month, year. */
function nextStart(start: number, unit: Unit, zone: string): number {
  if (unit === 'minute') return start + 60_000;
  if (unit === 'hour') return start + 3_600_000;
  return DateTime.fromMillis(start, { zone }).plus({ [`${unit}s`]: 1 }).startOf(unit).toMillis();
}

/**
 * The report's periods over [from, to): every local minute/hour/day/ISO week/month/year overlapping the range, in
 * time order, clipped to it. In the fall-back night the repeated hour's minutes and hour come twice with the same
 * label; a spring-forward day has no 02:xx. hour_of_day: one bucket per local hour of day met in the range, `HH`
 * order, each the union of its hours on every day.
 */
export function reportBuckets(aggregateBy: Aggregation, from: number, to: number, zone: string): Bucket[] {
  const unit: Unit = aggregateBy === 'hour_of_day' ? 'hour' : aggregateBy;
  const buckets: Bucket[] = [];
  for (let start = unitStart(from, unit, zone); start < to; ) {
    const end = nextStart(start, unit, zone);
    buckets.push({ label: DateTime.fromMillis(start, { zone }).toFormat(LABEL[aggregateBy]), spans: [[Math.max(start, from), Math.min(end, to)]] });
    start = end;
  }
  if (aggregateBy !== 'hour_of_day') return buckets;
  const byHour = new Map<string, Array<readonly [number, number]>>();
  for (const bucket of buckets) byHour.set(bucket.label, [...(byHour.get(bucket.label) ?? []), ...bucket.spans]);
  return [...byHour].sort(([a], [b]) => (a < b ? -1 : 1)).map(([label, spans]) => ({ label, spans }));
}
