import type { AgentEvent } from '../events/agent-event.ts';
import { CODE_CAMPAIGN_JOIN, CODE_CAMPAIGN_LEAVE, CODE_LOGGED_OUT, CONTACT_KIND, COUNT_KIND } from '../events/status.ts';
import type { ContributionSink } from '../statistic/contribution-sink.ts';
import { partKey, UNKNOWN_PART_KEY } from '../statistic/history-part.ts';
import { COUNT_INDEX_OF_KIND, countedFields } from '../statistic/metric-vector.ts';
import type { OpenSegment, SessionState } from './session-state.ts';

/** Receives timeline segments as the machine closes them. */
export interface SegmentSink {
  closeSegment(segment: Readonly<OpenSegment>, end: number): void;
}

function sameKey(segment: OpenSegment, state: SessionState): boolean {
  return (
    segment.user === state.user &&
    segment.handling === state.handling &&
    segment.profile === state.profile &&
    segment.profileReason === state.profileReason
  );
}

/**
 * A millisecond counts while the session is open and its handling status is known, and its user status is known
 * too unless the source never reports presence (then presence-dependent fields are unknown: source-profiles.ts).
 */
function isCounted(state: Readonly<SessionState>): boolean {
  return !state.ended && state.handling !== 0 && (state.user !== 0 || !state.presenceKnown);
}

/**
 * Accounts the milliseconds [cursor, to) with the state as it is, then moves the cursor to `to`.
 *
 * Contract: callers advance only forward and only up to their horizon (the watermark), and apply
 * every event with eventTime < `to` before advancing past it. A handling run is counted, and a
 * segment closed, only when the millisecond after it is accounted, so nothing at or beyond the
 * horizon is decided early.
 */
export function advanceSession(
  state: SessionState,
  to: number,
  sink: ContributionSink,
  segments: SegmentSink | null,
): void {
  const from = state.cursor;
  if (from === null || to <= from) return;
  const counted = isCounted(state);
  const handling = state.handling;
  if (state.runKind !== 0 && (!counted || COUNT_KIND[handling] !== state.runKind)) endRun(state, from, sink);
  const open = state.segment;
  if (open !== null && (!counted || !sameKey(open, state))) {
    if (segments !== null) segments.closeSegment(open, from);
    state.segment = null;
  }
  if (counted) {
    const part = partKey(state.profile, state.profileReason, state.campaignId);
    sink.addSpan(from, to, countedFields(state.user, handling, state.lastContact), part);
    const count = COUNT_KIND[handling] as number;
    if (count !== 0) {
      if (state.runKind === 0) state.runStart = from;
      state.runKind = count;
      state.runPart = part;
    }
    const contact = CONTACT_KIND[handling] as number;
    if (contact !== 0) state.lastContact = contact;
    if (state.segment === null) {
      state.segment = {
        start: from,
        user: state.user,
        handling,
        profile: state.profile,
        profileReason: state.profileReason,
        profileType: state.profileType,
        campaignId: state.campaignId,
      };
    }
  }
  state.cursor = to;
}

/**
 * Applies one event at the cursor. Contract: the state has been advanced to `event.eventTime`
 * (or has no cursor yet), events arrive in compareEvents order, and none follows the end event.
 */
export function applySessionEvent(state: SessionState, event: AgentEvent): void {
  const time = event.eventTime;
  if (state.cursor === null) state.cursor = time;
  state.lastEventTime = time;
  const code = event.code;
  if (code === CODE_LOGGED_OUT) {
    state.ended = true;
    state.endTime = time;
    return;
  }
  if (event.kind === 'userStatus') {
    if (state.user !== code) {
      state.user = code;
      state.userSince = time;
    }
    state.profile = event.profile ?? null;
    state.profileReason = event.profileReason ?? null;
    state.profileType = event.profileType ?? null;
    return;
  }
  if (code === CODE_CAMPAIGN_JOIN) {
    state.campaignId = event.campaignId ?? null;
  } else if (code === CODE_CAMPAIGN_LEAVE) {
    state.campaignId = null;
  } else if (state.handling !== code) {
    state.handling = code;
    state.handlingSince = time;
  }
}

/**
 * Horizon rule: with the machine advanced to its horizon (the watermark) and the events at exactly
 * the horizon applied, a run covering the millisecond before the horizon has ended when the state
 * at the horizon is not counted with the same kind (e.g. the session ends exactly there); it is
 * counted now instead of on the next advance. Contract: no event at the horizon may be applied
 * afterwards without recomputing from an earlier state.
 */
export function settleRun(state: SessionState, sink: ContributionSink): void {
  const cursor = state.cursor;
  if (state.runKind === 0 || cursor === null) return;
  const counted = isCounted(state);
  if (!counted || COUNT_KIND[state.handling] !== state.runKind) endRun(state, cursor, sink);
}

/** Counts the run that ended at `end` (its last millisecond is end − 1) and tells the sink its span. */
function endRun(state: SessionState, end: number, sink: ContributionSink): void {
  const part = state.runPart ?? UNKNOWN_PART_KEY;
  sink.addCount(end - 1, COUNT_INDEX_OF_KIND[state.runKind] as number, part);
  if (sink.addRun !== undefined && state.runStart !== null) sink.addRun(state.runKind, state.runStart, end, part);
  state.runKind = 0;
  state.runPart = null;
  state.runStart = null;
}
