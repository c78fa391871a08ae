import type { QuarterHourAggregate } from '../core/replay/quarter-hour-aggregation.ts';
import type { TimeCategory } from '../core/rollup/period.ts';
import { periodComponent, quarterHourComponent, rollUpComponents } from '../core/rollup/rollup.ts';
import type { PeriodAggregate, RollupComponent } from '../core/rollup/rollup.ts';
import { SEED_ORDER_METRIC_FIELDS } from '../core/statistic/agent-statistic-fields.ts';
import { sourceLabel } from '../core/replay/replay.ts';
import { publishCovered, publishedCoverage, publishedToVector } from '../core/statistic/published-metrics.ts';
import { formatUtc } from '../core/time/timestamp.ts';
import { breakdownParts } from '../state/history-parts.ts';
import type { QuarterHourRow } from '../state/store-types.ts';
import { BadRequest } from './bad-request.ts';
import type { CompletenessView } from './completeness.ts';
import { isFinal } from './completeness.ts';
import type { Row, RowSelection, RowValue, SelectedRows } from './row-selection.ts';
import { memoFormatUtc, selectIndices, selectRows, timeSortKeys } from './row-selection.ts';

/** Every field an /agentStatistic row can have, in output order: the filterable and sortable names. */
export const STATISTIC_FIELDS: readonly string[] = [
  'timeCategory',
  'userId',
  'userName',
  'intervalStart',
  'intervalEnd',
  ...SEED_ORDER_METRIC_FIELDS,
  'maxChangeTimestamp',
  'source',
  'final',
  'revision',
  'status',
];

export interface StatisticView {
  /** null: the RAI default (quarter-hour rows without a timeCategory field). */
  readonly category: TimeCategory | null;
  readonly zone: string;
  /** false: one row per period summed over all selected users, without userId/userName. */
  readonly showUser: boolean;
  readonly showCompleteness: boolean;
  /** The rounded endTime: data after it is not part of any row. */
  readonly rangeEnd: number;
}

const ALL_USERS = '';

/** A stored quarter-hour as the core roll-up's input (userId '' when summing over users). */
export function quarterHourAggregate(row: QuarterHourRow, showUser: boolean): QuarterHourAggregate {
  return {
    userId: showUser ? row.userId : ALL_USERS,
    userName: row.userName,
    start: row.intervalStart,
    vector: publishedToVector(row),
    maxChangeTime: row.maxChangeTimestamp,
    source: row.source,
    coverage: publishedCoverage(row),
    ...(row.extraFields !== undefined && Object.keys(row.extraFields).length > 0 ? { extras: row.extraFields } : {}),
  };
}

function rollUpOrReject(components: readonly RollupComponent[], category: TimeCategory, zone: string): PeriodAggregate[] {
  try {
    return rollUpComponents(components, category, zone);
  } catch (error) {
    if (error instanceof RangeError) throw new BadRequest(`Invalid timeZone: '${zone}' (${error.message})`);
    throw error;
  }
}

/**
 * The roll-up's input: stored quarter-hours and stored local days (day aggregates of the view's zone, disjoint from
 * the quarter-hours), by userId then start; without showUser all under one user '', by start, and at equal starts in
 * the order of their userIds, as the quarter-hours alone would be. With `breakdown` a quarter-hour carries its
 * agentHistory parts (absent: unknown).
 */
export function statisticComponents(stored: readonly QuarterHourRow[], days: readonly PeriodAggregate[], showUser: boolean, breakdown = false): RollupComponent[] {
  const keyed = [
    ...stored.map((row) => {
      const component = quarterHourComponent(quarterHourAggregate(row, showUser));
      const parts = breakdown && row.breakdown !== undefined && row.breakdown.length > 0 ? breakdownParts(row.breakdown) : undefined;
      return { userId: row.userId, component: parts === undefined ? component : { ...component, parts } };
    }),
    ...days.map((day) => ({ userId: day.userId, component: showUser ? periodComponent(day) : { ...periodComponent(day), userId: ALL_USERS } })),
  ];
  const byUser = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  keyed.sort((a, b) => (showUser ? byUser(a.userId, b.userId) || a.component.spanStart - b.component.spanStart : a.component.spanStart - b.component.spanStart || byUser(a.userId, b.userId)));
  return keyed.map((entry) => entry.component);
}

/**
 * Turns stored quarter-hour rows and stored local days (`days`, from the day aggregates, covering other times) into RAI
 * agentStatistic rows, rolled up by the core {@link rollUpComponents} exactly like the batch replay: the same periods,
 * labels, sums and maxChangeTimestamp. Every row names its `source` (sorted, comma-separated when a roll-up spans
 * sources). A metric is null where a stored component has it null: a sum over nulls is null, and a field that only
 * some components supply is null too and named in `partialFields` (absent when there is none), never a partial sum
 * (docs/http-api.md). With showCompleteness, each row gets `final` (its interval, clipped to
 * the range, ends at or before the completeness point; for a single stored quarter-hour also when the processor
 * emitted it final) and single quarter-hour rows get the stored `revision` and `status`.
 *
 * The rows are filtered, sorted and paged as {@link selectRows} does (the same page and total); without filters and
 * sorted by a field known before formatting (the default maxChangeTimestamp, userId, userName, timeCategory,
 * intervalStart, intervalEnd), only the page's rows are formatted, and timestamps are sorted as numbers (the order of
 * their ISO-8601 text for years 0–9999).
 */
