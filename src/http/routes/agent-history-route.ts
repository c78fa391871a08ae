import type { FastifyInstance } from 'fastify';
import type { AnswerCache } from '../answer-cache.ts';
import { answerStatisticRead } from '../statistic-answer.ts';
import { BadRequest } from '../bad-request.ts';
import { HISTORY_FIELDS, HISTORY_ZONE, historyPage } from '../history-rows.ts';
import type { QueryAdmission } from '../query-admission.ts';
import { rangeWithinLimit } from '../query-range.ts';
import { booleanParam, guidListParam, languageParam, parseRaiQuery, roundUpToQuarterHour, tenantParam, timeCategoryParam, timeParam, unsupportedParam } from '../query-values.ts';
import { rowSelection } from '../row-selection.ts';
import type { ServerDeps } from '../server-deps.ts';

export const AGENT_HISTORY_PARAMETERS: readonly string[] = [
  'startTime', 'endTime', 'timeCategory', 'userId', 'campaignId', 'profileId', 'showUser', 'showProfile', 'showCampaign', 'language', 'sort', 'offset', 'limit', 'tenant',
];

const PARAMETERS = new Set(AGENT_HISTORY_PARAMETERS);
const FIELDS = new Set(HISTORY_FIELDS);

/**
 * `GET /agentHistory`: the RAI agentHistory collection from the stored quarter-hours and their breakdowns by profile
 * and campaign (history-rows.ts). startTime and endTime (both required) are rounded up to quarter hours; quarter-hours
 * starting in [start, end) are rolled up per timeCategory in UTC (null: one row per user over the range), split by
 * profile (showProfile) and campaign (showCampaign), filtered (campaignId, field filters), sorted (default
 * maxChangeTimestamp) and paged. `profileId` is refused: the status history names profiles but carries no ids. Reads,
 * completeness headers, the answer cache and admission work as for /agentStatistic; whole UTC days come from the day
 * aggregates when the store keeps them for UTC.
 */
export function registerAgentHistoryRoute(app: FastifyInstance, deps: ServerDeps, admission: QueryAdmission, cache: AnswerCache): void {
  app.get('/agentHistory', async (request, reply) => {
    const query = parseRaiQuery(request.url, PARAMETERS, FIELDS);
    const { params } = query;
    const start = roundUpToQuarterHour(timeParam(params, 'startTime', true));
    const end = roundUpToQuarterHour(timeParam(params, 'endTime', true));
    if (end < start) throw new BadRequest(`Invalid endTime: '${params.get('endTime') ?? ''}' is before startTime (after rounding up to quarter hours)`);
    rangeWithinLimit(start, end, deps.requestLimits?.maxQueryDays);
    unsupportedParam(params, 'profileId', 'agentStatusHistory names presence profiles but carries no profile ids, so profileId is unknown (null); filter by name with showProfile=true&profileName=…');
    const category = timeCategoryParam(params);
    const userIds = guidListParam(params, 'userId');
    const campaigns = guidListParam(params, 'campaignId');
    const view = {
      category,
      showUser: booleanParam(params, 'showUser', true),
      showProfile: booleanParam(params, 'showProfile', false),
      showCampaign: booleanParam(params, 'showCampaign', false),
      campaignIds: campaigns === undefined ? undefined : new Set(campaigns.map((id) => id.toUpperCase())),
    };
    languageParam(params);
    const tenant = tenantParam(params, deps.tenant);
    const selection = rowSelection(params, query.filters, FIELDS, 'maxChangeTimestamp');
    const read = { tenant, start, end, zone: HISTORY_ZONE, category: category ?? 'all', userIds, breakdown: true };
    return answerStatisticRead(request, reply, deps, admission, cache, read, (stored, days) => historyPage(stored, days, view, selection));
  });
}
