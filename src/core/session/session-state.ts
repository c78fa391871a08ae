/**
 * The complete state of one session's machine at its cursor: plain JSON data (no Infinity, no
 * NaN, no class instances), so a copy is a checkpoint and a snapshot is `JSON.stringify`.
 */
export interface SessionState {
  /** Milliseconds before the cursor have been accounted; null until the first event. */
  cursor: number | null;
  ended: boolean;
  endTime: number | null;
  /** eventTime of the last event applied (the idle rule of session-bounds.ts); null until the first. */
  lastEventTime: number | null;
  /**
   * False for a source that never reports presence (source-profiles.ts): handling time then counts while the user
   * status is unknown (0). True: nothing counts before the first user status, as Sinch RAI needs.
   */
  presenceKnown: boolean;
  /** User status code, 0 = unknown. */
  user: number;
  /** Working handling status code, 0 = unknown. */
  handling: number;
  userSince: number | null;
  handlingSince: number | null;
  profile: string | null;
  profileReason: string | null;
  profileType: string | null;
  campaignId: string | null;
  /** Contact kind of the most recent counted contact millisecond (afterwork attribution). */
  lastContact: number;
  /** Count kind of the handling run that covers the millisecond before the cursor, 0 = none. */
  runKind: number;
  /** The breakdown part (history-part.ts) of the run's last counted millisecond, where its count goes; null = none. */
  runPart: string | null;
  /** Format 8: the first counted millisecond of the run (the direct-contact join needs the run's span); null = none. */
  runStart: number | null;
  /** The timeline segment still open at the cursor. */
  segment: OpenSegment | null;
}

/** A timeline segment whose end is not known yet. */
export interface OpenSegment {
  start: number;
  user: number;
  handling: number;
  profile: string | null;
  profileReason: string | null;
  profileType: string | null;
  campaignId: string | null;
}

export function initialSessionState(presenceKnown = true): SessionState {
  return {
    cursor: null,
    ended: false,
    endTime: null,
    lastEventTime: null,
    presenceKnown,
    user: 0,
    handling: 0,
    userSince: null,
    handlingSince: null,
    profile: null,
    profileReason: null,
    profileType: null,
    campaignId: null,
    lastContact: 0,
    runKind: 0,
    runPart: null,
    runStart: null,
    segment: null,
  };
}

export function copySessionState(state: Readonly<SessionState>): SessionState {
  return { ...state, segment: state.segment === null ? null : { ...state.segment } };
}
