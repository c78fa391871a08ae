import type { AgentEvent } from '../../src/core/events/agent-event.ts';
import { adaptSinchRecord } from '../../src/core/sinch/agent-status-history.ts';
import type { CurrentAgentState } from '../../src/core/timeline/current-agent-state.ts';
import { agentStateSignature, currentAgentState } from '../../src/core/timeline/current-agent-state.ts';
import type { TimelineSegment } from '../../src/core/timeline/timeline-segment.ts';
import { sameSegment, toTimelineSegment } from '../../src/core/timeline/timeline-segment.ts';
import { quarterHourStart } from '../../src/core/windows/quarter-hour.ts';
import { EngineSession } from './engine-session.ts';
import type { EngineConfig, EngineEmission, EngineSnapshot, QuarterHourEmission } from './engine-types.ts';
import { EngineUser } from './engine-user.ts';

export type {
  EngineConfig,
  EngineEmission,
  EngineSnapshot,
  QuarterHourEmission,
  WindowStatus,
} from './engine-types.ts';
export type { TimelineSegment } from '../../src/core/timeline/timeline-segment.ts';
export type { CurrentAgentState } from '../../src/core/timeline/current-agent-state.ts';

const DEFAULT_TOMBSTONE_MS = 86_400_000;

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Streaming timeline engine for one tenant.
 *
 * Lifecycle: feed records with `ingestSinchRecord` (any order) and move event time with
 * `advanceWatermark`, which returns every emission it causes. State is bounded: per open session a
 * checkpoint plus its events within lateness + correction horizon; per user the windows that can
 * still change. `snapshot()` is plain JSON and `restore()` continues with identical emissions.
 */
export class TimelineEngine {
  private readonly config: EngineConfig;
  private readonly rejectedCounts: Record<string, number> = {};
  private readonly users = new Map<string, EngineUser>();
  private readonly sessions = new Map<string, EngineSession>();
  private readonly tombstones = new Map<string, number>();
  private watermark: number | null = null;
  private checkpointTime: number | null = null;

  constructor(config: EngineConfig) {
    this.config = { ...config };
  }

  /** Rejected records (and events cut by an earlier session end) by reason. */
  get rejected(): Readonly<Record<string, number>> {
    return this.rejectedCounts;
  }

  /** The current watermark (null before the first advance). */
  get currentWatermark(): number | null {
    return this.watermark;
  }

  /**
   * Accepts one raw Sinch record (unknown JSON); returns null if accepted or the rejection reason.
   * changeTimestamp is the record's own.
   */
  ingestSinchRecord(record: unknown): string | null {
    const adapted = adaptSinchRecord(record);
    if ('rejection' in adapted) return this.reject(adapted.rejection);
    return this.ingestEvents(adapted.events);
  }

  /**
   * Accepts the canonical events of one source record (any vendor adapter); null if accepted,
   * else the rejection reason (`too-late`, `after-session-end`).
   */
  ingestEvents(events: readonly AgentEvent[]): string | null {
    const threshold = this.tooLateBefore();
    for (const event of events) if (event.eventTime < threshold) return this.reject('too-late');
    let accepted = false;
    for (const event of events) if (this.ingestEvent(event)) accepted = true;
    return accepted ? null : this.reject('after-session-end');
  }

  private ingestEvent(event: AgentEvent): boolean {
    let session = this.sessions.get(event.sessionId);
    if (session === undefined) {
      if (this.tombstones.has(event.sessionId)) return false;
      session = new EngineSession(event.sessionId, event.userId);
      this.sessions.set(event.sessionId, session);
    }
    const owner = this.owner(session);
    const outcome = session.insert(event, this.watermark, owner.windows);
    owner.dirty = true;
    if (outcome.kind === 'after-session-end') return false;
    if (outcome.kind === 'duplicate') return true;
    const user = event.userId === owner.userId ? owner : this.user(event.userId);
    user.addMark(event.eventTime, event.changeTime, event.userName);
    for (const cut of outcome.cut) {
      this.user(cut.userId).removeMark(cut.eventTime, cut.changeTime, cut.userName);
      this.reject('after-session-end');
    }
    return true;
  }

  /**
   * Advances event time. Returns every emission caused: quarter-hour window revisions, closed
   * timeline segments, current-state changes. Watermarks never go backwards (a lower one is ignored).
   */
  advanceWatermark(watermarkMs: number): EngineEmission[] {
    if (!Number.isFinite(watermarkMs) || (this.watermark !== null && watermarkMs <= this.watermark)) return [];
    const watermark = watermarkMs;
    this.watermark = watermark;
    const { allowedLatenessMs: lateness, tenant } = this.config;
    for (const session of this.sessions.values()) {
      const owner = this.owner(session);
      if (session.advance(watermark, owner.windows)) owner.dirty = true;
    }

    const windows: QuarterHourEmission[] = [];
    for (const user of this.users.values()) user.emitWindows(watermark, lateness, tenant, windows);
    windows.sort((a, b) => byText(a.userId, b.userId) || a.intervalStart - b.intervalStart);
    const segments = this.emitSegments(watermark - lateness);
    const states = this.emitStates(watermark);
    this.compact();
    return [
      ...segments.map((segment): EngineEmission => ({ type: 'segment', segment })),
      ...windows.map((window): EngineEmission => ({ type: 'window', window })),
      ...states.map((state): EngineEmission => ({ type: 'agentState', state })),
    ];
  }

