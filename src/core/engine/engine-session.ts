import type { AgentEvent } from '../events/agent-event.ts';
import { compareEvents, createAgentEvent, isSameChange, isSameInstant, isSessionEnd } from '../events/agent-event.ts';
import type { SegmentSink } from '../session/session-machine.ts';
import type { SessionBounds } from '../session/session-bounds.ts';
import { advanceBounded } from '../session/session-bounds.ts';
import { applySessionEvent, settleRun } from '../session/session-machine.ts';
import type { OpenSegment, SessionState } from '../session/session-state.ts';
import { copySessionState, initialSessionState } from '../session/session-state.ts';
import { NULL_SINK } from '../statistic/contribution-sink.ts';
import type { CurrentAgentState } from '../timeline/current-agent-state.ts';
import { agentStateSignature } from '../timeline/current-agent-state.ts';
import { closeSegment } from '../timeline/timeline-segment.ts';
import { decodeLog, encodeLog } from './compact-event.ts';
import { decodeSegmentEntry } from './compact-segment.ts';
import { decodeSessionState, encodeSessionState } from './compact-session-state.ts';
import type { SegmentEntry, SessionSnapshot } from './engine-types.ts';
import type { SessionHead } from './persisted-parts.ts';
import { persistSegment } from './persisted-parts.ts';
import type { EngineUser } from './engine-user.ts';
import type { EngineWindows } from './engine-windows.ts';

/** Outcomes of offering an event to a session (see EngineSession.insert). */
export const INSERT_ACCEPTED = 0;
export const INSERT_DUPLICATE = 1;
export const INSERT_AFTER_END = 2;

const NO_EVENTS: readonly AgentEvent[] = Object.freeze([]);

/**
 * One session in the streaming engine.
 *
 * State: `checkpoint` is the machine state at the checkpoint time K (all events before K folded
 * in); `log` holds the session's events at or after K in apply order; the first `applied` of them
 * (those at or before the watermark) are reflected in `live`, whose cursor is the watermark and
 * whose run is settled there. In-order events are applied incrementally; an event at or before
 * the live cursor withdraws the session's contributions since K (replay with sign −1) and marks
 * the session for recomputation, which the next `advance` does once, however many late events
 * arrived in between (`needsRecompute` is state: it is in the snapshot). Memory: O(1) plus the
 * log, which the engine bounds by moving K forward.
 *
 * Implicit ends (session-bounds.ts): the session is its own SessionBounds. `start` (its first event time) is
 * state; `supersededAt` is derived by the engine from the starts of its user's sessions and set through
 * `setSupersededAt`, which withdraws the contributions it changes like a late event does. Events after an
 * implicit end stay in the log (the end can move) until the checkpoint passes them.
 */
export class EngineSession implements SegmentSink, SessionBounds {
  readonly sessionId: string;
  readonly userId: string;
  readonly maxIdleMs: number;
  /** eventTime of the session's first event (null before the first accepted insert). */
  start: number | null = null;
  /** The first event time of the next newer session of the same user; null when this is the newest. */
  supersededAt: number | null = null;
  checkpoint: SessionState;
  live: SessionState;
  log: AgentEvent[] = [];
  applied = 0;
  endEvent: AgentEvent | null = null;
  segments: SegmentEntry[] = [];
  /** The session's contributions are withdrawn; `live` is stale until the next advance. */
  needsRecompute = false;
  /** Signature of the last emitted agent state when restored (`lastState` is null then). */
  lastStateSignature: string | null = null;
  lastState: CurrentAgentState | null = null;
  /** Events cut by the end event of the last accepted insert (valid until the next insert). */
  cut: readonly AgentEvent[] = NO_EVENTS;
  /** The copy of the same change that the last accepted insert displaced (valid until the next insert). */
  replaced: AgentEvent | null = null;
  /** The user owning the session's windows (a cached reference, not state). */
  owner: EngineUser | null = null;
  /** Optimisation flags (not state): the live state may have changed; segments before `segmentFrom` are emitted. */
  stateDirty = true;
  segmentFrom = 0;

  /** `presenceKnown`: false for a source without presence (SessionState.presenceKnown). */
  constructor(sessionId: string, userId: string, maxIdleMs: number, presenceKnown = true) {
    this.sessionId = sessionId;
    this.userId = userId;
    this.maxIdleMs = maxIdleMs;
    this.checkpoint = initialSessionState(presenceKnown);
    this.live = initialSessionState(presenceKnown);
  }

  closeSegment(open: Readonly<OpenSegment>, end: number): void {
    this.segments.push({ segment: closeSegment(open, end), revision: 0, emitted: null });
  }

