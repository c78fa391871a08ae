import { handlingStatusName, userStatusName } from '../events/status.ts';
import type { OpenSegment } from '../session/session-state.ts';
import type { SourceId } from '../source/source-id.ts';

/**
 * A maximal interval of one session's counted milliseconds with constant (userStatus,
 * handlingStatus, profile, profileReason). `profileType` and `campaignId` are those at `start`.
 * `revision` goes up each time a late event changes an already emitted segment.
 */
export interface TimelineSegment {
  tenant: string;
  source: SourceId;
  userId: string;
  userName: string;
  sessionId: string;
  start: number;
  end: number;
  userStatus: string;
  handlingStatus: string;
  profile?: string;
  profileReason?: string;
  profileType?: string;
  campaignId?: string;
  revision: number;
}

/** A closed segment as the machine reports it: plain JSON data. */
export interface ClosedSegment {
  start: number;
  end: number;
  user: number;
  handling: number;
  profile: string | null;
  profileReason: string | null;
  profileType: string | null;
  campaignId: string | null;
}

export function closeSegment(open: Readonly<OpenSegment>, end: number): ClosedSegment {
  return {
    start: open.start,
    end,
    user: open.user,
    handling: open.handling,
    profile: open.profile,
    profileReason: open.profileReason,
    profileType: open.profileType,
    campaignId: open.campaignId,
  };
}

/** True when two closed segments have the same content. */
export function sameSegment(a: Readonly<ClosedSegment>, b: Readonly<ClosedSegment>): boolean {
  return (
    a.start === b.start &&
    a.end === b.end &&
    a.user === b.user &&
    a.handling === b.handling &&
    a.profile === b.profile &&
    a.profileReason === b.profileReason &&
    a.profileType === b.profileType &&
    a.campaignId === b.campaignId
  );
}

export function toTimelineSegment(
  segment: Readonly<ClosedSegment>,
  context: { tenant: string; source: SourceId; userId: string; userName: string; sessionId: string; revision: number },
): TimelineSegment {
  const out: TimelineSegment = {
    tenant: context.tenant,
    source: context.source,
    userId: context.userId,
    userName: context.userName,
    sessionId: context.sessionId,
    start: segment.start,
    end: segment.end,
    userStatus: userStatusName(segment.user),
    handlingStatus: handlingStatusName(segment.handling),
    revision: context.revision,
  };
  if (segment.profile !== null) out.profile = segment.profile;
  if (segment.profileReason !== null) out.profileReason = segment.profileReason;
  if (segment.profileType !== null) out.profileType = segment.profileType;
  if (segment.campaignId !== null) out.campaignId = segment.campaignId;
  return out;
}
