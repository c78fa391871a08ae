import { handlingStatusName, LOGGED_OUT, userStatusName } from '../events/status.ts';
import type { SessionState } from '../session/session-state.ts';
import type { SourceId } from '../source/source-id.ts';

/** An agent's state in one session as of `asOf` (the watermark). */
export interface CurrentAgentState {
  tenant: string;
  source: SourceId;
  userId: string;
  userName: string;
  sessionId: string;
  loggedIn: boolean;
  /** Ready, NotReady, Pause, Unknown (not reported yet) or LoggedOut. */
  userStatus: string;
  /** A working handling status, Unknown or LoggedOut. */
  handlingStatus: string;
  profile?: string;
  profileReason?: string;
  campaignId?: string;
  /** When the current user status was entered (epoch ms); null while unknown. */
  userStatusSince: number | null;
  handlingStatusSince: number | null;
  asOf: number;
}

/** The current state of a session whose machine has been advanced to `asOf`. */
export function currentAgentState(
  state: Readonly<SessionState>,
  context: { tenant: string; source: SourceId; userId: string; userName: string; sessionId: string; asOf: number },
): CurrentAgentState {
  const ended = state.ended;
  const out: CurrentAgentState = {
    tenant: context.tenant,
    source: context.source,
    userId: context.userId,
    userName: context.userName,
    sessionId: context.sessionId,
    loggedIn: !ended,
    userStatus: ended ? LOGGED_OUT : userStatusName(state.user),
    handlingStatus: ended ? LOGGED_OUT : handlingStatusName(state.handling),
    userStatusSince: ended ? state.endTime : state.userSince,
    handlingStatusSince: ended ? state.endTime : state.handlingSince,
    asOf: context.asOf,
  };
  if (!ended && state.profile !== null) out.profile = state.profile;
  if (!ended && state.profileReason !== null) out.profileReason = state.profileReason;
  if (!ended && state.campaignId !== null) out.campaignId = state.campaignId;
  return out;
}

/** The state without `asOf` and `userName`, for change detection. */
export function agentStateSignature(state: Readonly<CurrentAgentState>): string {
  return JSON.stringify([
    state.loggedIn,
    state.userStatus,
    state.handlingStatus,
    state.profile,
    state.profileReason,
    state.campaignId,
    state.userStatusSince,
    state.handlingStatusSince,
  ]);
}

/**
 * True when the machine state, reported as of any time, equals `last` (ignoring asOf and userName);
 * the allocation-free equivalent of comparing agentStateSignature values.
 */
export function matchesAgentState(state: Readonly<SessionState>, last: Readonly<CurrentAgentState>): boolean {
  const ended = state.ended;
  if (last.loggedIn === ended) return false;
  if (ended) return last.userStatusSince === state.endTime && last.handlingStatusSince === state.endTime;
  return (
    last.userStatus === userStatusName(state.user) &&
    last.handlingStatus === handlingStatusName(state.handling) &&
    (last.profile ?? null) === state.profile &&
    (last.profileReason ?? null) === state.profileReason &&
    (last.campaignId ?? null) === state.campaignId &&
    last.userStatusSince === state.userSince &&
    last.handlingStatusSince === state.handlingSince
  );
}
