import type { FastifyInstance } from 'fastify';
import type { ProfileRun } from '../../core/timeline/profile-run.ts';
import { profileRun } from '../../core/timeline/profile-run.ts';
import type { LiveAgentData } from '../../state/live-agent-store.ts';
import type { AgentStateRow } from '../../state/store-types.ts';
import { AgentStatusReconciliation } from '../agent-status-reconciliation.ts';
import { AGENT_STATUS_FIELDS, agentStatusRow, changeTimeOf } from '../agent-status-row.ts';
import { completenessHeaders, completenessView } from '../completeness.ts';
import { BadRequest } from '../bad-request.ts';
import { booleanParam, guidListParam, languageParam, parseRaiQuery, tenantParam, timeParam, unsupportedParam } from '../query-values.ts';
import { rowSelection, selectRows } from '../row-selection.ts';
import type { QueryAdmission } from '../query-admission.ts';
import { requestSignal } from '../request-signal.ts';
import type { ServerDeps } from '../server-deps.ts';
import { answerCompleteness, storeRead } from '../store-read.ts';

export { AGENT_STATUS_FIELDS, agentStatusRow, changeTimeOf } from '../agent-status-row.ts';

export const AGENT_STATUS_PARAMETERS: readonly string[] = [
  'startTime', 'endTime', 'showAgentInfo', 'userId', 'reportingGroupId', 'profileId', 'language', 'sort', 'offset', 'limit', 'tenant',
];

const PARAMETERS = new Set(AGENT_STATUS_PARAMETERS);
const FIELDS = new Set(AGENT_STATUS_FIELDS);
const NO_PROFILE_IDS = 'agentStatus and agentStatusHistory name presence profiles but carry no profile ids, so profileId is unknown; filter by name with profile=…';
const NO_LIVE_DATA = 'this server has no live agent data (reporting groups come from the Sinch agentStatus snapshots)';
/** How far back the timeline is read for the current profile's start: a profile held longer has an unknown (null) duration start beyond it. */
export const PROFILE_LOOKBACK_MS = 86_400_000;

/** AGENT_STATUS_RECONCILE_GRACE_MS's default. */
const DEFAULT_RECONCILE_GRACE_MS = 300_000;

const NO_LIVE: LiveAgentData = { snapshots: new Map(), activeContacts: new Map(), feeds: { contacts: null, snapshots: null } };

/** The current profile's run of each logged-in agent with a profile, from its segments of the last {@link PROFILE_LOOKBACK_MS}. */
async function profileRuns(deps: ServerDeps, tenant: string, states: readonly AgentStateRow[], now: number): Promise<Map<string, ProfileRun>> {
  const runs = new Map<string, ProfileRun>();
  await Promise.all(states.map(async (state) => {
    if (!state.loggedIn || state.sessionId === null || state.profile === null) return;
    const segments = (await storeRead(deps.reader.readTimeline(tenant, state.userId, now - PROFILE_LOOKBACK_MS, now + 1))).rows;
    const starts = [state.userStatusSince, state.handlingStatusSince].filter((t): t is number => t !== null);
    runs.set(state.userId, profileRun(segments, { sessionId: state.sessionId, profile: state.profile, profileReason: state.profileReason, sessionStart: starts.length === 0 ? null : Math.min(...starts), lastChange: starts.length === 0 ? null : Math.max(...starts) }));
  }));
  return runs;
}

/**
 * `GET /agentStatus`: every agent's current state with time in state computed from the injected clock, the RAI
 * document's full row (agent-status-row.ts). startTime and endTime (both optional here) select
 * startTime ≤ changeTimestamp < endTime; `reportingGroupId` selects by the snapshot's reporting group; `profileId` is
 * refused (no source carries profile ids); default sort changeTimestamp. Runs under the server's one `admission`
 * (bounded concurrency and deadline) like /agentStatistic.
 */
