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
 * segment has another profile, the current one began where it ended (the open segment starts there) and its type is
 * not known from the timeline. Closed segments reach the store only once final (ALLOWED_LATENESS_MS after they end), so
 * the walk is trusted only when the state's last user or handling change (`lastChange`) is not after the newest closed
 * segment's end; a profile-only change inside that lateness is seen once its segment is final. Without a closed
 * segment in the session, the profile has held since the session began when no change happened since (`sessionStart`
 * = `lastChange`). Otherwise, and while `current.profile` is null (no profile reported yet), the start is unknown.
 * `segments` are sorted by start.
 */
export function profileRun(
  segments: readonly ProfileSegment[],
  current: { readonly sessionId: string; readonly profile: string | null; readonly profileReason: string | null; readonly sessionStart: number | null; readonly lastChange: number | null },
): ProfileRun {
  if (current.profile === null) return { since: null, profileType: null };
  const session = segments.filter((s) => s.sessionId === current.sessionId && s.end > s.start);
  const last = session[session.length - 1];
  if (last === undefined) return { since: current.sessionStart !== null && current.sessionStart === current.lastChange ? current.sessionStart : null, profileType: null };
  if (current.lastChange !== null && current.lastChange > last.end) return { since: null, profileType: null };
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
