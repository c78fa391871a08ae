import type { DirectContact } from '../direct/direct-contact.ts';
import { directContactProblem, disconnectBound } from '../direct/direct-contact.ts';
import { DirectContactStore } from '../direct/direct-contact-store.ts';
import type { AgentEvent } from '../events/agent-event.ts';
import type { WindowReport } from '../events/window-report.ts';
import { METRIC_FIELDS } from '../statistic/agent-statistic-fields.ts';
import { metricIndex } from '../statistic/metric-vector.ts';
import { DEFAULT_SESSION_MAX_IDLE_MS } from '../session/session-bounds.ts';
import type { SourceAdapter } from '../source/source-adapter.ts';
import type { SourceId } from '../source/source-id.ts';
import { DEFAULT_SOURCE, sourceProfile } from '../source/source-profiles.ts';
import type { EventTimeLimits } from '../time/time-limits.ts';
import { DEFAULT_MAX_CLOCK_LEAD_MS, DEFAULT_MAX_EVENT_AGE_MS, DEFAULT_MAX_EVENT_LEAD_MS, eventTimeRejection, watermarkRejection } from '../time/time-limits.ts';
import { QUARTER_HOUR_MS, quarterHourStart } from '../windows/quarter-hour.ts';
import { EngineSession, INSERT_AFTER_END, INSERT_DUPLICATE } from './engine-session.ts';
import type { EngineConfig, EngineEmission, EngineSnapshot } from './engine-types.ts';
import { EngineChanges } from './engine-changes.ts';
import { EngineUser } from './engine-user.ts';
import type { PersistedChanges, PersistedParts, SessionParts, UserParts } from './persisted-parts.ts';
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

/** Sessions by first event time, then sessionId (unknown starts last): the order in which they supersede each other. */
function byStart(a: EngineSession, b: EngineSession): number {
  const x = a.start ?? Number.POSITIVE_INFINITY;
  const y = b.start ?? Number.POSITIVE_INFINITY;
  if (x !== y) return x < y ? -1 : 1;
  return a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0;
}

/**
 * Streaming timeline engine for one tenant.
 *
 * Lifecycle: feed records with `ingestRecord` (any order, through the record's vendor adapter) or their events with
 * `ingestEvents`, and move event time with `advanceWatermark`, which returns every emission it causes. State is bounded: per open session a
 * checkpoint plus its events within lateness + correction horizon; per user the windows that can
 * still change. A session whose LoggedOut never arrives still ends (session-bounds.ts): at its
 * user's next newer session, or `sessionMaxIdleMs` after its last event, so one advance moves a
 * session by at most that much past its last event, and every session is evicted eventually.
 * Event times far from their changeTimestamp and watermarks far ahead of a given wall clock are
 * rejected (time-limits.ts). `snapshot()` is plain JSON and `restore()` continues with identical emissions.
 *
 * Sources: a user belongs to the source of its first accepted record, and every emission about the user carries
 * that source and publishes only the metrics its profile knows (source-profiles.ts); a record of another source for
 * the same user (or session) is rejected `source-conflict`. For a source without presence, handling time counts
 * while the user status is unknown (session-machine.ts).
 *
 * Cost: an advance touches only the sessions that can still change (open, or with events pending)
 * and the users they belong to, plus users with a window or segment becoming final; emissions come
 * out sorted without sorting them, by walking the users in userId order.
 */
export class TimelineEngine {
  private readonly config: EngineConfig;
  private readonly limits: EventTimeLimits;
  private readonly maxIdleMs: number;
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
  /** Not state: what changed since the last persistedChanges(). */
  private readonly changes = new EngineChanges();

  constructor(config: EngineConfig) {
    this.config = { ...config };
    this.limits = { maxEventAgeMs: config.maxEventAgeMs ?? DEFAULT_MAX_EVENT_AGE_MS, maxEventLeadMs: config.maxEventLeadMs ?? DEFAULT_MAX_EVENT_LEAD_MS };
    this.maxIdleMs = config.sessionMaxIdleMs ?? DEFAULT_SESSION_MAX_IDLE_MS;
  }

