import type { FastifyInstance } from 'fastify';
import { quarterHourEnd } from '../../core/windows/quarter-hour.ts';
import { BadRequest } from '../bad-request.ts';
import {
  booleanParam,
  guidListParam,
  languageParam,
  parseRaiQuery,
  roundUpToQuarterHour,
  tenantParam,
  timeCategoryParam,
  timeParam,
  timeZoneParam,
} from '../query-values.ts';
import { rowSelection } from '../row-selection.ts';
import type { ServerDeps } from '../server-deps.ts';
import { STATISTIC_FIELDS, statisticPage } from '../statistic-rows.ts';
import type { QueryAdmission } from '../query-admission.ts';
import { rangeWithinLimit } from '../query-range.ts';
import type { AnswerCache } from '../answer-cache.ts';
import { answerStatisticRead } from '../statistic-answer.ts';

export const AGENT_STATISTIC_PARAMETERS: readonly string[] = [
  'startTime', 'endTime', 'timeZone', 'timeCategory', 'userId', 'showUser', 'language', 'sort', 'offset', 'limit', 'showCompleteness', 'tenant',
];

const PARAMETERS = new Set(AGENT_STATISTIC_PARAMETERS);
const FIELDS = new Set(STATISTIC_FIELDS);

/**
 * `GET /agentStatistic`: the RAI agentStatistic collection from the stored quarter-hours. startTime (required) and
 * endTime (default: the end of the current quarter hour) are rounded up to quarter hours; quarter-hours starting in
 * [start, end) are rolled up per timeCategory in timeZone, filtered, sorted (default maxChangeTimestamp) and paged.
 * Completeness goes in headers, read before the rows so that the rows hold everything it claims; `X-Total-Count` is
 * the number of matching rows before paging. `admission` is the server's one bound on store queries and `cache` its one
 * answer cache (shared with /agentHistory). A range over the documented maximum (requestLimits.maxQueryDays) is a 400. Whole local days of a zone the store pre-aggregates are
 * read from the day aggregates (planStatisticRead), the rest as quarter-hours; finished answers are cached on the
 * tenant's data revision and completeness (AnswerCache), so a repeated request costs one round trip of small Redis reads.
 */
export function registerAgentStatisticRoute(app: FastifyInstance, deps: ServerDeps, admission: QueryAdmission, cache: AnswerCache): void {
  app.get('/agentStatistic', async (request, reply) => {
    const query = parseRaiQuery(request.url, PARAMETERS, FIELDS);
    const { params } = query;
    const start = roundUpToQuarterHour(timeParam(params, 'startTime', true));
    const endTime = timeParam(params, 'endTime', false);
    const end = endTime === undefined ? quarterHourEnd(deps.clock()) : roundUpToQuarterHour(endTime);
    if (end < start) throw new BadRequest(`Invalid endTime: '${params.get('endTime') ?? ''}' is before startTime (after rounding up to quarter hours)`);
    rangeWithinLimit(start, end, deps.requestLimits?.maxQueryDays);
    const category = timeCategoryParam(params);
    const zone = timeZoneParam(params);
    const userIds = guidListParam(params, 'userId');
    const showUser = booleanParam(params, 'showUser', true);
    const showCompleteness = booleanParam(params, 'showCompleteness', false);
    languageParam(params);
    const tenant = tenantParam(params, deps.tenant);
    const selection = rowSelection(params, query.filters, FIELDS, 'maxChangeTimestamp');
    const read = { tenant, start, end, zone, category: category ?? 'quarterHour', userIds, breakdown: false };
    return answerStatisticRead(request, reply, deps, admission, cache, read, (stored, days, view) =>
      statisticPage(stored, { category, zone, showUser, showCompleteness, rangeEnd: end }, view, days, selection),
    );
  });
}
