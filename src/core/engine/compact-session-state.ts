import type { OpenSegment, SessionState } from '../session/session-state.ts';

/** An open segment as persisted (state format 10): `[start, user, handling, profile, profileReason, profileType, campaignId]`. */
export type CompactOpenSegment = [start: number, user: number, handling: number, profile: string | null, profileReason: string | null, profileType: string | null, campaignId: string | null];

/**
 * A session machine state as persisted (state format 10): its fields in the order of {@link SessionState}, without
 * their names: `[cursor, ended, endTime, lastEventTime, presenceKnown, user, handling, userSince, handlingSince,
 * profile, profileReason, profileType, campaignId, lastContact, runKind, runPart, runStart, segment]`, the segment as
 * a {@link CompactOpenSegment} or null. Before format 10 a state was an object with these fields.
 */
export type CompactSessionState = [
  cursor: number | null,
  ended: boolean,
  endTime: number | null,
  lastEventTime: number | null,
  presenceKnown: boolean,
  user: number,
  handling: number,
  userSince: number | null,
  handlingSince: number | null,
  profile: string | null,
  profileReason: string | null,
  profileType: string | null,
  campaignId: string | null,
  lastContact: number,
  runKind: number,
  runPart: string | null,
  runStart: number | null,
  segment: CompactOpenSegment | null,
];

function encodeOpenSegment(segment: Readonly<OpenSegment>): CompactOpenSegment {
  return [segment.start, segment.user, segment.handling, segment.profile ?? null, segment.profileReason ?? null, segment.profileType ?? null, segment.campaignId ?? null];
}

/** The state in its persisted form; `decodeSessionState(encodeSessionState(s))` equals `s`. */
export function encodeSessionState(state: Readonly<SessionState>): CompactSessionState {
  return [
    state.cursor,
    state.ended,
    state.endTime,
    state.lastEventTime,
    state.presenceKnown,
    state.user,
    state.handling,
    state.userSince,
    state.handlingSince,
    state.profile,
    state.profileReason,
    state.profileType,
    state.campaignId,
    state.lastContact,
    state.runKind,
    state.runPart,
    state.runStart,
    state.segment === null ? null : encodeOpenSegment(state.segment),
  ];
}

/** A new state (its own segment object) with the content of a persisted one. */
export function decodeSessionState(compact: Readonly<CompactSessionState>): SessionState {
  const [cursor, ended, endTime, lastEventTime, presenceKnown, user, handling, userSince, handlingSince, profile, profileReason, profileType, campaignId, lastContact, runKind, runPart, runStart, segment] = compact;
  return {
    cursor,
    ended,
    endTime,
    lastEventTime,
    presenceKnown,
    user,
    handling,
    userSince,
    handlingSince,
    profile,
    profileReason,
    profileType,
    campaignId,
    lastContact,
    runKind,
    runPart,
    runStart,
    segment: segment === null ? null : { start: segment[0], user: segment[1], handling: segment[2], profile: segment[3], profileReason: segment[4], profileType: segment[5], campaignId: segment[6] },
  };
}
