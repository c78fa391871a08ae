import type { AgentEvent } from '../../src/core/events/agent-event.ts';
import { compareEvents, createAgentEvent, isSameChange, isSessionEnd } from '../../src/core/events/agent-event.ts';
import type { SegmentSink } from '../../src/core/session/session-machine.ts';
import { advanceSession, applySessionEvent, settleRun } from '../../src/core/session/session-machine.ts';
import type { OpenSegment, SessionState } from '../../src/core/session/session-state.ts';
import { copySessionState, initialSessionState } from '../../src/core/session/session-state.ts';
import { NULL_SINK } from '../../src/core/statistic/contribution-sink.ts';
import type { WindowAccumulator } from '../../src/core/statistic/window-accumulator.ts';
import { closeSegment } from '../../src/core/timeline/timeline-segment.ts';
import type { SegmentEntry, SessionSnapshot } from './engine-types.ts';
import type { EngineUser } from './engine-user.ts';

/** Outcome of offering an event to a session. */
export type InsertOutcome =
  | { kind: 'accepted'; cut: AgentEvent[] }
  | { kind: 'duplicate' }
  | { kind: 'after-session-end' };

/**
 * One session in the streaming engine.
 *
 * State: `checkpoint` is the machine state at the checkpoint time K (all events before K folded
 * in); `log` holds the session's events at or after K in apply order; the first `applied` of them
 * (those at or before the watermark) are reflected in `live`, whose cursor is the watermark and
 * whose run is settled there. In-order events are applied incrementally; an event at or before
 * the live cursor withdraws the session's contributions since K (replay with sign −1), inserts
 * the event and replays again. Memory: O(1) plus the log, which the
 * engine bounds by moving K forward.
 */
export class EngineSession implements SegmentSink {
  readonly sessionId: string;
  readonly userId: string;
  checkpoint: SessionState = initialSessionState();
  live: SessionState = initialSessionState();
  log: AgentEvent[] = [];
  applied = 0;
  endEvent: AgentEvent | null = null;
  segments: SegmentEntry[] = [];
  lastStateSignature: string | null = null;
  /** The user owning the session's windows (a cached reference, not state). */
  owner: EngineUser | null = null;
  /** Optimisation flags (not state): the live state or the segments may have changed. */
  stateDirty = true;
  segmentsDirty = true;

  constructor(sessionId: string, userId: string) {
    this.sessionId = sessionId;
    this.userId = userId;
  }

  closeSegment(open: Readonly<OpenSegment>, end: number): void {
    this.segments.push({ segment: closeSegment(open, end), revision: 0, emitted: null });
    this.segmentsDirty = true;
  }

  /** Offers an event; the caller has checked it is not too late. Recomputes when it is out of order. */
  insert(event: AgentEvent, watermark: number | null, windows: WindowAccumulator): InsertOutcome {
    const log = this.log;
    let pos = log.length;
    if (pos > 0 && compareEvents(log[pos - 1] as AgentEvent, event) > 0) {
      let lo = 0;
      while (lo < pos) {
        const mid = (lo + pos) >>> 1;
        if (compareEvents(log[mid] as AgentEvent, event) <= 0) lo = mid + 1;
        else pos = mid;
      }
    }
    const before = log[pos - 1];
    const after = log[pos];
    if ((before !== undefined && isSameChange(before, event)) || (after !== undefined && isSameChange(after, event))) {
      return { kind: 'duplicate' };
    }
    if (this.checkpoint.ended || (this.endEvent !== null && compareEvents(event, this.endEvent) > 0)) {
      return { kind: 'after-session-end' };
    }
    const cursor = this.live.cursor;
    const outOfOrder = cursor !== null && event.eventTime <= cursor;
    if (outOfOrder) this.replay(windows, -1, this.applied, cursor, null);
    log.splice(pos, 0, event);
    let cut: AgentEvent[] = [];
    if (isSessionEnd(event)) {
      cut = log.splice(pos + 1);
      this.endEvent = event;
    }
    if (outOfOrder && watermark !== null) this.recompute(watermark, windows);
    return { kind: 'accepted', cut };
  }

