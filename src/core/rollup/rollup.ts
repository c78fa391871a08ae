import type { QuarterHourAggregate } from '../replay/quarter-hour-aggregation.ts';
import type { SourceId } from '../source/source-id.ts';
import type { MetricVector } from '../statistic/metric-vector.ts';
import type { FieldCoverage } from '../statistic/published-metrics.ts';
import { mergeCoverage } from '../statistic/published-metrics.ts';
import { METRIC_COUNT } from '../statistic/metric-vector.ts';
import { QUARTER_HOUR_MS } from '../windows/quarter-hour.ts';
import type { Period, TimeCategory } from './period.ts';
import { periodOf } from './period.ts';

/**
 * One rolled-up row: the field-wise sum of a user's quarter-hours whose start lies in the period;
 * maxChangeTime is their max and userName that of the component with the greatest maxChangeTime
 * (ties: the later quarter-hour). `coverage` is the OR of the components' coverages and `sources` their distinct
 * sources, sorted: publish it with publishCovered (published-metrics.ts), which makes a field null unless every
 * component supplied it.
 */
export interface PeriodAggregate {
  readonly userId: string;
  readonly userName: string;
  readonly label: string;
  readonly start: number;
  readonly end: number;
  readonly vector: MetricVector;
  readonly maxChangeTime: number;
  readonly coverage: FieldCoverage;
  readonly sources: readonly SourceId[];
  /** The key-wise sum of the components' extras (a key counts where any component has it); absent when none has any. */
  readonly extras?: Record<string, number>;
}

type OpenPeriod = { -readonly [K in keyof PeriodAggregate]: PeriodAggregate[K] } & { sources: SourceId[] };

function addExtras(target: OpenPeriod, extras: Readonly<Record<string, number>> | undefined): void {
  if (extras === undefined) return;
  const sum = (target.extras ??= {});
  for (const key of Object.keys(extras)) sum[key] = (sum[key] ?? 0) + (extras[key] ?? 0);
}

function addSource(sources: SourceId[], source: SourceId): void {
  if (sources.includes(source)) return;
  sources.push(source);
  sources.sort();
}

/**
 * Rolls quarter-hour aggregates (sorted by userId, then start) up to `category` periods of the
 * IANA `zone`. Output is sorted by userId, then start. `all` yields one period per user spanning
 * its first to last contributing quarter-hour.
 */
export function rollUp(
  quarterHours: readonly QuarterHourAggregate[],
  category: TimeCategory,
  zone: string,
): PeriodAggregate[] {
  const periods = new Map<number, Period>();
  const out: PeriodAggregate[] = [];
  let current: OpenPeriod | undefined;
  for (const row of quarterHours) {
    let period: Period;
    if (category === 'all') {
      period = { start: row.start, end: row.start + QUARTER_HOUR_MS, label: 'all' };
    } else {
      const cached = periods.get(row.start);
      period = cached ?? periodOf(row.start, category, zone);
      if (cached === undefined) periods.set(row.start, period);
    }
    const extends_ =
      current !== undefined &&
      current.userId === row.userId &&
      (category === 'all' || current.start === period.start);
    if (current !== undefined && extends_) {
      for (let i = 0; i < METRIC_COUNT; i++) current.vector[i]! += row.vector[i] ?? 0;
      mergeCoverage(current.coverage, row.coverage);
      addSource(current.sources, row.source);
      addExtras(current, row.extras);
      // userName: of the component with the greatest maxChangeTime; ties go to the later quarter-hour
      if (row.maxChangeTime >= current.maxChangeTime) {
        current.userName = row.userName;
        current.maxChangeTime = row.maxChangeTime;
      }
      if (category === 'all') current.end = Math.max(current.end, period.end);
      continue;
    }
    if (current !== undefined) out.push(current);
    current = {
      userId: row.userId,
      userName: row.userName,
      label: period.label,
      start: period.start,
      end: period.end,
      vector: Float64Array.from(row.vector),
      maxChangeTime: row.maxChangeTime,
      coverage: Uint8Array.from(row.coverage),
      sources: [row.source],
    };
    addExtras(current, row.extras);
  }
  if (current !== undefined) out.push(current);
  return out;
}