  /** Rejected records (and events cut by an earlier session end, and watermarks ahead of the wall clock) by reason. */
  get rejected(): Readonly<Record<string, number>> {
    return this.rejectedCounts;
  }

  /** The current watermark (null before the first advance). */
  get currentWatermark(): number | null {
    return this.watermark;
  }

  /**
   * Accepts one raw record of a vendor (unknown JSON), adapted by `adapter` with this engine's event-time limits;
   * returns null if accepted or the rejection reason (the adapter's, counted like the engine's own).
   */
  ingestRecord(record: unknown, adapter: SourceAdapter): string | null {
    const adapted = adapter.adapt(record, this.limits);
    if ('rejection' in adapted) return this.reject(adapted.rejection);
    const reports = adapted.reports ?? [];
    const direct = adapted.directContacts ?? [];
    if ((reports.length > 0 ? 1 : 0) + (adapted.events.length > 0 ? 1 : 0) + (direct.length > 0 ? 1 : 0) > 1) return this.reject('mixed-record');
    if (direct.length > 0) return this.ingestDirectContacts(direct, adapter.source);
    if (reports.length > 0) return this.ingestWindowReports(reports, adapter.source);
    return this.ingestEvents(adapted.events, adapter.source);
  }

  /**
   * Accepts the window reports of one source record (a source whose profile takes `statistics` from `reports`);
   * null if accepted, else the rejection reason (`not-a-reporting-source`, `misaligned-window`,
   * `event-time-too-old`, `event-time-in-future`: the window starts too far from the report's changeTime,
   * `source-conflict`, `too-late`: the window can no longer change). A report replaces the window's previous one.
   */
  ingestWindowReports(reports: readonly WindowReport[], source: SourceId): string | null {
    if (sourceProfile(source).statistics !== 'reports') return this.reject('not-a-reporting-source');
    for (const report of reports) {
      if (!Number.isSafeInteger(report.windowStart) || report.windowStart % QUARTER_HOUR_MS !== 0) return this.reject('misaligned-window');
      const skew = eventTimeRejection(report.windowStart, report.changeTime, this.limits);
      if (skew !== null) return this.reject(skew);
      const user = this.users.get(report.userId);
      if (user !== undefined && user.source !== source) return this.reject('source-conflict');
    }
    const threshold = this.tooLateBefore();
    for (const report of reports) if (report.windowStart + QUARTER_HOUR_MS <= threshold) return this.reject('too-late');
    for (const report of reports) {
      const user = this.user(report.userId, source);
      const slot = user.windows.slot(report.windowStart);
      slot.vector.fill(0);
      for (const field of METRIC_FIELDS) {
        const value = report.metrics[field];
        if (value !== undefined) slot.vector[metricIndex(field)] = value;
      }
      slot.reported = true;
      slot.parts = null;
      slot.extras = { ...report.extras };
      slot.touched = true;
      slot.version++;
      user.addMark(report.windowStart, report.changeTime, report.userName);
      this.changes.user(user);
    }
    return null;
  }

  /**
   * Accepts the direct contacts of one source record (core/direct/direct-contact.ts): null if accepted (a contactId
   * already held is accepted and changes nothing), else the rejection reason (`direct-contacts-off`: the engine was not
   * configured with `directContacts`, its Direct fields are null; directContactProblem's, `source-conflict`,
   * `direct-contact-too-late`: every run it can be joined to ends before the checkpoint time, where no session is recomputed).
   * Sessions of the user that may have counted the contact's run already are withdrawn first and recomputed on the next
   * advance, so a window already emitted gets one new revision with the Direct fields (docs/metrics.md, "Direct contacts").
   */
  ingestDirectContacts(contacts: readonly DirectContact[], source: SourceId = DEFAULT_SOURCE): string | null {
    if (this.config.directContacts !== true) return this.reject('direct-contacts-off');
    for (const contact of contacts) {
      const problem = directContactProblem(contact);
      if (problem !== null) return this.reject(problem);
      const user = this.users.get(contact.userId);
      if (user !== undefined && user.source !== source) return this.reject('source-conflict');
    }
    const checkpoint = this.checkpointTime ?? Number.NEGATIVE_INFINITY;
    for (const contact of contacts) if (disconnectBound(contact) < checkpoint) return this.reject('direct-contact-too-late');
    for (const contact of contacts) {
      const user = this.user(contact.userId, source);
      if (user.directContacts.has(contact.contactId)) continue;
      this.changes.userAndSessions(user);
      const from = DirectContactStore.earliestRunEnd(contact);
      for (const session of user.sessions) {
        if (session.start !== null && session.start > disconnectBound(contact)) continue;
        if (session.invalidateFrom(from, user.windows)) {
          this.active.add(session);
          user.touched = true;
        }
      }
      user.directContacts.add(contact);
    }
    return null;
  }