  private emitSegments(finalBefore: number): TimelineSegment[] {
    const out: TimelineSegment[] = [];
    for (const session of this.sessions.values()) {
      if (!session.segmentsDirty) continue;
      session.segmentsDirty = false;
      for (const entry of session.segments) {
        if (entry.segment.end > finalBefore) {
          session.segmentsDirty = true;
          continue;
        }
        if (entry.emitted !== null && sameSegment(entry.emitted, entry.segment)) continue;
        entry.revision++;
        entry.emitted = entry.segment;
        out.push(
          toTimelineSegment(entry.segment, {
            tenant: this.config.tenant,
            userId: session.userId,
            userName: this.owner(session).nameAsOf(entry.segment.end),
            sessionId: session.sessionId,
            revision: entry.revision,
          }),
        );
      }
    }
    return out.sort((a, b) => byText(a.userId, b.userId) || byText(a.sessionId, b.sessionId) || a.start - b.start);
  }

  private emitStates(asOf: number): CurrentAgentState[] {
    const out: CurrentAgentState[] = [];
    for (const session of this.sessions.values()) {
      if (!session.stateDirty || session.live.cursor === null) continue;
      session.stateDirty = false;
      const state = currentAgentState(session.live, {
        tenant: this.config.tenant,
        userId: session.userId,
        userName: this.owner(session).nameAsOf(asOf + 1),
        sessionId: session.sessionId,
        asOf,
      });
      const signature = agentStateSignature(state);
      if (signature === session.lastStateSignature) continue;
      session.lastStateSignature = signature;
      out.push(state);
    }
    return out.sort((a, b) => byText(a.userId, b.userId) || byText(a.sessionId, b.sessionId));
  }

  /** Moves the checkpoint time forward, evicts what can no longer change. */
  private compact(): void {
    const threshold = this.tooLateBefore();
    if (!Number.isFinite(threshold)) return;
    const time = quarterHourStart(threshold);
    if (this.checkpointTime !== null && time <= this.checkpointTime) return;
    this.checkpointTime = time;
    for (const [id, session] of this.sessions) {
      session.moveCheckpoint(time);
      if (session.isEvictable()) {
        this.sessions.delete(id);
        this.tombstones.set(id, session.checkpoint.endTime ?? time);
      }
    }
    for (const user of this.users.values()) user.compact(time);
    const retention = this.config.tombstoneRetentionMs ?? DEFAULT_TOMBSTONE_MS;
    for (const [id, end] of this.tombstones) if (end < time - retention) this.tombstones.delete(id);
  }

  private tooLateBefore(): number {
    if (this.watermark === null) return Number.NEGATIVE_INFINITY;
    return this.watermark - this.config.allowedLatenessMs - this.config.correctionHorizonMs;
  }

  private owner(session: EngineSession): EngineUser {
    if (session.owner === null) session.owner = this.user(session.userId);
    return session.owner;
  }

  private user(userId: string): EngineUser {
    let user = this.users.get(userId);
    if (user === undefined) {
      user = new EngineUser(userId);
      this.users.set(userId, user);
    }
    return user;
  }

  private reject(reason: string): string {
    this.rejectedCounts[reason] = (this.rejectedCounts[reason] ?? 0) + 1;
    return reason;
  }

  /** Plain JSON-serializable state (JSON.stringify round-trips). */
  snapshot(): EngineSnapshot {
    return {
      version: 1,
      watermark: this.watermark,
      checkpointTime: this.checkpointTime,
      rejected: { ...this.rejectedCounts },
      users: [...this.users.values()].map((user) => user.snapshot()),
      sessions: [...this.sessions.values()].map((session) => session.snapshot()),
      tombstones: [...this.tombstones.entries()],
    };
  }

  static restore(snapshot: EngineSnapshot, config: EngineConfig): TimelineEngine {
    const engine = new TimelineEngine(config);
    engine.watermark = snapshot.watermark;
    engine.checkpointTime = snapshot.checkpointTime;
    Object.assign(engine.rejectedCounts, snapshot.rejected);
    for (const user of snapshot.users) engine.users.set(user.userId, EngineUser.restore(user));
    for (const session of snapshot.sessions) engine.sessions.set(session.sessionId, EngineSession.restore(session));
    for (const [id, end] of snapshot.tombstones) engine.tombstones.set(id, end);
    return engine;
  }
}

