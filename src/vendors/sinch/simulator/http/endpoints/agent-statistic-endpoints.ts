import type { AgentStatisticRow } from '../../../../../core/replay/replay.ts';
import type { TimeCategory } from '../../../../../core/rollup/period.ts';
import { periodOf } from '../../../../../core/rollup/period.ts';
import type { MetricField } from '../../../../../core/statistic/agent-statistic-fields.ts';
import { HISTORY_METRIC_FIELDS, SEED_ORDER_METRIC_FIELDS } from '../../../../../core/statistic/agent-statistic-fields.ts';
import { parseTimestamp } from '../../../../../core/time/timestamp.ts';
import { formatIsoTimestamp } from '../../model/raw-timestamp.ts';
import type { Endpoint } from '../endpoint.ts';
import { PAGING_PARAMETERS } from '../endpoint.ts';
import { matchesFilters } from '../rai-query.ts';
import type { Params } from '../query-values.ts';
import { booleanParam, guidListParam, languageParam, roundUpToQuarterHour, timeCategoryParam, timeParam, timeZoneParam } from '../query-values.ts';

const AFTERWORK_BY_KIND: readonly MetricField[] = ['afterworkCallInDuration', 'afterworkCallOutDuration', 'afterworkEmailInDuration', 'afterworkChatInDuration'];
const STATISTIC_METRICS: readonly MetricField[] = SEED_ORDER_METRIC_FIELDS.filter((f) => !AFTERWORK_BY_KIND.includes(f));

/** agentHistory's order (the document's): each afterwork-by-kind field follows its kind's duration. */
export const HISTORY_METRICS: readonly MetricField[] = HISTORY_METRIC_FIELDS;

/**
 * One share of a quarter-hour row as an endpoint serves it: the dimension fields it is grouped and served under (in
 * output order, after userName) and its metrics (null: a field the replay cannot know, served as 0).
 */
export interface RowPart {
  readonly fields: Readonly<Record<string, string | null>>;
  readonly metrics: Readonly<Partial<Record<MetricField, number | null>>>;
}

export interface Settings {
  readonly start: number;
  readonly end: number;
  readonly category: TimeCategory | null;
  readonly zone: string;
  readonly showUser: boolean;
  readonly users: ReadonlySet<string> | undefined;
  /** The shares of a row the endpoint serves (absent: the whole row, without dimension fields). */
  readonly partsOf?: (row: AgentStatisticRow) => readonly RowPart[];
}

const WHOLE_ROW = (row: AgentStatisticRow): readonly RowPart[] => [{ fields: {}, metrics: row }];

function aggregate(endpoint: Endpoint & { metrics: readonly MetricField[] }, settings: Settings, quarterRows: readonly AgentStatisticRow[]): Record<string, unknown>[] {
  const groups = new Map<string, Record<string, unknown> & { maxChange: number }>();
  for (const row of quarterRows) {
    const start = parseTimestamp(row.intervalStart);
    if (start < settings.start || start >= settings.end) continue;
    if (settings.users !== undefined && !settings.users.has(row.userId)) continue;
    const label = settings.category === null ? undefined : settings.category === 'all' ? 'all' : periodOf(start, settings.category, settings.zone).label;
    for (const part of (settings.partsOf ?? WHOLE_ROW)(row)) {
      const key = `${label ?? ''}|${settings.showUser ? row.userId : ''}|${JSON.stringify(part.fields)}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { maxChange: 0 };
        if (label !== undefined) group['timeCategory'] = label;
        if (settings.showUser) {
          group['userId'] = row.userId;
          group['userName'] = row.userName;
        }
        Object.assign(group, part.fields);
        for (const field of endpoint.metrics) group[field] = 0;
        groups.set(key, group);
      }
      // The simulated vendor derives its statistics from its own status history, which cannot show resting time or
      // direct contacts; it serves those fields (null in our replay) as 0 (docs/simulator.md).
      for (const field of endpoint.metrics) group[field] = (group[field] as number) + (part.metrics[field] ?? 0);
      group.maxChange = Math.max(group.maxChange, parseTimestamp(row.maxChangeTimestamp));
    }
  }
  return [...groups.values()].map(({ maxChange, ...rest }) => ({ ...rest, maxChangeTimestamp: formatIsoTimestamp(maxChange) }));
}

/** An agentStatistic-like endpoint: quarter-hour rows of the replay, in [start, end), grouped and summed; `dimensions` are extra fields rows may carry (filterable, sortable). */
export function statisticEndpoint(
  path: string,
  parameters: readonly string[],
  metrics: readonly MetricField[],
  settingsOf: (params: Params) => Settings,
  dimensions: readonly string[] = [],
): Endpoint & { metrics: readonly MetricField[] } {
  const endpoint: Endpoint & { metrics: readonly MetricField[] } = {
    path,
    metrics,
    parameters: new Set([...parameters, 'startTime', 'endTime', 'timeCategory', 'userId', 'showUser', 'sort', ...PAGING_PARAMETERS]),
    fields: new Set(['timeCategory', 'userId', 'userName', ...dimensions, ...metrics, 'maxChangeTimestamp']),
    defaultSort: 'maxChangeTimestamp',
    rows(query, { now, data }) {
      const settings = settingsOf(query.params);
      return aggregate(endpoint, settings, data.quarterHourStatistics(now)).filter((row) => matchesFilters(row, query.filters));
    },
  };
  return endpoint;
}

export function commonSettings(params: Params, endRequired: boolean): Omit<Settings, 'zone'> {
  const end = timeParam(params, 'endTime', endRequired);
  return {
    start: roundUpToQuarterHour(timeParam(params, 'startTime', true) ?? 0),
    end: end === undefined ? Number.POSITIVE_INFINITY : roundUpToQuarterHour(end),
    category: timeCategoryParam(params),
    showUser: booleanParam(params, 'showUser', true),
    users: guidListParam(params, 'userId'),
  };
}

/**
 * `/agentStatistic`: quarter hours computed by the core batch replay of the visible
 * agentStatusHistory rows (open sessions counted up to now). startTime (required) and endTime
 * (optional) are rounded up to quarter hours; quarter hours with roundedStart ≤ start < roundedEnd
 * are aggregated per timeCategory (null: one row per user) in timeZone. The whole generated range
 * is kept (the real table holds only the current day).
 */
export const agentStatisticEndpoint = statisticEndpoint('/agentStatistic', ['timeZone', 'language'], STATISTIC_METRICS, (params) => {
  languageParam(params);
  return { ...commonSettings(params, false), zone: timeZoneParam(params) };
});