  /**
   * Accepts the canonical events of one source record (any vendor adapter); null if accepted,
   * else the rejection reason (`event-time-too-old`, `event-time-in-future`, `too-late`, `after-session-end`,
   * `source-conflict`: a user or session already holds records of another source).
   */
  ingestEvents(events: readonly AgentEvent[], source: SourceId = DEFAULT_SOURCE): string | null {
    for (const event of events) {
      const skew = eventTimeRejection(event.eventTime, event.changeTime, this.limits);
      if (skew !== null) return this.reject(skew);
    }
    for (const event of events) {
      const user = this.users.get(event.userId) ?? this.sessions.get(event.sessionId)?.owner;
      if (user !== undefined && user !== null && user.source !== source) return this.reject('source-conflict');
    }
    const threshold = this.tooLateBefore();
    for (const event of events) if (event.eventTime < threshold) return this.reject('too-late');
    let accepted = false;
    for (const event of events) if (this.ingestEvent(event, source)) accepted = true;
    return accepted ? null : this.reject('after-session-end');
  }

  private ingestEvent(event: AgentEvent, source: SourceId): boolean {
    let session = this.sessions.get(event.sessionId);
    if (session === undefined) {
      if (this.tombstones.has(event.sessionId)) return false;
      this.user(event.userId, source);
      session = new EngineSession(event.sessionId, event.userId, this.idleLimit(source), sourceProfile(source).presenceKnown);
      this.sessions.set(event.sessionId, session);
    }
    const owner = this.owner(session);
    this.changes.session(session);
    this.changes.user(owner);
    const start = session.start;
    const outcome = session.insert(event, owner.windows);
    if (outcome === INSERT_AFTER_END) return false;
    if (outcome === INSERT_DUPLICATE) return true;
    this.active.add(session);
    owner.touched = true;
    if (session.start !== start) this.resequence(owner);
    const user = event.userId === owner.userId ? owner : this.user(event.userId, source);
    user.addMark(event.eventTime, event.changeTime, event.userName);
    this.changes.user(user);
    const replaced = session.replaced;
    if (replaced !== null) this.markChanged(this.user(replaced.userId)).removeMark(replaced.eventTime, replaced.changeTime, replaced.userName);
    for (const cut of session.cut) {
      this.markChanged(this.user(cut.userId)).removeMark(cut.eventTime, cut.changeTime, cut.userName);
      this.reject('after-session-end');
    }
    return true;
  }

  /**
   * Gives each session of `user` the start of the next newer one (rule "a newer session ends the
   * older one", session-bounds.ts); a session whose bound changed is recomputed on the next advance.
   * When `restoring`, the bounds are what they were when the snapshot was taken, so they are only set.
   */
  private resequence(user: EngineUser, restoring = false): void {
    this.changes.userAndSessions(user);
    const ordered = user.sessions.length < 2 ? user.sessions : [...user.sessions].sort(byStart);
    for (let i = 0; i < ordered.length; i++) {
      const session = ordered[i] as EngineSession;
      const next = ordered[i + 1]?.start ?? null;
      if (restoring) session.supersededAt = next;
      else if (session.setSupersededAt(next, user.windows)) {
        this.active.add(session);
        user.touched = true;
      }
    }
  }

