import type { ContributionSink } from '../statistic/contribution-sink.ts';
import type { SegmentSink } from './session-machine.ts';
import { advanceSession } from './session-machine.ts';
import type { SessionState } from './session-state.ts';

/**
 * Implicit session ends, for sessions whose `LoggedOut` row never arrives (docs/metrics.md, "Sessions that never
 * end"). A session ends at the earliest of:
 * - its LoggedOut event;
 * - `supersededAt`: the first event time of the same user's next newer session (sessions of a user ordered by
 *   first event time, then sessionId);
 * - its last event time + `maxIdleMs`, when it has no event in between (the idle rule).
 *
 * An implicit end rejects nothing: later events of the session are accepted and count nothing. It moves when the
 * input changes (a late event fills an idle gap, an earlier newer session shows up), and the windows are
 * corrected like for any late event. Events are applied in compareEvents order; an event at time t is applied
 * only if the session is still open at t (an idle end exactly at t does not end it: the event is the activity).
 */
/**
 * 24 hours: longer than any shift with its overtime, so a logged-in agent who is idle for a whole shift keeps the
 * session; a lost LoggedOut overstates at most one day when no newer session of the agent ends it first.
 */
export const DEFAULT_SESSION_MAX_IDLE_MS = 86_400_000;

export interface SessionBounds {
  readonly maxIdleMs: number;
  readonly supersededAt: number | null;
}

/** The implicit end that applies before `to`, or null. At a horizon (`inclusive`) an idle end at `to` applies too. */
export function implicitEnd(state: Readonly<SessionState>, to: number, bounds: SessionBounds, inclusive: boolean): number | null {
  if (state.ended) return null;
  let end: number | null = null;
  const superseded = bounds.supersededAt;
  if (superseded !== null && superseded <= to) end = superseded;
  const last = state.lastEventTime;
  if (last !== null) {
    const idle = last + bounds.maxIdleMs;
    if ((inclusive ? idle <= to : idle < to) && (end === null || idle < end)) end = idle;
  }
  return end;
}

/**
 * Advances the machine to `to` like advanceSession, first ending the session at its implicit end when that comes
 * before `to` (at or before it when `inclusive`: `to` is the horizon). Returns true while the session is open at
 * `to`, so that an event at `to` may be applied.
 */
export function advanceBounded(
  state: SessionState,
  to: number,
  bounds: SessionBounds,
  inclusive: boolean,
  sink: ContributionSink,
  segments: SegmentSink | null,
): boolean {
  const end = implicitEnd(state, to, bounds, inclusive);
  if (end !== null) {
    const cursor = state.cursor;
    const at = cursor === null ? end : Math.max(cursor, end);
    if (cursor === null) state.cursor = at;
    else advanceSession(state, at, sink, segments);
    state.ended = true;
    state.endTime = at;
  }
  advanceSession(state, to, sink, segments);
  return !state.ended;
}
