import type { FastifyInstance } from 'fastify';
import { epochZones } from '../../state/epoch-id.ts';
import type { AnswerCache } from '../answer-cache.ts';
import { answerKey, CachedAnswer } from '../answer-cache.ts';
import { BadRequest } from '../bad-request.ts';
import { completenessHeaders, completenessView } from '../completeness.ts';
import { HISTORY_FIELDS, HISTORY_ZONE, historyPage } from '../history-rows.ts';
import type { QueryAdmission } from '../query-admission.ts';
import { rangeWithinLimit } from '../query-range.ts';
import { booleanParam, guidListParam, languageParam, parseRaiQuery, roundUpToQuarterHour, tenantParam, timeCategoryParam, timeParam, unsupportedParam } from '../query-values.ts';
import { requestSignal } from '../request-signal.ts';
import { rowSelection } from '../row-selection.ts';
import { sendAnswer } from '../send-answer.ts';
import type { ServerDeps } from '../server-deps.ts';
import { planStatisticRead } from '../statistic-read-plan.ts';
import { answerBasis, answerCompleteness, storeRead } from '../store-read.ts';

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
    const { completeness, revision } = await storeRead(answerBasis(deps.reader, tenant));
    const key = answerKey([tenant, revision, completeness.epoch ?? '', JSON.stringify(completeness), start, end, request.url]);
    const cached = cache.get(key);
    if (cached !== undefined) return sendAnswer(request, reply, cached);
    const answer = await admission.run(async (signal) => {
      const { epoch } = completeness;
      const aggregated = epoch !== null && epochZones(epoch).includes(HISTORY_ZONE);
      const plan = planStatisticRead(start, end, category ?? 'all', HISTORY_ZONE, { aggregated, oldestWholeDay: deps.reader.oldestWholeDay() });
      const users = userIds === undefined ? {} : { userIds };
      const [parts, days] = await storeRead(Promise.all([
        Promise.all(plan.quarterHours.map((range) => deps.reader.readQuarterHours({ tenant, ...users, ...range }))),
        epoch === null ? [] : deps.reader.readDays(epoch, tenant, HISTORY_ZONE, plan.days, userIds, true),
      ]));
      signal.throwIfAborted();
      const stored = parts.flatMap((part) => part.rows);
      const missing = parts.reduce((sum, part) => sum + part.missing, 0);
      const completenessOfAnswer = completenessView(answerCompleteness(deps.reader, completeness, missing), deps.allowedLatenessMs);
      const { page, total } = historyPage(stored, days, view, selection);
      signal.throwIfAborted();
      return { answer: new CachedAnswer(JSON.stringify(page), { ...completenessHeaders(completenessOfAnswer), 'x-total-count': String(total) }), missing };
    }, requestSignal(request.raw, reply.raw));
    if (answer.missing === 0) cache.set(key, answer.answer);
    return sendAnswer(request, reply, answer.answer);
  });
}
