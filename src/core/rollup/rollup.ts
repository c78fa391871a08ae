import type { QuarterHourAggregate } from '../replay/quarter-hour-aggregation.ts';
import type { SourceId } from '../source/source-id.ts';
import { UNKNOWN_PART_KEY } from '../statistic/history-part.ts';
import type { MetricVector, ReadonlyVector } from '../statistic/metric-vector.ts';
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
  /** The first component's start and the last component's end: the quarter-hours the row is made of lie in [spanStart, spanEnd). */
  readonly spanStart: number;
  readonly spanEnd: number;
  readonly vector: MetricVector;
  readonly maxChangeTime: number;
  readonly coverage: FieldCoverage;
  readonly sources: readonly SourceId[];
  /** The key-wise sum of the components' extras (a key counts where any component has it); absent when none has any. */
  readonly extras?: Record<string, number>;
  /**
   * With `breakdown`: the part-wise sum of the components' agentHistory breakdowns (history-part.ts); a component
   * without one adds its whole vector to the part without dimensions. Absent without `breakdown`.
   */
  readonly parts?: ReadonlyMap<string, ReadonlyVector>;
}

/**
 * What {@link rollUpComponents} sums: a stored quarter-hour, or a period already rolled up from consecutive
 * quarter-hours of one user that lie inside one period of the target category (a local day inside its week, month
 * or year). Summing components gives the same row as summing their quarter-hours, because every part of a row is an
 * associative merge: sums, OR, distinct sorted sources, and max with ties to the later component.
 */
export interface RollupComponent {
  readonly userId: string;
  readonly userName: string;
  /** Where the component's quarter-hours begin (its first one's start) and end (its last one's end). */
  readonly spanStart: number;
  readonly spanEnd: number;
  readonly vector: Readonly<MetricVector>;
  readonly maxChangeTime: number;
  readonly coverage: Readonly<FieldCoverage>;
  readonly sources: readonly SourceId[];
  readonly extras?: Readonly<Record<string, number>>;
  /** The agentHistory breakdown (part key → vector, summing to `vector`); absent: unknown. */
  readonly parts?: ReadonlyMap<string, ReadonlyVector>;
}

function addExtras(target: OpenPeriod, extras: Readonly<Record<string, number>> | undefined): void {
  if (extras === undefined) return;
  const sum = (target.extras ??= {});
  for (const key of Object.keys(extras)) sum[key] = (sum[key] ?? 0) + (extras[key] ?? 0);
}

function addParts(target: OpenPeriod, component: RollupComponent): void {
  const sum = (target.parts ??= new Map());
  const add = (key: string, vector: ReadonlyVector): void => {
    const into = sum.get(key);
    if (into === undefined) sum.set(key, Float64Array.from(vector));
    else for (let i = 0; i < METRIC_COUNT; i++) into[i]! += vector[i] ?? 0;
  };
  if (component.parts === undefined) add(UNKNOWN_PART_KEY, component.vector);
  else for (const [key, vector] of component.parts) add(key, vector);
}

function addSources(sources: SourceId[], added: readonly SourceId[]): void {
  let changed = false;
  for (const source of added) {
    if (sources.includes(source)) continue;
    sources.push(source);
    changed = true;
  }
  if (changed) sources.sort();
}

/** A stored quarter-hour as a roll-up component. */
export function quarterHourComponent(row: QuarterHourAggregate): RollupComponent {
  return {
    userId: row.userId,
    userName: row.userName,
    spanStart: row.start,
    spanEnd: row.start + QUARTER_HOUR_MS,
    vector: row.vector,
    maxChangeTime: row.maxChangeTime,
    coverage: row.coverage,
    sources: [row.source],
    ...(row.extras === undefined ? {} : { extras: row.extras }),
    ...(row.parts === undefined ? {} : { parts: row.parts }),
  };
}

/**
 * Rolls components (sorted by userId, then spanStart; each inside one `category` period of `zone`) up to
 * `category` periods of the IANA `zone`. Output is sorted by userId, then start. `all` yields one period per user
 * spanning its first to last contributing quarter-hour. A component that crosses a period boundary is a caller
 * error (RangeError): only quarter-hours, and periods that nest in the target category, can be summed. With
 * `breakdown` the periods carry `parts`, the sum of the components' agentHistory breakdowns.
 */
