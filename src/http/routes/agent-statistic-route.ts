import type { FastifyInstance } from 'fastify';
import { quarterHourEnd } from '../../core/windows/quarter-hour.ts';
import { BadRequest } from '../bad-request.ts';
import { completenessHeaders, completenessView } from '../completeness.ts';
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
import { answerBasis, answerCompleteness, storeRead } from '../store-read.ts';
import { requestSignal } from '../request-signal.ts';
import type { QueryAdmission } from '../query-admission.ts';
import { rangeWithinLimit } from '../query-range.ts';
import { planStatisticRead } from '../statistic-read-plan.ts';
import { epochZones } from '../../state/epoch-id.ts';
import type { AnswerCache } from '../answer-cache.ts';
import { answerKey, CachedAnswer } from '../answer-cache.ts';
import { sendAnswer } from '../send-answer.ts';

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
    const { completeness, revision } = await storeRead(answerBasis(deps.reader, tenant));
    const key = answerKey([tenant, revision, completeness.epoch ?? '', JSON.stringify(completeness), start, end, request.url]);
    const cached = cache.get(key);
    if (cached !== undefined) return sendAnswer(request, reply, cached);
    const answer = await admission.run(async (signal) => {
      const { epoch } = completeness;
      const aggregated = epoch !== null && epochZones(epoch).includes(zone);
      const plan = planStatisticRead(start, end, category ?? 'quarterHour', zone, { aggregated, oldestWholeDay: deps.reader.oldestWholeDay() });
      const users = userIds === undefined ? {} : { userIds };
      const [parts, days] = await storeRead(Promise.all([
        Promise.all(plan.quarterHours.map((range) => deps.reader.readQuarterHours({ tenant, ...users, ...range }))),
        epoch === null ? [] : deps.reader.readDays(epoch, tenant, zone, plan.days, userIds),
      ]));
      signal.throwIfAborted();
      const stored = parts.flatMap((part) => part.rows);
      const missing = parts.reduce((sum, part) => sum + part.missing, 0);
      const view = completenessView(answerCompleteness(deps.reader, completeness, missing), deps.allowedLatenessMs);
      const { page, total } = statisticPage(stored, { category, zone, showUser, showCompleteness, rangeEnd: end }, view, days, selection);
      signal.throwIfAborted();
      return { answer: new CachedAnswer(JSON.stringify(page), { ...completenessHeaders(view), 'x-total-count': String(total) }), missing };
    }, requestSignal(request.raw, reply.raw));
    if (answer.missing === 0) cache.set(key, answer.answer);
    return sendAnswer(request, reply, answer.answer);
  });
}