  /**
   * Offers an event (the caller has checked it is not too late): INSERT_ACCEPTED (then `cut` holds
   * the events a new end event cut off), INSERT_DUPLICATE or INSERT_AFTER_END. An event at or
   * before the live cursor withdraws the contributions and defers the recomputation to `advance`.
   * A copy of a logged change counts once, at the position of the copy the vendor listed first: a
   * copy ordered after the logged one is a duplicate; one ordered before it takes its place (then
   * `replaced` holds the displaced copy).
   */
  insert(event: AgentEvent, windows: EngineWindows): number {
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
    for (let i = pos - 1; i >= 0 && isSameInstant(log[i] as AgentEvent, event); i--) {
      if (isSameChange(log[i] as AgentEvent, event)) return INSERT_DUPLICATE;
    }
    let copy = -1;
    for (let i = pos; i < log.length && isSameInstant(log[i] as AgentEvent, event); i++) {
      if (isSameChange(log[i] as AgentEvent, event)) {
        copy = i;
        break;
      }
    }
    if (copy < 0 && (this.checkpoint.ended || (this.endEvent !== null && compareEvents(event, this.endEvent) > 0))) {
      return INSERT_AFTER_END;
    }
    const cursor = this.live.cursor;
    if (!this.needsRecompute && cursor !== null && event.eventTime <= cursor) {
      this.replay(windows, -1, this.applied, cursor, null);
      this.needsRecompute = true;
    }
    this.replaced = copy < 0 ? null : (log.splice(copy, 1)[0] as AgentEvent);
    if (pos === log.length) log.push(event);
    else log.splice(pos, 0, event);
    if (this.start === null || event.eventTime < this.start) this.start = event.eventTime;
    this.cut = NO_EVENTS;
    if (isSessionEnd(event)) {
      this.cut = log.splice(pos + 1);
      this.endEvent = event;
    }
    return INSERT_ACCEPTED;
  }

  /**
   * Sets the start of the user's next newer session (see the class comment). Returns true when it changed; a
   * change at or before the live cursor withdraws the contributions and defers the recomputation to `advance`.
   */
  setSupersededAt(at: number | null, windows: EngineWindows): boolean {
    const previous = this.supersededAt;
    if (previous === at) return false;
    const cursor = this.live.cursor;
    const from = Math.min(previous ?? Number.POSITIVE_INFINITY, at ?? Number.POSITIVE_INFINITY);
    if (!this.checkpoint.ended && !this.needsRecompute && cursor !== null && from <= cursor) {
      this.replay(windows, -1, this.applied, cursor, null);
      this.needsRecompute = true;
    }
    this.supersededAt = at;
    return true;
  }

  /**
   * Withdraws the session's contributions for a recomputation on the next advance when its live machine may already
   * have counted a run ending at or after `from` (a direct contact that such a run may be joined to arrived: the
   * caller adds it to the store after this, so the withdrawal takes back exactly what was added). True when withdrawn
   * now or already pending.
   */
  invalidateFrom(from: number, windows: EngineWindows): boolean {
    if (this.needsRecompute) return true;
    const cursor = this.live.cursor;
    if (this.checkpoint.ended || cursor === null || cursor < from) return false;
    this.replay(windows, -1, this.applied, cursor, null);
    this.needsRecompute = true;
    return true;
  }

  /**
   * Applies pending events up to `watermark`, advances the live machine to it and settles its run.
   * Returns false when this cannot have changed any contribution (an ended session, nothing new); such a session is
   * left as it is.
   */
  advance(watermark: number, windows: EngineWindows): boolean {
    if (this.needsRecompute) {
      this.recompute(watermark, windows);
      return true;
    }
    const log = this.log;
    const live = this.live;
    // An ended session already past its end is left as it is: its machine can count nothing more, and not moving it
    // (nor applying the events logged after its end) keeps a restored engine, where every session starts active, in
    // the state of an uninterrupted one.
    if (live.ended && live.cursor !== null && live.endTime !== null && live.cursor > live.endTime) return false;
    const first = this.applied;
    while (this.applied < log.length) {
      const event = log[this.applied] as AgentEvent;
      if (event.eventTime > watermark) break;
      if (advanceBounded(live, event.eventTime, this, false, windows, this)) applySessionEvent(live, event);
      this.applied++;
    }
    if (this.applied !== first) this.stateDirty = true;
    if (!advanceBounded(live, watermark, this, true, windows, this)) this.stateDirty = true;
    settleRun(live, windows);
    return true;
  }