export function rollUpComponents(components: readonly RollupComponent[], category: TimeCategory, zone: string, breakdown = false): PeriodAggregate[] {
  const periods = new Map<number, Period>();
  const out: PeriodAggregate[] = [];
  let current: OpenPeriod | undefined;
  for (const component of components) {
    let period: Period;
    if (category === 'all') {
      period = { start: component.spanStart, end: component.spanEnd, label: 'all' };
    } else if (current !== undefined && component.spanStart >= current.start && component.spanStart < current.end) {
      // periods partition time: a start inside the open period's bounds lies in that period
      period = { start: current.start, end: current.end, label: current.label };
      if (component.spanEnd > period.end) throw new RangeError(`a component [${component.spanStart}, ${component.spanEnd}) crosses the ${category} period ending at ${period.end}`);
    } else {
      const cached = periods.get(component.spanStart);
      period = cached ?? periodOf(component.spanStart, category, zone);
      if (cached === undefined) periods.set(component.spanStart, period);
      if (component.spanEnd > period.end) throw new RangeError(`a component [${component.spanStart}, ${component.spanEnd}) crosses the ${category} period ending at ${period.end}`);
    }
    const extends_ = current !== undefined && current.userId === component.userId && (category === 'all' || current.start === period.start);
    if (current !== undefined && extends_) {
      mergeComponent(current, component, category, breakdown);
      continue;
    }
    if (current !== undefined) out.push(current);
    current = openPeriod(component, period, breakdown);
  }
  if (current !== undefined) out.push(current);
  return out;
}

/** A period being summed: a PeriodAggregate whose fields {@link mergeComponent} updates in place. */
export type OpenPeriod = { -readonly [K in keyof PeriodAggregate]: PeriodAggregate[K] } & { sources: SourceId[]; parts?: Map<string, MetricVector> };

/** Opens `period` (of `category`, holding the component's span) with its first component. */
export function openPeriod(component: RollupComponent, period: Period, breakdown: boolean): OpenPeriod {
  const current: OpenPeriod = {
    userId: component.userId,
    userName: component.userName,
    label: period.label,
    start: period.start,
    end: period.end,
    spanStart: component.spanStart,
    spanEnd: component.spanEnd,
    vector: Float64Array.from(component.vector),
    maxChangeTime: component.maxChangeTime,
    coverage: Uint8Array.from(component.coverage),
    sources: [...component.sources].sort(),
  };
  addExtras(current, component.extras);
  if (breakdown) addParts(current, component);
  return current;
}

/**
 * Adds a later component of the same user and period to `current` (in place): the one merge step of every roll-up,
 * batch ({@link rollUpComponents}) or streaming (streaming-rollup.ts). Components must come in spanStart order.
 */
export function mergeComponent(current: OpenPeriod, component: RollupComponent, category: TimeCategory, breakdown: boolean): void {
  for (let i = 0; i < METRIC_COUNT; i++) current.vector[i]! += component.vector[i] ?? 0;
  mergeCoverage(current.coverage, component.coverage);
  addSources(current.sources, component.sources);
  addExtras(current, component.extras);
  if (breakdown) addParts(current, component);
  // userName: of the component with the greatest maxChangeTime; ties go to the later component
  if (component.maxChangeTime >= current.maxChangeTime) {
    current.userName = component.userName;
    current.maxChangeTime = component.maxChangeTime;
  }
  current.spanEnd = Math.max(current.spanEnd, component.spanEnd);
  if (category === 'all') current.end = current.spanEnd;
}

/**
 * Rolls quarter-hour aggregates (sorted by userId, then start) up to `category` periods of the
 * IANA `zone`. Output is sorted by userId, then start. `all` yields one period per user spanning
 * its first to last contributing quarter-hour.
 */
export function rollUp(quarterHours: readonly QuarterHourAggregate[], category: TimeCategory, zone: string, breakdown = false): PeriodAggregate[] {
  return rollUpComponents(quarterHours.map(quarterHourComponent), category, zone, breakdown);
}

/** A rolled-up period as a component of a coarser roll-up (a local day inside its week, month or year). */
export function periodComponent(period: PeriodAggregate): RollupComponent {
  return {
    userId: period.userId,
    userName: period.userName,
    spanStart: period.spanStart,
    spanEnd: period.spanEnd,
    vector: period.vector,
    maxChangeTime: period.maxChangeTime,
    coverage: period.coverage,
    sources: period.sources,
    ...(period.extras === undefined ? {} : { extras: period.extras }),
    ...(period.parts === undefined ? {} : { parts: period.parts }),
  };
}
