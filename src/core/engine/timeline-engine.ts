import type { AgentEvent } from '../events/agent-event.ts';
import { adaptSinchRecord } from '../sinch/agent-status-history.ts';
import { quarterHourStart } from '../windows/quarter-hour.ts';
import { EngineSession, INSERT_AFTER_END, INSERT_DUPLICATE } from './engine-session.ts';
import type { EngineConfig, EngineEmission, EngineSnapshot } from './engine-types.ts';
import { EngineUser } from './engine-user.ts';
import { migrateEngineSnapshot, SNAPSHOT_VERSION } from './snapshot-format.ts';
import { emitSegments, emitState } from './session-emissions.ts';
import { emitWindows } from './window-emissions.ts';

export type {
  EngineConfig,
  EngineEmission,
  EngineSnapshot,
  QuarterHourEmission,
  WindowStatus,
} from './engine-types.ts';
export type { TimelineSegment } from '../timeline/timeline-segment.ts';
export type { CurrentAgentState } from '../timeline/current-agent-state.ts';

const DEFAULT_TOMBSTONE_MS = 86_400_000;

function byUserId(a: EngineUser, b: EngineUser): number {
  return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
}

/**
 * Streaming timeline engine for one tenant.
 *
 * Lifecycle: feed records with `ingestSinchRecord` (any order) and move event time with
 * `advanceWatermark`, which returns every emission it causes. State is bounded: per open session a
 * checkpoint plus its events within lateness + correction horizon; per user the windows that can
 * still change. `snapshot()` is plain JSON and `restore()` continues with identical emissions.
 *
 * Cost: an advance touches only the sessions that can still change (open, or with events pending)
 * and the users they belong to, plus users with a window or segment becoming final; emissions come
 * out sorted without sorting them, by walking the users in userId order.
 */
export class TimelineEngine {
  private readonly config: EngineConfig;
  private readonly rejectedCounts: Record<string, number> = {};
  private readonly users = new Map<string, EngineUser>();
  private readonly sessions = new Map<string, EngineSession>();
  private readonly tombstones = new Map<string, number>();
  /** Optimisation (not state): sessions that an advance may change; users sorted by userId. */
  private readonly active = new Set<EngineSession>();
  private readonly withSegments = new Set<EngineSession>();
  private userOrder: EngineUser[] = [];
  private orderStale = false;
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
    const outcome = session.insert(event, owner.windows);
    if (outcome === INSERT_AFTER_END) return false;
    if (outcome === INSERT_DUPLICATE) return true;
    this.active.add(session);
    owner.touched = true;
    const user = event.userId === owner.userId ? owner : this.user(event.userId);
    user.addMark(event.eventTime, event.changeTime, event.userName);
    for (const cut of session.cut) {
      this.user(cut.userId).removeMark(cut.eventTime, cut.changeTime, cut.userName);
      this.reject('after-session-end');
    }
    return true;
  }

  /**
   * Advances event time. Returns every emission caused: closed timeline segments (sorted by
   * userId, sessionId, start), then quarter-hour window revisions (by userId, start), then
   * current-state changes (by userId, sessionId). Watermarks never go backwards (a lower one is
   * ignored).
   */
  advanceWatermark(watermarkMs: number): EngineEmission[] {
    if (!Number.isFinite(watermarkMs) || (this.watermark !== null && watermarkMs <= this.watermark)) return [];
    const watermark = watermarkMs;
    this.watermark = watermark;
    const { allowedLatenessMs: lateness, tenant } = this.config;
    const finalBefore = watermark - lateness;
    for (const session of this.active) {
      const owner = this.owner(session);
      if (session.advance(watermark, owner.windows)) owner.touched = true;
      else this.active.delete(session);
      if (session.stateDirty) owner.touched = true;
      if (session.hasPendingSegments()) this.withSegments.add(session);
    }
    for (const session of this.withSegments) {
      if (!session.hasPendingSegments()) this.withSegments.delete(session);
      else if ((session.segments[session.segmentFrom]?.segment.end ?? Infinity) <= finalBefore) this.owner(session).touched = true;
    }
    if (this.orderStale) {
      this.userOrder.sort(byUserId);
      this.orderStale = false;
    }
    const segments: EngineEmission[] = [];
    const windows: EngineEmission[] = [];
    const states: EngineEmission[] = [];
    for (const user of this.userOrder) {
      if (!user.touched && watermark < user.nextFinalAt) continue;
      user.touched = false;
      for (const session of user.sessions) if (session.hasPendingSegments()) emitSegments(session, finalBefore, tenant, user, segments);
      emitWindows(user, watermark, lateness, tenant, windows);
      for (const session of user.sessions) emitState(session, watermark, tenant, user, states);
    }
    this.compact();
    for (const e of windows) segments.push(e);
    for (const e of states) segments.push(e);
    return segments;
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
        this.active.delete(session);
        this.withSegments.delete(session);
        this.owner(session).removeSession(session);
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
    let owner = session.owner;
    if (owner === null) {
      owner = this.user(session.userId);
      session.owner = owner;
      owner.addSession(session);
    }
    return owner;
  }

  private user(userId: string): EngineUser {
    let user = this.users.get(userId);
    if (user === undefined) {
      user = this.addUser(new EngineUser(userId));
    }
    return user;
  }

  private addUser(user: EngineUser): EngineUser {
    this.users.set(user.userId, user);
    const order = this.userOrder;
    const last = order[order.length - 1];
    if (last !== undefined && last.userId > user.userId) this.orderStale = true;
    order.push(user);
    return user;
  }

  private reject(reason: string): string {
    this.rejectedCounts[reason] = (this.rejectedCounts[reason] ?? 0) + 1;
    return reason;
  }

  /** Plain JSON-serializable state (JSON.stringify round-trips). */
  snapshot(): EngineSnapshot {
    return {
      version: SNAPSHOT_VERSION,
      watermark: this.watermark,
      checkpointTime: this.checkpointTime,
      rejected: { ...this.rejectedCounts },
      users: [...this.users.values()].map((user) => user.snapshot()),
      sessions: [...this.sessions.values()].map((session) => session.snapshot()),
      tombstones: [...this.tombstones.entries()],
    };
  }

  /**
   * Continues from a snapshot. One written by an older release is migrated first; a version this release does not
   * know throws SnapshotFormatError (snapshot-format.ts) instead of being misread.
   */
  static restore(persisted: EngineSnapshot, config: EngineConfig): TimelineEngine {
    const snapshot = migrateEngineSnapshot(persisted);
    const engine = new TimelineEngine(config);
    engine.watermark = snapshot.watermark;
    engine.checkpointTime = snapshot.checkpointTime;
    Object.assign(engine.rejectedCounts, snapshot.rejected);
    for (const user of snapshot.users) engine.addUser(EngineUser.restore(user));
    for (const item of snapshot.sessions) {
      const session = EngineSession.restore(item);
      engine.sessions.set(session.sessionId, session);
      engine.owner(session);
      engine.active.add(session);
      if (session.hasPendingSegments()) engine.withSegments.add(session);
    }
    for (const [id, end] of snapshot.tombstones) engine.tombstones.set(id, end);
    return engine;
  }
}

