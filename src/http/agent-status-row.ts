import { AGENT_INFO_FIELDS } from '../core/live/agent-snapshot.ts';
import type { AgentSnapshot } from '../core/live/agent-snapshot.ts';
import type { ActiveContact } from '../core/live/live-contact.ts';
import { ACTIVE_CONTACT_FIELDS, activeContactFields } from '../core/live/live-contact.ts';
import { isSourceId } from '../core/source/source-id.ts';
import { sourceProfile } from '../core/source/source-profiles.ts';
import type { ProfileRun } from '../core/timeline/profile-run.ts';
import { formatUtc } from '../core/time/timestamp.ts';
import type { AgentStateRow } from '../state/store-types.ts';
import type { Row } from './row-selection.ts';

/** The row's fields: the RAI document's, in its order (its spelling `reportingGroupid` included), then ours. */
export const AGENT_STATUS_FIELDS: readonly string[] = [
  'userId', 'userName', 'reportingGroupid', 'reportingGroupName', 'profile', 'profileReason', 'profileType', 'profileDuration', 'userStatus',
  'userStatusDuration', 'availability', 'contactHandlingStatus', 'contactHandlingStatusDuration', ...ACTIVE_CONTACT_FIELDS, ...AGENT_INFO_FIELDS,
  'changeTimestamp', 'sessionId', 'loggedIn', 'campaignId', 'asOf', 'source', 'reconciled',
];

/** What /agentStatus knows of an agent beyond its timeline state. */
export interface AgentStatusExtras {
  /** The agent's newest vendor snapshot; undefined: none (another vendor, or not polled). */
  readonly snapshot?: AgentSnapshot | undefined;
  /** The current profile's run from the timeline; undefined: not read. */
  readonly profileRun?: ProfileRun | undefined;
  /** The contacts the agent is connected to; null or undefined: unknown (the tenant has no contact feed). */
  readonly activeContacts?: readonly ActiveContact[] | null | undefined;
  readonly showAgentInfo?: boolean;
  /** The kind of disagreement resolved by serving the vendor snapshot's status (agent-status-reconciliation.ts); undefined: none. */
  readonly reconciled?: string | undefined;
}

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

/**
 * The snapshot when it describes the state's current profile: it names the same profile and was taken after the
 * state's last user or handling change (an older snapshot may describe an earlier run of the same profile).
 */
function sameProfileSnapshot(state: AgentStateRow, snapshot: AgentSnapshot | undefined): AgentSnapshot | undefined {
  if (snapshot === undefined || state.profile === null || snapshot.profile !== state.profile) return undefined;
  const changes = [state.userStatusSince, state.handlingStatusSince].filter((t): t is number => t !== null);
  return changes.every((t) => snapshot.snapshotAt >= t) ? snapshot : undefined;
}

/** profileType and the profile's start: the timeline's where it knows them, else the vendor snapshot's of the same profile, else unknown. */
function profileOf(state: AgentStateRow, extras: AgentStatusExtras): { profileType: string | null; since: number | null } {
  const snapshot = sameProfileSnapshot(state, extras.snapshot);
  return {
    profileType: extras.profileRun?.profileType ?? snapshot?.profileType ?? null,
    since: extras.profileRun?.since ?? snapshot?.profileSince ?? null,
  };
}

/**
 * One RAI agentStatus row at `now`: durations are `now − since` (never negative). Logged in, the profile's type and
 * duration come from the timeline (null while unknown) and the active-contact counters from the live contacts (only
 * those above 0, as RAI shows them; all twelve null when the tenant has no contact feed). Reporting group and, with
 * showAgentInfo, the agent info come from the agent's snapshot (null without one).
 */
export function agentStatusRow(state: AgentStateRow, now: number, extras: AgentStatusExtras = {}): Row {
  const { snapshot } = extras;
  const row: Record<string, string | number | boolean | null> = {
    userId: state.userId, userName: state.userName, reportingGroupid: snapshot?.reportingGroupId ?? null, reportingGroupName: snapshot?.reportingGroupName ?? null,
  };
  if (state.loggedIn) {
    if (state.profile !== null && state.profile !== undefined) row['profile'] = state.profile;
    if (state.profileReason !== null && state.profileReason !== undefined) row['profileReason'] = state.profileReason;
    const profile = profileOf(state, extras);
    row['profileType'] = profile.profileType;
    row['profileDuration'] = profile.since === null ? null : Math.max(0, now - profile.since);
  }
  row['userStatus'] = state.loggedIn ? state.userStatus : 'LoggedOut';
  if (state.userStatusSince !== null) row['userStatusDuration'] = Math.max(0, now - state.userStatusSince);
  row['availability'] = availability(state);
  if (state.loggedIn) {
    row['contactHandlingStatus'] = state.handlingStatus;
    if (state.handlingStatusSince !== null) row['contactHandlingStatusDuration'] = Math.max(0, now - state.handlingStatusSince);
    if (extras.activeContacts === null || extras.activeContacts === undefined) for (const field of ACTIVE_CONTACT_FIELDS) row[field] = null;
    else Object.assign(row, activeContactFields(extras.activeContacts, now));
  }
  if (extras.showAgentInfo === true) for (const field of AGENT_INFO_FIELDS) row[field] = snapshot?.info[field] ?? null;
  row['changeTimestamp'] = formatUtc(changeTimeOf(state));
  row['sessionId'] = state.sessionId;
  row['loggedIn'] = state.loggedIn;
  if (state.campaignId !== null && state.campaignId !== undefined) row['campaignId'] = state.campaignId;
  row['asOf'] = formatUtc(state.asOf);
  row['source'] = state.source;
  if (state.sampled === true) row['sampled'] = true;
  if (extras.reconciled !== undefined) row['reconciled'] = extras.reconciled;
  return row;
}
