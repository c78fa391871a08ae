import type { AgentStatisticRow } from '../../../../../core/replay/replay.ts';
import type { TimeCategory } from '../../../../../core/rollup/period.ts';
import { periodOf } from '../../../../../core/rollup/period.ts';
import type { MetricField } from '../../../../../core/statistic/agent-statistic-fields.ts';
import { SEED_ORDER_METRIC_FIELDS } from '../../../../../core/statistic/agent-statistic-fields.ts';
import { parseTimestamp } from '../../../../../core/time/timestamp.ts';
import { formatIsoTimestamp } from '../../model/raw-timestamp.ts';
import type { Endpoint } from '../endpoint.ts';
import { PAGING_PARAMETERS } from '../endpoint.ts';
import { matchesFilters } from '../rai-query.ts';
import type { Params } from '../query-values.ts';
import { booleanParam, guidListParam, languageParam, roundUpToQuarterHour, timeCategoryParam, timeParam, timeZoneParam } from '../query-values.ts';

const AFTERWORK_BY_KIND: readonly MetricField[] = ['afterworkCallInDuration', 'afterworkCallOutDuration', 'afterworkEmailInDuration', 'afterworkChatInDuration'];
const STATISTIC_METRICS: readonly MetricField[] = SEED_ORDER_METRIC_FIELDS.filter((f) => !AFTERWORK_BY_KIND.includes(f));

/** agentHistory's order: each afterwork-by-kind field follows its kind's duration. */
const HISTORY_METRICS: readonly MetricField[] = STATISTIC_METRICS.flatMap((field): MetricField[] => {
  const after: Partial<Record<MetricField, MetricField>> = {
    callInDuration: 'afterworkCallInDuration',
    callOutDuration: 'afterworkCallOutDuration',
    emailOutDuration: 'afterworkEmailInDuration',
    chatDuration: 'afterworkChatInDuration',
  };
  const extra = after[field];
  return extra === undefined ? [field] : [field, extra];
});

interface Settings {
  readonly start: number;
  readonly end: number;
  readonly category: TimeCategory | null;
  readonly zone: string;
  readonly showUser: boolean;
  readonly users: ReadonlySet<string> | undefined;
}

function aggregate(endpoint: Endpoint & { metrics: readonly MetricField[] }, settings: Settings, quarterRows: readonly AgentStatisticRow[]): Record<string, unknown>[] {
  const groups = new Map<string, Record<string, unknown> & { maxChange: number }>();
  for (const row of quarterRows) {
    const start = parseTimestamp(row.intervalStart);
    if (start < settings.start || start >= settings.end) continue;
    if (settings.users !== undefined && !settings.users.has(row.userId)) continue;
    const label = settings.category === null ? undefined : settings.category === 'all' ? 'all' : periodOf(start, settings.category, settings.zone).label;
    const key = `${label ?? ''}|${settings.showUser ? row.userId : ''}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { maxChange: 0 };
      if (label !== undefined) group['timeCategory'] = label;
      if (settings.showUser) {
        group['userId'] = row.userId;
        group['userName'] = row.userName;
      }
      for (const field of endpoint.metrics) group[field] = 0;
      groups.set(key, group);
    }
    // The simulated vendor derives its statistics from its own status history, which cannot show resting time or direct
    // contacts; it serves those fields (null in our replay) as 0 (docs/simulator.md).
    for (const field of endpoint.metrics) group[field] = (group[field] as number) + (row[field] ?? 0);
    group.maxChange = Math.max(group.maxChange, parseTimestamp(row.maxChangeTimestamp));
  }
  return [...groups.values()].map(({ maxChange, ...rest }) => ({ ...rest, maxChangeTimestamp: formatIsoTimestamp(maxChange) }));
}

function statisticEndpoint(path: string, parameters: readonly string[], metrics: readonly MetricField[], settingsOf: (params: Params) => Settings): Endpoint & { metrics: readonly MetricField[] } {
  const endpoint: Endpoint & { metrics: readonly MetricField[] } = {
    path,
    metrics,
    parameters: new Set([...parameters, 'startTime', 'endTime', 'timeCategory', 'userId', 'showUser', 'sort', ...PAGING_PARAMETERS]),
    fields: new Set(['timeCategory', 'userId', 'userName', ...metrics, 'maxChangeTimestamp']),
    defaultSort: 'maxChangeTimestamp',
    rows(query, { now, data }) {
      const settings = settingsOf(query.params);
      return aggregate(endpoint, settings, data.quarterHourStatistics(now)).filter((row) => matchesFilters(row, query.filters));
    },
  };
  return endpoint;
}

function commonSettings(params: Params, endRequired: boolean): Omit<Settings, 'zone'> {
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

/**
 * `/agentHistory`: like agentStatistic over any range (startTime and endTime required, rounded up),
 * in UTC, with the afterwork-by-kind fields. profileId/campaignId are validated; the simulator has
 * no profile or campaign breakdown, so showProfile/showCampaign add no fields and the profileId/campaignId
 * filters are ignored (documented limitation).
 */
export const agentHistoryEndpoint = statisticEndpoint('/agentHistory', ['campaignId', 'profileId', 'showProfile', 'showCampaign'], HISTORY_METRICS, (params) => {
  guidListParam(params, 'campaignId');
  guidListParam(params, 'profileId');
  booleanParam(params, 'showProfile', false);
  booleanParam(params, 'showCampaign', false);
  return { ...commonSettings(params, true), zone: 'UTC' };
});
