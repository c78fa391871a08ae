import type { QuarterHourAggregate } from '../replay/quarter-hour-aggregation.ts';
import type { Period, TimeCategory } from './period.ts';
import { periodOf } from './period.ts';
import type { OpenPeriod, PeriodAggregate } from './rollup.ts';
import { mergeComponent, openPeriod, quarterHourComponent } from './rollup.ts';

/** Periods of distinct quarter-hours remembered before the cache is emptied (luxon is slow; quarter-hours come in time order). */
const PERIOD_CACHE_LIMIT = 4096;

/**
 * The roll-up of rollup.ts (`rollUp`) fed one final quarter-hour at a time, holding per user only the period still
 * open. Lifecycle: `add` each user's quarter-hours in start order (users interleaved freely), `close(before)` once
 * no quarter-hour starting before `before` can come any more, `closeAll()` at the end. Each returns the periods it
 * completed, as `rollUp` would have produced them (the same merge step, `mergeComponent`). `all` keeps one period
 * per user until `closeAll`: memory is bounded by users, not by quarter-hours.
 */
export class StreamingRollup {
  private readonly category: TimeCategory;
  private readonly zone: string;
  private readonly breakdown: boolean;
  private readonly open = new Map<string, OpenPeriod>();
  private readonly periods = new Map<number, Period>();

  constructor(category: TimeCategory, zone: string, breakdown: boolean) {
    this.category = category;
    this.zone = zone;
    this.breakdown = breakdown;
  }

  /** Adds a final quarter-hour; returns the user's previous period when this one starts a new period. */
  add(row: QuarterHourAggregate): PeriodAggregate | null {
    const component = quarterHourComponent(row);
    const current = this.open.get(row.userId);
    if (this.category === 'all') {
      if (current === undefined) this.open.set(row.userId, openPeriod(component, { start: component.spanStart, end: component.spanEnd, label: 'all' }, this.breakdown));
      else mergeComponent(current, component, 'all', this.breakdown);
      return null;
    }
    if (current !== undefined && row.start >= current.start && row.start < current.end) {
      mergeComponent(current, component, this.category, this.breakdown);
      return null;
    }
    this.open.set(row.userId, openPeriod(component, this.periodOf(row.start, this.category), this.breakdown));
    return current ?? null;
  }

  /** Removes and returns the open periods that end at or before `before` (none for `all`). */
  close(before: number): PeriodAggregate[] {
    const out: PeriodAggregate[] = [];
    if (this.category === 'all') return out;
    for (const [userId, period] of this.open) {
      if (period.end > before) continue;
      out.push(period);
      this.open.delete(userId);
    }
    return out;
  }

  /** Removes and returns every open period. */
  closeAll(): PeriodAggregate[] {
    const out = [...this.open.values()];
    this.open.clear();
    return out;
  }

  private periodOf(start: number, category: Exclude<TimeCategory, 'all'>): Period {
    let period = this.periods.get(start);
    if (period === undefined) {
      if (this.periods.size >= PERIOD_CACHE_LIMIT) this.periods.clear();
      period = periodOf(start, category, this.zone);
      this.periods.set(start, period);
    }
    return period;
  }
}