  /**
   * Advances event time. Returns every emission caused: closed timeline segments (sorted by
   * userId, sessionId, start), then quarter-hour window revisions (by userId, start), then
   * current-state changes (by userId, sessionId). Watermarks never go backwards (a lower one is
   * ignored). With `wallClockMs`, a watermark more than `maxWatermarkLeadMs` ahead of it is
   * rejected (counted as `watermark-ahead-of-clock`, nothing emitted).
   */
  advanceWatermark(watermarkMs: number, wallClockMs?: number): EngineEmission[] {
    if (!Number.isFinite(watermarkMs) || (this.watermark !== null && watermarkMs <= this.watermark)) return [];
    if (wallClockMs !== undefined) {
      const rejection = watermarkRejection(watermarkMs, wallClockMs, this.config.maxWatermarkLeadMs ?? DEFAULT_MAX_CLOCK_LEAD_MS);
      if (rejection !== null) {
        this.reject(rejection);
        return [];
      }
    }
    const watermark = watermarkMs;
    this.watermark = watermark;
    const { allowedLatenessMs: lateness, tenant } = this.config;
    const finalBefore = watermark - lateness;
    for (const session of this.active) {
      const owner = this.owner(session);
      this.changes.session(session);
      this.changes.user(owner);
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
      this.changes.userAndSessions(user);
      for (const session of user.sessions) if (session.hasPendingSegments()) emitSegments(session, finalBefore, tenant, user, segments);
      emitWindows(user, watermark, lateness, tenant, windows);
      const first = states.length;
      for (const session of user.sessions) emitState(session, watermark, tenant, user, states);
      if (states.length - first > 1) orderUserStates(states, first);
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
    this.changes.everything();
    const evictedFrom = new Set<EngineUser>();
    for (const [id, session] of this.sessions) {
      session.moveCheckpoint(time);
      if (session.isEvictable()) {
        this.sessions.delete(id);
        this.active.delete(session);
        this.withSegments.delete(session);
        const owner = this.owner(session);
        owner.removeSession(session);
        evictedFrom.add(owner);
        this.tombstones.set(id, session.checkpoint.endTime ?? time);
      }
    }
    for (const user of evictedFrom) this.resequence(user);
    for (const user of this.users.values()) {
      const unmatched = user.compact(time);
      if (unmatched > 0) this.rejectedCounts['direct-contact-unmatched'] = (this.rejectedCounts['direct-contact-unmatched'] ?? 0) + unmatched;
    }
    const retention = this.config.tombstoneRetentionMs ?? DEFAULT_TOMBSTONE_MS;
    for (const [id, end] of this.tombstones) if (end < time - retention) this.tombstones.delete(id);
  }

  /**
   * How long a session of `source` lasts without an event (session-bounds.ts). A sampled source's poller publishes a
   * state only when it changes, so no event for a long time means the state held: its sessions end only at the
   * user's next sample or a LoggedOut, never by idling.
   */
  private idleLimit(source: SourceId): number {
    return sourceProfile(source).timeline === 'sampled' ? Number.POSITIVE_INFINITY : this.maxIdleMs;
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

  /**
   * The user, created with `source` when new. Without a source the user must exist (an owner of a restored session
   * always does, users are never evicted); a snapshot that lacks it is read as Sinch RAI, like every older one.
   */
  private user(userId: string, source: SourceId = DEFAULT_SOURCE): EngineUser {
    let user = this.users.get(userId);
    if (user === undefined) {
      user = this.addUser(new EngineUser(userId, source, this.config.directContacts === true));
    }
    return user;
  }

  private addUser(user: EngineUser): EngineUser {
    this.users.set(user.userId, user);
    this.changes.user(user);
    const order = this.userOrder;
    const last = order[order.length - 1];
    if (last !== undefined && last.userId > user.userId) this.orderStale = true;
    order.push(user);
    return user;
  }

  private markChanged(user: EngineUser): EngineUser {
    this.changes.user(user);
    return user;
  }

  private reject(reason: string): string {
    this.rejectedCounts[reason] = (this.rejectedCounts[reason] ?? 0) + 1;
    return reason;
  }

  /** Plain JSON-serializable state (JSON.stringify round-trips). */
  snapshot(): EngineSnapshot {
    const { tombstones, ...engine } = this.snapshotHead();
    return { ...engine, users: [...this.users.values()].map((user) => user.snapshot()), sessions: [...this.sessions.values()].map((session) => session.snapshot()), tombstones };
  }

  /** The snapshot without users and sessions. */
  private snapshotHead(): Omit<EngineSnapshot, 'users' | 'sessions'> {
    return { version: SNAPSHOT_VERSION, watermark: this.watermark, checkpointTime: this.checkpointTime, rejected: { ...this.rejectedCounts }, tombstones: [...this.tombstones.entries()] };
  }

  /**
   * The same state as {@link snapshot}, with the growing arrays shared instead of encoded (persisted-parts.ts). Valid
   * until the next call that changes the engine.
   */
  persistedParts(): PersistedParts {
    const users: UserParts[] = [];
    for (const user of this.users.values()) users.push(user.persistedParts());
    const sessions: SessionParts[] = [];
    for (const session of this.sessions.values()) sessions.push({ head: session.snapshotHead(), log: session.log, segments: session.segments });
    return {
      engine: this.snapshotHead(),
      users,
      sessions,
    };
  }

  /**
   * {@link persistedParts} of only the users and sessions that may have changed since the previous call, or of all of
   * them on the first call (persisted-parts.ts, PersistedChanges). Lifecycle: one consumer of the changes per engine
   * (a changelog writer); the parts are valid until the next call that changes the engine.
   */
  persistedChanges(): PersistedChanges {
    const { all, users: changedUsers, sessions: changedSessions } = this.changes.take();
    const users: UserParts[] = [];
    for (const user of all ? this.users.values() : changedUsers) {
      if (this.users.get(user.userId) === user) users.push(user.persistedParts());
    }
    const sessions: SessionParts[] = [];
    for (const session of all ? this.sessions.values() : changedSessions) {
      if (this.sessions.get(session.sessionId) === session) sessions.push({ head: session.snapshotHead(), log: session.log, segments: session.segments });
    }
    return { engine: this.snapshotHead(), users, sessions, complete: all, userIds: this.users.keys(), sessionIds: this.sessions.keys() };
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
    for (const user of snapshot.users) {
      const restored = engine.addUser(EngineUser.restore(user, config.directContacts === true));
      if (snapshot.checkpointTime !== null) restored.windows.dropBefore(snapshot.checkpointTime);
    }
    for (const item of snapshot.sessions) {
      const session = EngineSession.restore(item, engine.idleLimit(engine.users.get(item.userId)?.source ?? DEFAULT_SOURCE));
      engine.sessions.set(session.sessionId, session);
      engine.owner(session);
      engine.active.add(session);
      if (session.hasPendingSegments()) engine.withSegments.add(session);
    }
    for (const [id, end] of snapshot.tombstones) engine.tombstones.set(id, end);
    for (const user of engine.users.values()) if (user.sessions.length > 0) engine.resequence(user, true);
    return engine;
  }
}

const stateRank = (e: EngineEmission): [number, number] =>
  e.type === 'agentState' ? [e.state.loggedIn ? 1 : 0, Math.max(e.state.userStatusSince ?? -Infinity, e.state.handlingStatusSince ?? -Infinity)] : [0, 0];

/**
 * Orders one user's agentState emissions of an advance so that the state that describes the user now comes last:
 * ended sessions before a logged-in one, then by their latest change. Consumers of `out.agent-state` (keyed
 * tenant|userId, compacted) keep the last record.
 */
function orderUserStates(states: EngineEmission[], from: number): void {
  const mine = states.splice(from).sort((a, b) => {
    const [la, ta] = stateRank(a);
    const [lb, tb] = stateRank(b);
    return la - lb || ta - tb;
  });
  states.push(...mine);
}