export function statisticPage(stored: readonly QuarterHourRow[], view: StatisticView, completeness: CompletenessView, days: readonly PeriodAggregate[], selection: RowSelection): SelectedRows<Row> {
  const { periods, format } = statisticPeriods(stored, view, completeness, days);
  const keys = selection.filters.length > 0 ? undefined : sortKeys(periods, selection, view);
  if (keys === undefined) return selectRows(periods.map(format), selection);
  const { page, total } = selectIndices(keys, selection);
  return { page: page.map((index) => format(periods[index]!)), total };
}

/**
 * The values the periods' formatted rows have in the sort field, or values that sort the same, for the fields known
 * before formatting; undefined for other fields (the rows are then formatted to be sorted).
 */
function sortKeys(periods: readonly PeriodAggregate[], selection: RowSelection, view: StatisticView): readonly (RowValue | undefined)[] | undefined {
  const time = (value: (period: PeriodAggregate) => number): (RowValue | undefined)[] => timeSortKeys(periods.map(value), selection);
  switch (selection.sortField) {
    case 'maxChangeTimestamp':
      return time((period) => period.maxChangeTime);
    case 'intervalStart':
      return time((period) => period.start);
    case 'intervalEnd':
      return time((period) => period.end);
    case 'timeCategory':
      return periods.map((period) => (view.category === null ? undefined : period.label));
    case 'userId':
      return periods.map((period) => (view.showUser ? period.userId : undefined));
    case 'userName':
      return periods.map((period) => (view.showUser ? period.userName : undefined));
    default:
      return undefined;
  }
}

/**
 * The roll-up of `stored` and `days` to the view's periods. A stored local day of the view's zone is already its
 * user's day period, so day rows per user made only of stored days are those days as read (the roll-up of one
 * component is that component).
 */
function rolledUp(stored: readonly QuarterHourRow[], view: StatisticView, days: readonly PeriodAggregate[]): PeriodAggregate[] {
  const category = view.category ?? 'quarterHour';
  if (category === 'day' && view.showUser && stored.length === 0) return days.map(asDayPeriod);
  return rollUpOrReject(statisticComponents(stored, days, view.showUser), category, view.zone);
}

/** A stored day as its roll-up: with its sources sorted, as {@link rollUpComponents} keeps them. */
function asDayPeriod(day: PeriodAggregate): PeriodAggregate {
  const { sources } = day;
  for (let i = 1; i < sources.length; i++) if (sources[i - 1]! > sources[i]!) return { ...day, sources: [...sources].sort() };
  return day;
}

/** The rolled-up periods of a request and how each becomes an output row. */
function statisticPeriods(stored: readonly QuarterHourRow[], view: StatisticView, completeness: CompletenessView, days: readonly PeriodAggregate[]): { periods: PeriodAggregate[]; format: (period: PeriodAggregate) => Row } {
  const category = view.category ?? 'quarterHour';
  const periods = rolledUp(stored, view, days);
  const utc = memoFormatUtc();
  const single = category === 'quarterHour' && view.showUser ? new Map(stored.map((row) => [`${row.userId}|${row.intervalStart}`, row])) : undefined;
  const format = (period: PeriodAggregate): Row => {
    const out: Record<string, RowValue> = {};
    if (view.category !== null) out['timeCategory'] = period.label;
    if (view.showUser) {
      out['userId'] = period.userId;
      out['userName'] = period.userName;
    }
    out['intervalStart'] = utc(period.start);
    out['intervalEnd'] = utc(period.end);
    const { metrics, partialFields } = publishCovered(period.vector, period.coverage);
    for (const field of SEED_ORDER_METRIC_FIELDS) out[field] = metrics[field];
    out['maxChangeTimestamp'] = Number.isFinite(period.maxChangeTime) ? formatUtc(period.maxChangeTime) : null;
    out['source'] = sourceLabel(period.sources);
    if (partialFields.length > 0) out['partialFields'] = partialFields;
    if (period.extras !== undefined) out['extraFields'] = period.extras;
    if (view.showCompleteness) {
      const row = single?.get(`${period.userId}|${period.start}`);
      const end = category === 'all' ? view.rangeEnd : Math.min(period.end, view.rangeEnd);
      out['final'] = (row?.final ?? false) || isFinal(completeness, end);
      if (row !== undefined) {
        out['revision'] = row.revision;
        out['status'] = row.status;
      }
    }
    return out;
  };
  return { periods, format };
}