export function registerAgentStatusRoute(app: FastifyInstance, deps: ServerDeps, admission: QueryAdmission): void {
  const reconciliation = new AgentStatusReconciliation({ graceMs: deps.reconcileGraceMs ?? DEFAULT_RECONCILE_GRACE_MS, registry: deps.registry, logger: deps.logger });
  app.get('/agentStatus', async (request, reply) => {
    const query = parseRaiQuery(request.url, PARAMETERS, FIELDS);
    const { params } = query;
    const start = timeParam(params, 'startTime', false) ?? Number.NEGATIVE_INFINITY;
    const end = timeParam(params, 'endTime', false) ?? Number.POSITIVE_INFINITY;
    const userIds = guidListParam(params, 'userId');
    const showAgentInfo = booleanParam(params, 'showAgentInfo', false);
    const groups = reportingGroupParam(params.get('reportingGroupId'));
    if (groups !== undefined && deps.liveAgents === undefined) unsupportedParam(params, 'reportingGroupId', NO_LIVE_DATA);
    unsupportedParam(params, 'profileId', NO_PROFILE_IDS);
    languageParam(params);
    const tenant = tenantParam(params, deps.tenant);
    const selection = rowSelection(params, query.filters, FIELDS, 'changeTimestamp');
    const { page, total, view } = await admission.run(async (signal) => {
      const completeness = await storeRead(deps.reader.getCompleteness(tenant));
      const states = await storeRead(deps.reader.readAgentStates(tenant, userIds));
      const live = deps.liveAgents === undefined ? NO_LIVE : await storeRead(deps.liveAgents.read(tenant, userIds));
      signal.throwIfAborted();
      const now = deps.clock();
      const resolved = states.rows.map((state) => reconciliation.resolve(tenant, state, live.snapshots.get(state.userId), completeness.upTo));
      const reconciled = new Map(resolved.flatMap(({ state, disagreement }) => (disagreement === null ? [] : [[state.userId, disagreement.kind] as const])));
      const selected = resolved.map((r) => r.state).filter((state) => {
        const changed = changeTimeOf(state);
        if (changed < start || changed >= end) return false;
        if (groups === undefined) return true;
        const group = live.snapshots.get(state.userId)?.reportingGroupId;
        return group !== undefined && group !== null && groups.includes(normalisedGuid(group));
      });
      const runs = await profileRuns(deps, tenant, selected.filter((state) => !reconciled.has(state.userId)), now);
      signal.throwIfAborted();
      const rows = selected.map((state) => agentStatusRow(state, now, {
        snapshot: live.snapshots.get(state.userId),
        profileRun: runs.get(state.userId),
        activeContacts: live.feeds.contacts === null ? null : (live.activeContacts.get(state.userId) ?? []),
        showAgentInfo,
        reconciled: reconciled.get(state.userId),
      }));
      const view = completenessView(answerCompleteness(deps.reader, completeness, states.missing), deps.allowedLatenessMs);
      return { ...selectRows(rows, selection), view };
    }, requestSignal(request.raw, reply.raw));
    return reply.headers({ ...completenessHeaders(view), 'x-total-count': String(total) }).send(page);
  });
}

/** A reporting group id as the filter compares it: a GUID without hyphens, uppercased (the document writes them both ways). */
function normalisedGuid(id: string): string {
  const bare = id.replace(/-/g, '');
  return /^[0-9A-Fa-f]{32}$/.test(bare) ? bare.toUpperCase() : id;
}

/** `reportingGroupId`: a comma-separated list of GUIDs, with or without hyphens; `Invalid GUID` for anything else. */
function reportingGroupParam(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  return [...new Set(text.split(',').map((item) => {
    const id = normalisedGuid(item.trim());
    if (!/^[0-9A-F]{32}$/.test(id)) throw new BadRequest(`Invalid GUID: '${item.trim()}'`);
    return id;
  }))];
}
