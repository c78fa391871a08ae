import { agentStateSignature, currentAgentState, matchesAgentState } from '../timeline/current-agent-state.ts';
import { sameSegment, toTimelineSegment } from '../timeline/timeline-segment.ts';
import type { EngineEmission, SegmentEntry } from './engine-types.ts';
import type { EngineSession } from './engine-session.ts';
import type { EngineUser } from './engine-user.ts';

/*
 * What a session emits on an advance: its closed, final segments and its current agent state.
 * Names are "as of" (spec §4): a segment carries its user's name as of the segment end, a state
 * the name as of the watermark (events with eventTime ≤ W).
 */

/** Emits the closed segments ending at or before `finalBefore` that changed since their last emission. */
export function emitSegments(session: EngineSession, finalBefore: number, tenant: string, owner: EngineUser, out: EngineEmission[]): void {
  const segments = session.segments;
  let i = session.segmentFrom;
  for (; i < segments.length; i++) {
    const entry = segments[i] as SegmentEntry;
    if (entry.segment.end > finalBefore) break;
    if (entry.emitted !== null && sameSegment(entry.emitted, entry.segment)) continue;
    // replaced, not changed in place: an entry seen by persistedParts() is never mutated (persisted-parts.ts)
    const revision = entry.revision + 1;
    segments[i] = { segment: entry.segment, revision, emitted: entry.segment };
    const context = { tenant, source: owner.source, userId: session.userId, userName: owner.nameAsOf(entry.segment.end), sessionId: session.sessionId, revision };
    out.push({ type: 'segment', segment: toTimelineSegment(entry.segment, context) });
  }
  session.segmentFrom = i;
}

/** Emits the current agent state as of `asOf` when it changed since the last emission. */
export function emitState(session: EngineSession, asOf: number, tenant: string, owner: EngineUser, out: EngineEmission[]): void {
  if (!session.stateDirty || session.live.cursor === null) return;
  session.stateDirty = false;
  const last = session.lastState;
  if (last !== null && matchesAgentState(session.live, last)) return;
  const context = { tenant, source: owner.source, userId: session.userId, userName: owner.nameAsOf(asOf + 1), sessionId: session.sessionId, asOf };
  const state = currentAgentState(session.live, context);
  if (last === null && session.lastStateSignature !== null) {
    const signature = agentStateSignature(state);
    if (signature === session.lastStateSignature) {
      session.lastState = state;
      return;
    }
  }
  session.lastState = state;
  session.lastStateSignature = null;
  out.push({ type: 'agentState', state });
}
