import type { FastifyInstance } from 'fastify';
import { isSourceId } from '../../core/source/source-id.ts';
import { sourceProfile } from '../../core/source/source-profiles.ts';
import { formatUtc } from '../../core/time/timestamp.ts';
import type { AgentStateRow } from '../../state/store-types.ts';
import { completenessHeaders, completenessView } from '../completeness.ts';
import { booleanParam, guidListParam, languageParam, parseRaiQuery, tenantParam, timeParam, unsupportedParam } from '../query-values.ts';
import type { Row } from '../row-selection.ts';
import { rowSelection, selectRows } from '../row-selection.ts';
import type { QueryAdmission } from '../query-admission.ts';
import { requestSignal } from '../request-signal.ts';
import type { ServerDeps } from '../server-deps.ts';
import { answerCompleteness, storeRead } from '../store-read.ts';

export const AGENT_STATUS_PARAMETERS: readonly string[] = [
  'startTime', 'endTime', 'showAgentInfo', 'userId', 'reportingGroupId', 'profileId', 'language', 'sort', 'offset', 'limit', 'tenant',
];

export const AGENT_STATUS_FIELDS: readonly string[] = [
  'userId', 'userName', 'profile', 'profileReason', 'userStatus', 'availability', 'userStatusDuration',
  'contactHandlingStatus', 'contactHandlingStatusDuration', 'changeTimestamp', 'sessionId', 'loggedIn', 'campaignId', 'asOf', 'source',
];

const PARAMETERS = new Set(AGENT_STATUS_PARAMETERS);
const FIELDS = new Set(AGENT_STATUS_FIELDS);
const NO_DATA = 'agent-timelines has no reporting-group or profile-id data';

/**
 * RAI availability. For a source that reports no presence (HostedSuite) only a contact makes it known (Busy); idle or
 * unknown handling is null, not Away or Free.
 */
function availability(state: AgentStateRow): string | null {
  if (!state.loggedIn) return 'LoggedOut';
  if (isSourceId(state.source) && !sourceProfile(state.source).presenceKnown) {
    return state.handlingStatus === null || state.handlingStatus === 'Waiting' || state.handlingStatus === 'Unknown' ? null : 'Busy';
  }
  if (state.userStatus !== 'Ready') return 'Away';
  return state.handlingStatus === 'Waiting' ? 'Free' : 'Busy';
}

/** The latest status change known, else the time the state was computed. */
export function changeTimeOf(state: AgentStateRow): number {
  const changes = [state.userStatusSince, state.handlingStatusSince].filter((t): t is number => t !== null);
  return changes.length === 0 ? state.asOf : Math.max(...changes);
}

/** One RAI agentStatus row at `now`: durations are `now − since` (never negative), absent while unknown. */
export function agentStatusRow(state: AgentStateRow, now: number): Row {
  const row: Record<string, string | number | boolean | null> = { userId: state.userId, userName: state.userName };
  if (state.loggedIn) {
    if (state.profile !== null && state.profile !== undefined) row['profile'] = state.profile;
    if (state.profileReason !== null && state.profileReason !== undefined) row['profileReason'] = state.profileReason;
  }
  row['userStatus'] = state.loggedIn ? state.userStatus : 'LoggedOut';
  row['availability'] = availability(state);
  if (state.userStatusSince !== null) row['userStatusDuration'] = Math.max(0, now - state.userStatusSince);
  if (state.loggedIn) {
    row['contactHandlingStatus'] = state.handlingStatus;
    if (state.handlingStatusSince !== null) row['contactHandlingStatusDuration'] = Math.max(0, now - state.handlingStatusSince);
  }
  row['changeTimestamp'] = formatUtc(changeTimeOf(state));
  row['sessionId'] = state.sessionId;
  row['loggedIn'] = state.loggedIn;
  if (state.campaignId !== null && state.campaignId !== undefined) row['campaignId'] = state.campaignId;
  row['asOf'] = formatUtc(state.asOf);
  row['source'] = state.source;
  if (state.sampled === true) row['sampled'] = true;
  return row;
}

/**
 * `GET /agentStatus`: every agent's current state with time in state computed from the injected clock. startTime
 * and endTime (both optional here) select startTime ≤ changeTimestamp < endTime; default sort changeTimestamp. Runs under
 * the server's one `admission` (bounded concurrency and deadline) like /agentStatistic.
 */
export function registerAgentStatusRoute(app: FastifyInstance, deps: ServerDeps, admission: QueryAdmission): void {
  app.get('/agentStatus', async (request, reply) => {
    const query = parseRaiQuery(request.url, PARAMETERS, FIELDS);
    const { params } = query;
    const start = timeParam(params, 'startTime', false) ?? Number.NEGATIVE_INFINITY;
    const end = timeParam(params, 'endTime', false) ?? Number.POSITIVE_INFINITY;
    const userIds = guidListParam(params, 'userId');
    booleanParam(params, 'showAgentInfo', false);
    unsupportedParam(params, 'reportingGroupId', NO_DATA);
    unsupportedParam(params, 'profileId', NO_DATA);
    languageParam(params);
    const tenant = tenantParam(params, deps.tenant);
    const selection = rowSelection(params, query.filters, FIELDS, 'changeTimestamp');
    const { page, total, view } = await admission.run(async (signal) => {
      const completeness = await storeRead(deps.reader.getCompleteness(tenant));
      const states = await storeRead(deps.reader.readAgentStates(tenant, userIds));
      signal.throwIfAborted();
      const now = deps.clock();
      const rows = states.rows.filter((state) => {
        const changed = changeTimeOf(state);
        return changed >= start && changed < end;
      }).map((state) => agentStatusRow(state, now));
      const view = completenessView(answerCompleteness(deps.reader, completeness, states.missing), deps.allowedLatenessMs);
      return { ...selectRows(rows, selection), view };
    }, requestSignal(request.raw, reply.raw));
    return reply.headers({ ...completenessHeaders(view), 'x-total-count': String(total) }).send(page);
  });
}
