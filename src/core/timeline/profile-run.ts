/** The parts of a timeline segment the profile run needs. */
export interface ProfileSegment {
  readonly sessionId: string;
  readonly start: number;
  readonly end: number;
  readonly profile: string | null;
  readonly profileReason: string | null;
  readonly profileType: string | null;
}

/** When the agent's current presence profile began, and its type; null where the timeline cannot tell. */
export interface ProfileRun {
  readonly since: number | null;
  readonly profileType: string | null;
}

/**
 * The current presence profile's run from the agent's closed segments: segments are maximal runs of constant
 * (userStatus, handlingStatus, profile, profileReason), so walking back from the newest segment of `current.sessionId`
 * over contiguous segments with the current profile and reason finds where the profile began. When the newest closed
 * segment has another profile, the current one began where it ended (the open segment, not emitted yet, starts there)
 * and its type is not known from the timeline. Without a closed segment in the session, the profile has held since the
 * session began: the earlier of `sessionStart` candidates (the state's since times). `segments` are sorted by start;
 * `current.profile` null (no profile reported yet): nothing is known.
 */
export function profileRun(segments: readonly ProfileSegment[], current: { readonly sessionId: string; readonly profile: string | null; readonly profileReason: string | null; readonly sessionStart: number | null }): ProfileRun {
  if (current.profile === null) return { since: null, profileType: null };
  const session = segments.filter((s) => s.sessionId === current.sessionId && s.end > s.start);
  const last = session[session.length - 1];
  if (last === undefined) return { since: current.sessionStart, profileType: null };
  const same = (s: ProfileSegment): boolean => s.profile === current.profile && s.profileReason === current.profileReason;
  if (!same(last)) return { since: last.end, profileType: null };
  let since = last.start;
  let profileType = last.profileType;
  for (let i = session.length - 2; i >= 0; i--) {
    const segment = session[i]!;
    if (!same(segment) || segment.end !== since) break;
    since = segment.start;
    profileType = segment.profileType;
  }
  return { since, profileType };
}