  /**
   * Applies pending events up to `watermark`, advances the live machine to it and settles its run.
   * Returns false when this cannot have changed any contribution (an ended session, nothing new).
   */
  advance(watermark: number, windows: WindowAccumulator): boolean {
    const log = this.log;
    const live = this.live;
    const idle = live.ended && live.cursor !== null && live.endTime !== null && live.cursor > live.endTime;
    const first = this.applied;
    while (this.applied < log.length) {
      const event = log[this.applied] as AgentEvent;
      if (event.eventTime > watermark) break;
      advanceSession(live, event.eventTime, windows, this);
      applySessionEvent(live, event);
      this.applied++;
    }
    if (this.applied !== first) this.stateDirty = true;
    advanceSession(live, watermark, windows, this);
    settleRun(live, windows);
    return !idle || this.applied !== first;
  }

  /** Moves the checkpoint to `time` (≤ watermark − lateness − horizon), dropping folded events. */
  moveCheckpoint(time: number): void {
    const log = this.log;
    let n = 0;
    while (n < log.length && (log[n] as AgentEvent).eventTime < time) n++;
    const state = this.checkpoint;
    for (let i = 0; i < n; i++) {
      const event = log[i] as AgentEvent;
      advanceSession(state, event.eventTime, NULL_SINK, null);
      applySessionEvent(state, event);
    }
    advanceSession(state, time, NULL_SINK, null);
    if (n > 0) {
      log.splice(0, n);
      this.applied -= n;
    }
    this.segments = this.segments.filter((entry) => entry.segment.end >= time);
  }

  private recompute(watermark: number, windows: WindowAccumulator): void {
    const horizon = this.checkpoint.cursor;
    const previous = new Map(this.segments.map((entry) => [entry.segment.start, entry]));
    const kept = horizon === null ? [] : this.segments.filter((entry) => entry.segment.end < horizon);
    this.segments = [];
    let count = 0;
    while (count < this.log.length && (this.log[count] as AgentEvent).eventTime <= watermark) count++;
    this.live = this.replay(windows, 1, count, watermark, this);
    this.applied = count;
    for (const entry of this.segments) {
      const old = previous.get(entry.segment.start);
      if (old !== undefined) {
        entry.revision = old.revision;
        entry.emitted = old.emitted;
      }
    }
    this.segments = [...kept, ...this.segments];
    this.segmentsDirty = true;
    this.stateDirty = true;
  }

  private replay(
    windows: WindowAccumulator,
    sign: number,
    count: number,
    to: number,
    segments: SegmentSink | null,
  ): SessionState {
    const state = copySessionState(this.checkpoint);
    windows.sign = sign;
    try {
      for (let i = 0; i < count; i++) {
        const event = this.log[i] as AgentEvent;
        advanceSession(state, event.eventTime, windows, segments);
        applySessionEvent(state, event);
      }
      advanceSession(state, to, windows, segments);
      settleRun(state, windows);
    } finally {
      windows.sign = 1;
    }
    return state;
  }

  /** True once the end is folded into the checkpoint and nothing is left to emit. */
  isEvictable(): boolean {
    return this.checkpoint.ended && this.live.ended && this.segments.length === 0 && this.log.length === 0;
  }

  snapshot(): SessionSnapshot {
    return {
      sessionId: this.sessionId,
      userId: this.userId,
      checkpoint: copySessionState(this.checkpoint),
      live: copySessionState(this.live),
      log: this.log.map((e) => ({ ...e })),
      applied: this.applied,
      endEvent: this.endEvent === null ? null : { ...this.endEvent },
      segments: this.segments.map((entry) => ({
        segment: { ...entry.segment },
        revision: entry.revision,
        emitted: entry.emitted === null ? null : { ...entry.emitted },
      })),
      lastStateSignature: this.lastStateSignature,
    };
  }

  static restore(snapshot: SessionSnapshot): EngineSession {
    const session = new EngineSession(snapshot.sessionId, snapshot.userId);
    session.checkpoint = copySessionState(snapshot.checkpoint);
    session.live = copySessionState(snapshot.live);
    session.log = snapshot.log.map((e) => createAgentEvent(e, e));
    session.applied = snapshot.applied;
    session.endEvent = snapshot.endEvent === null ? null : createAgentEvent(snapshot.endEvent, snapshot.endEvent);
    session.segments = snapshot.segments.map((entry) => ({
      segment: { ...entry.segment },
      revision: entry.revision,
      emitted: entry.emitted === null ? null : { ...entry.emitted },
    }));
    session.lastStateSignature = snapshot.lastStateSignature;
    return session;
  }
}
