import { ALL_PROFILES } from '../../model/catalog.ts';
import type { SimAgent } from '../../model/agent-roster.ts';
import { formatIsoTimestamp } from '../../model/raw-timestamp.ts';
import type { SimContact } from '../../model/sim-contact.ts';
import type { Endpoint } from '../endpoint.ts';
import { PAGING_PARAMETERS } from '../endpoint.ts';
import { matchesFilters } from '../rai-query.ts';
import { booleanParam, guidListParam, languageParam, timeParam } from '../query-values.ts';
import type { AgentCurrentState } from './agent-current-state.ts';
import { agentCurrentStates } from './agent-current-state.ts';

const ACTIVE_KEYS: ReadonlyArray<readonly [SimContact['type'], string]> = [
  ['CallIn', 'phoneActiveInbound'], ['CallOut', 'phoneActiveOutbound'], ['ChatIn', 'chatActiveInbound'],
  ['ChatOut', 'chatActiveOutbound'], ['EmailIn', 'emailActiveInbound'], ['EmailOut', 'emailActiveOutbound'],
];

const FIELDS = [
  'userId', 'userName', 'profile', 'profileReason', 'profileDuration', 'profileType', 'userStatus', 'availability', 'userStatusDuration',
  'contactHandlingStatus', 'contactHandlingStatusDuration', ...ACTIVE_KEYS.flatMap(([, key]) => [`${key}Contacts`, `${key}Duration`]),
  'number', 'mobileNumber', 'externalNumber', 'email', 'chatName', 'chat', 'chatCapacity', 'reportingGroupid', 'reportingGroupName', 'location', 'changeTimestamp',
];

function availability(state: AgentCurrentState): string {
  if (!state.loggedIn) return 'LoggedOut';
  if (state.userStatus !== 'Ready') return 'Away';
  return state.status === 'Waiting' ? 'Free' : 'Busy';
}

function statusRow(state: AgentCurrentState, agent: SimAgent | undefined, active: readonly SimContact[], now: number, showAgentInfo: boolean): Record<string, unknown> {
  const row: Record<string, unknown> = { userId: state.userId, userName: state.userName };
  if (state.loggedIn) {
    row['profile'] = state.profile ?? 'Available';
    row['profileReason'] = state.profileReason ?? 'NONE';
    row['profileDuration'] = now - state.profileSince;
    row['profileType'] = state.profileType ?? 'Presence';
  }
  row['userStatus'] = state.userStatus;
  row['availability'] = availability(state);
  row['userStatusDuration'] = now - state.userStatusSince;
  if (state.loggedIn) {
    row['contactHandlingStatus'] = state.status;
    row['contactHandlingStatusDuration'] = now - state.statusSince;
    for (const [type, key] of ACTIVE_KEYS) {
      const ofType = active.filter((c) => c.type === type);
      if (ofType.length === 0) continue;
      row[`${key}Contacts`] = ofType.length;
      row[`${key}Duration`] = now - Math.min(...ofType.map((c) => c.connect ?? now));
    }
  }
  if (showAgentInfo && agent !== undefined) {
    Object.assign(row, {
      number: agent.number, mobileNumber: agent.mobileNumber, externalNumber: agent.externalNumber, email: agent.email,
      chatName: agent.chatName, chat: agent.chat, chatCapacity: agent.chatCapacity,
    });
  }
  if (agent !== undefined) Object.assign(row, { reportingGroupid: agent.reportingGroup.id, reportingGroupName: agent.reportingGroup.name });
  if (showAgentInfo && agent !== undefined) row['location'] = agent.location;
  row['changeTimestamp'] = formatIsoTimestamp(state.changeTimestamp);
  return row;
}

/**
 * `/agentStatus`: each agent's current state at now, from the visible agentStatusHistory rows of
 * its latest session, for agents whose latest change satisfies startTime ≤ changeTimestamp < endTime.
 * Logged-out agents keep userId, userName, userStatus/availability LoggedOut and the reporting group.
 */
export const agentStatusEndpoint: Endpoint = {
  path: '/agentStatus',
  parameters: new Set(['startTime', 'endTime', 'showAgentInfo', 'userId', 'reportingGroupId', 'profileId', 'language', 'sort', ...PAGING_PARAMETERS]),
  fields: new Set(FIELDS),
  defaultSort: 'changeTimestamp',
  rows(query, { now, data }) {
    const start = timeParam(query.params, 'startTime', true) ?? 0;
    const end = timeParam(query.params, 'endTime', false) ?? Number.POSITIVE_INFINITY;
    const showAgentInfo = booleanParam(query.params, 'showAgentInfo', false);
    const users = guidListParam(query.params, 'userId');
    const groups = guidListParam(query.params, 'reportingGroupId');
    const profiles = guidListParam(query.params, 'profileId');
    languageParam(query.params);
    const agents = new Map(data.day.agents.map((a) => [a.userId, a]));
    const active = data.day.contacts.map((c) => c.contact).filter((c) => c.user !== undefined && c.connect !== null && c.connect <= now && now < c.disconnect);
    const out: Record<string, unknown>[] = [];
    for (const state of agentCurrentStates(data.visibleStatusRows(now), now)) {
      if (state.changeTimestamp < start || state.changeTimestamp >= end) continue;
      if (users !== undefined && !users.has(state.userId)) continue;
      const agent = agents.get(state.userId);
      if (groups !== undefined && (agent === undefined || !groups.has(agent.reportingGroup.id))) continue;
      if (profiles !== undefined) {
        const profileId = ALL_PROFILES.find((p) => p.profile === state.profile)?.profileId;
        if (!state.loggedIn || profileId === undefined || !profiles.has(profileId)) continue;
      }
      const row = statusRow(state, agent, active.filter((c) => c.user?.userId === state.userId), now, showAgentInfo);
      if (matchesFilters(row, query.filters)) out.push(row);
    }
    return out;
  },
};
