import type { TimeCategory } from '../core/rollup/period.ts';
import { rollUpComponents } from '../core/rollup/rollup.ts';
import type { PeriodAggregate } from '../core/rollup/rollup.ts';
import { sourceLabel } from '../core/replay/replay.ts';
import { HISTORY_METRIC_FIELDS } from '../core/statistic/agent-statistic-fields.ts';
import { compareKeys, partDims, UNKNOWN_PART_KEY } from '../core/statistic/history-part.ts';
import type { MetricVector, ReadonlyVector } from '../core/statistic/metric-vector.ts';
import { METRIC_COUNT, vectorHasContent } from '../core/statistic/metric-vector.ts';
import { publishCovered } from '../core/statistic/published-metrics.ts';
import { formatUtc } from '../core/time/timestamp.ts';
import type { QuarterHourRow } from '../state/store-types.ts';
import { BadRequest } from './bad-request.ts';
import type { Row, RowSelection, RowValue, SelectedRows } from './row-selection.ts';
import { memoFormatUtc, selectIndices, selectRows, timeSortKeys } from './row-selection.ts';
import { statisticComponents } from './statistic-rows.ts';

/** Every field an /agentHistory row can have, in output order: the filterable and sortable names. */
export const HISTORY_FIELDS: readonly string[] = [
  'timeCategory', 'userId', 'userName', 'profileId', 'profileName', 'profileReason', 'campaignId', 'campaignName', 'intervalStart', 'intervalEnd',
  ...HISTORY_METRIC_FIELDS, 'maxChangeTimestamp', 'source',
];

export interface HistoryView {
  /** null: one row per user (and profile, campaign) over the whole range, without a timeCategory field. */
  readonly category: TimeCategory | null;
  readonly showUser: boolean;
  readonly showProfile: boolean;
  readonly showCampaign: boolean;
  /** Campaign ids (uppercase) whose parts count; undefined: all. */
  readonly campaignIds: ReadonlySet<string> | undefined;
}

/** agentHistory is defined in UTC (the document has no timeZone). */
export const HISTORY_ZONE = 'UTC';


/** One output group of a period: the parts it sums, under the dimensions the view shows. */
interface Group {
  readonly profile: string | null;
  readonly profileReason: string | null;
  readonly campaignId: string | null;
  readonly vector: ReadonlyVector;
}

function groupsOf(period: PeriodAggregate, view: HistoryView): Group[] {
  const parts = period.parts ?? new Map([[UNKNOWN_PART_KEY, period.vector]]);
  const keys = [...parts.keys()].sort(compareKeys);
  if (view.showProfile && view.showCampaign && view.campaignIds === undefined) {
    // every part is its own group, and a group's key is its part's key
    const out: Group[] = [];
    for (const key of keys) {
      const vector = parts.get(key) as ReadonlyVector;
      if (vectorHasContent(vector)) out.push({ ...partDims(key), vector });
    }
    return out;
  }
  const groups = new Map<string, { profile: string | null; profileReason: string | null; campaignId: string | null; vector: MetricVector }>();
  for (const key of keys) {
    const vector = parts.get(key) as ReadonlyVector;
    const dims = partDims(key);
    if (view.campaignIds !== undefined && (dims.campaignId === null || !view.campaignIds.has(dims.campaignId.toUpperCase()))) continue;
    const profile = view.showProfile ? dims.profile : null;
    const profileReason = view.showProfile ? dims.profileReason : null;
    const campaignId = view.showCampaign ? dims.campaignId : null;
    const groupKey = JSON.stringify([profile, profileReason, campaignId]);
    let group = groups.get(groupKey);
    if (group === undefined) groups.set(groupKey, (group = { profile, profileReason, campaignId, vector: new Float64Array(METRIC_COUNT) }));
    for (let i = 0; i < METRIC_COUNT; i++) group.vector[i]! += vector[i] ?? 0;
  }
  return [...groups.entries()].sort(([x], [y]) => compareKeys(x, y)).map(([, group]) => group).filter((group) => vectorHasContent(group.vector));
}