  /** Moves the checkpoint to `time` (≤ watermark − lateness − horizon), dropping folded events. */
  moveCheckpoint(time: number): void {
    const log = this.log;
    let n = 0;
    while (n < log.length && (log[n] as AgentEvent).eventTime < time) n++;
    const state = this.checkpoint;
    for (let i = 0; i < n; i++) {
      const event = log[i] as AgentEvent;
      if (advanceBounded(state, event.eventTime, this, false, NULL_SINK, null)) applySessionEvent(state, event);
    }
    advanceBounded(state, time, this, false, NULL_SINK, null);
    if (n > 0) {
      log.splice(0, n);
      this.applied = Math.max(0, this.applied - n);
    }
    let drop = 0;
    while (drop < this.segments.length && (this.segments[drop] as SegmentEntry).segment.end < time) drop++;
    if (drop > 0) {
      this.segments.splice(0, drop);
      this.segmentFrom = Math.max(0, this.segmentFrom - drop);
    }
  }

  /** Has a closed segment that is not emitted yet (or was revised). */
  hasPendingSegments(): boolean {
    return this.segmentFrom < this.segments.length;
  }

  private recompute(watermark: number, windows: EngineWindows): void {
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
        previous.delete(entry.segment.start);
      }
    }
    // an emitted segment the recomputation no longer has (its start moved, or the session now ends before it) is
    // withdrawn: emitted again with end = start, a zero-length revision that replaces it downstream
    let withdrawn = false;
    for (const old of previous.values()) {
      if (old.emitted === null || old.emitted.end === old.emitted.start || (horizon !== null && old.segment.end < horizon)) continue;
      this.segments.push({ segment: { ...old.segment, end: old.segment.start }, revision: old.revision, emitted: old.emitted });
      withdrawn = true;
    }
    if (withdrawn) this.segments.sort((a, b) => a.segment.end - b.segment.end || a.segment.start - b.segment.start);
    this.segments = kept.length === 0 ? this.segments : [...kept, ...this.segments];
    this.segmentFrom = 0;
    this.stateDirty = true;
    this.needsRecompute = false;
  }

  private replay(
    windows: EngineWindows,
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
        if (advanceBounded(state, event.eventTime, this, false, windows, segments)) applySessionEvent(state, event);
      }
      advanceBounded(state, to, this, true, windows, segments);
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

  /**
   * Plain JSON state. Events and closed segments are immutable, so they are shared, not copied;
   * only the mutable parts (machine states, segment entries, arrays) are copied.
   */
  snapshot(): SessionSnapshot {
    const { sessionId, userId, start, checkpoint, live, applied, endEvent, lastStateSignature, needsRecompute } = this.snapshotHead();
    const log = encodeLog(this.log, this.userId);
    const snapshot: SessionSnapshot = { sessionId, userId, start, checkpoint, live, log, applied, endEvent, segments: this.segments.map(persistSegment), lastStateSignature };
    if (needsRecompute === true) snapshot.needsRecompute = true;
    return snapshot;
  }

  /** The snapshot without `log` and `segments` (persisted-parts.ts). */
  snapshotHead(): SessionHead {
    const head: SessionHead = {
      sessionId: this.sessionId,
      userId: this.userId,
      start: this.start,
      checkpoint: encodeSessionState(this.checkpoint),
      live: encodeSessionState(this.live),
      applied: this.applied,
      endEvent: this.endEvent,
      lastStateSignature: this.lastState === null ? this.lastStateSignature : agentStateSignature(this.lastState),
    };
    if (this.needsRecompute) head.needsRecompute = true;
    return head;
  }

  /** Restores a snapshot of the current format (older ones are migrated first: snapshot-format.ts). */
  static restore(snapshot: SessionSnapshot, maxIdleMs: number): EngineSession {
    const session = new EngineSession(snapshot.sessionId, snapshot.userId, maxIdleMs);
    session.checkpoint = decodeSessionState(snapshot.checkpoint);
    session.live = decodeSessionState(snapshot.live);
    session.log = decodeLog(snapshot.log, snapshot.sessionId, snapshot.userId);
    session.start = snapshot.start;
    session.applied = snapshot.applied;
    session.endEvent = snapshot.endEvent === null ? null : createAgentEvent(snapshot.endEvent, snapshot.endEvent);
    session.segments = snapshot.segments.map(decodeSegmentEntry);
    session.lastStateSignature = snapshot.lastStateSignature;
    session.needsRecompute = snapshot.needsRecompute === true;
    return session;
  }
}