/**
 * RAI agentHistory rows from stored quarter-hours and stored UTC days (with their breakdowns), rolled up by the core
 * {@link rollUpComponents} like /agentStatistic, then split per period into the profiles and campaigns the view shows
 * (history-part.ts); a campaignId filter keeps only the parts of those campaigns. Metrics are null where the period's
 * are (published with the period's coverage). profileId and campaignName are null: agentStatusHistory names a
 * profile but not its id, and gives a campaign's id but not its name (docs/http-api.md). Filtered, sorted and paged
 * as {@link selectRows} does; without filters and sorted by a field known before formatting (the default
 * maxChangeTimestamp, the labels and dimensions), only the page's rows are formatted.
 */
export function historyPage(stored: readonly QuarterHourRow[], days: readonly PeriodAggregate[], view: HistoryView, selection: RowSelection): SelectedRows<Row> {
  const category = view.category ?? 'all';
  let periods: readonly PeriodAggregate[];
  try {
    // a stored UTC day is already its user's day period (the roll-up of one component is that component)
    periods = category === 'day' && view.showUser && stored.length === 0 ? days : rollUpComponents(statisticComponents(stored, days, view.showUser, true), category, HISTORY_ZONE, true);
  } catch (error) {
    if (error instanceof RangeError) throw new BadRequest(error.message);
    throw error;
  }
  const entries: Entry[] = [];
  for (const period of periods) for (const group of groupsOf(period, view)) entries.push({ period, group });
  const utc = memoFormatUtc();
  const format = (entry: Entry): Row => formatRow(entry, view, utc);
  const keys = selection.filters.length > 0 ? undefined : sortKeys(entries, selection, view);
  if (keys === undefined) return selectRows(entries.map(format), selection);
  // Only the page is formatted: the sort runs over the sort field's values, known before formatting.
  const { page, total } = selectIndices(keys, selection);
  return { page: page.map((index) => format(entries[index]!)), total };
}

/** One output row before formatting: a period and one of its groups. */
interface Entry {
  readonly period: PeriodAggregate;
  readonly group: Group;
}

/**
 * The values the entries' formatted rows have in the sort field (or values that sort the same: timestamps as numbers),
 * for the fields known before formatting; undefined for other fields.
 */
function sortKeys(entries: readonly Entry[], selection: RowSelection, view: HistoryView): readonly (RowValue | undefined)[] | undefined {
  switch (selection.sortField) {
    case 'maxChangeTimestamp':
      return timeSortKeys(entries.map((entry) => entry.period.maxChangeTime), selection);
    case 'intervalStart':
      return timeSortKeys(entries.map((entry) => entry.period.start), selection);
    case 'intervalEnd':
      return timeSortKeys(entries.map((entry) => entry.period.end), selection);
    case 'timeCategory':
      return entries.map((entry) => (view.category === null ? undefined : entry.period.label));
    case 'userId':
      return entries.map((entry) => (view.showUser ? entry.period.userId : undefined));
    case 'userName':
      return entries.map((entry) => (view.showUser ? entry.period.userName : undefined));
    case 'profileName':
      return entries.map((entry) => (view.showProfile ? entry.group.profile : undefined));
    case 'profileReason':
      return entries.map((entry) => (view.showProfile ? entry.group.profileReason : undefined));
    case 'campaignId':
      return entries.map((entry) => (view.showCampaign ? entry.group.campaignId : undefined));
    default:
      return undefined;
  }
}

function formatRow({ period, group }: Entry, view: HistoryView, utc: (ms: number) => string): Row {
  const out: Record<string, RowValue> = {};
  if (view.category !== null) out['timeCategory'] = period.label;
  if (view.showUser) {
    out['userId'] = period.userId;
    out['userName'] = period.userName;
  }
  if (view.showProfile) {
    out['profileId'] = null;
    out['profileName'] = group.profile;
    out['profileReason'] = group.profileReason;
  }
  if (view.showCampaign) {
    out['campaignId'] = group.campaignId;
    out['campaignName'] = null;
  }
  out['intervalStart'] = utc(period.start);
  out['intervalEnd'] = utc(period.end);
  const { metrics, partialFields } = publishCovered(group.vector, period.coverage);
  for (const field of HISTORY_METRIC_FIELDS) out[field] = metrics[field];
  out['maxChangeTimestamp'] = Number.isFinite(period.maxChangeTime) ? formatUtc(period.maxChangeTime) : null;
  out['source'] = sourceLabel(period.sources);
  if (partialFields.length > 0) out['partialFields'] = partialFields;
  return out;
}
