import type { AgentEvent } from '../events/agent-event.ts';
import type { TimeCategory } from '../rollup/period.ts';
import { isTimeCategory, isValidTimeZone } from '../rollup/period.ts';
import type { PeriodAggregate } from '../rollup/rollup.ts';
import { StreamingRollup } from '../rollup/streaming-rollup.ts';
import { advanceBounded, DEFAULT_SESSION_MAX_IDLE_MS } from '../session/session-bounds.ts';
import { applySessionEvent, settleRun } from '../session/session-machine.ts';
import type { SessionState } from '../session/session-state.ts';
import type { SourceAdapter } from '../source/source-adapter.ts';
import type { SourceId } from '../source/source-id.ts';
import { sourceProfile } from '../source/source-profiles.ts';
import type { MetricVector } from '../statistic/metric-vector.ts';
import type { FieldCoverage } from '../statistic/published-metrics.ts';
import { profileCoverage } from '../statistic/published-metrics.ts';
import type { EventTimeLimits } from '../time/time-limits.ts';
import { DEFAULT_MAX_EVENT_AGE_MS, DEFAULT_MAX_EVENT_LEAD_MS } from '../time/time-limits.ts';
import { QUARTER_HOUR_MS, quarterHourStart } from '../windows/quarter-hour.ts';
import type { BufferedEvent, RecordProgress } from './reorder-buffer.ts';
import { ReorderBuffer } from './reorder-buffer.ts';
import { SessionRegistry } from './session-registry.ts';
import type { ReplayOptions, ReplayResult } from './replay.ts';
import { StreamUser } from './stream-user.ts';
import { AFTER_END, AFTER_END_DUPLICATE, DUPLICATE, StreamSession } from './stream-session.ts';

/** Default disorder bound: five minutes of event time (Sinch rows come in changeTimestamp order, statuses back-dated by seconds). */
export const DEFAULT_MAX_DISORDER_MS = 300_000;
/** Default: a finished session is remembered in full for a day of event time after its last event. */
export const DEFAULT_SESSION_RETENTION_MS = 86_400_000;

export interface StreamingReplayOptions extends ReplayOptions {
  /** An event may come this much event time before the latest one read (a reorder buffer); default 5 minutes. */
  maxDisorderMs?: number;
  /** How long after its last event a finished session is remembered in full (later, only that it existed). */
  sessionRetentionMs?: number;
}

/** Why the streaming replay stopped: it cannot give the rows that `replay()` would give for this input. */
export interface ReplayRefusal {
  /** `out-of-order`: the record has an event older than the disorder bound allows; `forgotten-session`: its session ended longer ago than the retention. */
  readonly reason: 'out-of-order' | 'forgotten-session';
  /** 0-based position of the offending record in the input. */
  readonly record: number;
  readonly sessionId: string;
  readonly eventTime: number;
  /** out-of-order: every event before this time had already been replayed; forgotten-session: the retention's start. */
  readonly limit: number;
}

const byUserId = (a: StreamUser, b: StreamUser): number => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);
const byStartThenUser = (a: PeriodAggregate, b: PeriodAggregate): number => a.start - b.start || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);

/**
 * `replay()` (replay.ts) for input that arrives in event-time order, in memory bounded by the disorder bound, the
 * open sessions and the users, not by the input. Same rows, rejections and counts as `replay()` of the same records
 * whenever it does not refuse.
 *
 * Lifecycle: `push` each record in input order; a non-null answer is a refusal and the replay must stop (nothing it
 * emitted is wrong, but rows are missing). `finish()` once, at the end. Rows go to `emit` as soon as they can no
 * longer change, in batches, as rolled-up periods (publish each with `statisticRow`, replay.ts): every row comes
 * once, and the stream is sorted by intervalStart, then userId.
 *
 * How: events wait in a reorder buffer until they are `maxDisorderMs` older than the latest event read, then are
 * applied in compareEvents order, as `replay()` applies them per session. An event older than that is refused
 * (`out-of-order`). Every quarter-hour of event time, the open sessions advance to it (splitting an advance is
 * exact, session-bounds.ts), and the windows ending before it are final. A finished session is kept
 * `sessionRetentionMs` after its last event, then only a 53-bit hash of its id: a record of it after that is
 * refused (`forgotten-session`), never counted as a new session. Only event-based sources (not `reports`).
 */
export class StreamingReplay {
  private readonly adapter: SourceAdapter;
  private readonly limits: EventTimeLimits;
  private readonly until: number | undefined;
  private readonly maxDisorderMs: number;
  private readonly retentionMs: number;
  private readonly maxIdleMs: number;
  private readonly presenceKnown: boolean;
  private readonly source: SourceId;
  private readonly coverage: Readonly<FieldCoverage>;
  private readonly rollup: StreamingRollup;
  private readonly breakdown: boolean;
  private readonly emit: (rows: PeriodAggregate[]) => void;

  private readonly buffer = new ReorderBuffer();
  /** The events of one instant being applied (reused). */
  private readonly group: BufferedEvent[] = [];
  private readonly users = new Map<string, StreamUser>();
  private userOrder: StreamUser[] = [];
  private orderStale = false;
  private readonly sessions = new SessionRegistry();
  private readonly open = new Set<StreamSession>();

  private records = 0;
  private readonly rejected: Record<string, number> = {};
  private accepted = 0;
  private duplicates = 0;
  private notApplied = 0;
  private emptyRecords = 0;
  private maxSeen = Number.NEGATIVE_INFINITY;
  /** Every event with eventTime < released has been applied. */
  private released = Number.NEGATIVE_INFINITY;
  private maxKept: number | null = null;
  /** Windows ending at or before this were emitted. */
  private finalBefore = Number.NEGATIVE_INFINITY;
  private refusal: ReplayRefusal | null = null;
  private finished = false;

  /** Throws RangeError for an invalid time category, zone or until, or a reporting source. */
  constructor(adapter: SourceAdapter, options: StreamingReplayOptions, emit: (rows: PeriodAggregate[]) => void) {
    const category: TimeCategory = options.timeCategory ?? 'quarterHour';
    const zone = options.timeZone ?? 'UTC';
    if (!isTimeCategory(category)) throw new RangeError(`invalid time category: ${String(category)}`);
    if (!isValidTimeZone(zone)) throw new RangeError(`invalid time zone: ${zone}`);
    if (options.until !== undefined && !Number.isFinite(options.until)) throw new RangeError('invalid until');
    const profile = sourceProfile(adapter.source);
    if (profile.statistics === 'reports') throw new RangeError(`the streaming replay takes event sources; ${adapter.source} sends window reports`);
    this.adapter = adapter;
    this.limits = { maxEventAgeMs: options.maxEventAgeMs ?? DEFAULT_MAX_EVENT_AGE_MS, maxEventLeadMs: options.maxEventLeadMs ?? DEFAULT_MAX_EVENT_LEAD_MS };
    this.until = options.until;
    this.maxDisorderMs = options.maxDisorderMs ?? DEFAULT_MAX_DISORDER_MS;
    this.retentionMs = options.sessionRetentionMs ?? DEFAULT_SESSION_RETENTION_MS;
    if (!(this.maxDisorderMs >= 0) || !(this.retentionMs >= 0)) throw new RangeError('invalid disorder bound or retention');
    this.maxIdleMs = options.sessionMaxIdleMs ?? DEFAULT_SESSION_MAX_IDLE_MS;
    this.presenceKnown = profile.presenceKnown;
    this.source = adapter.source;
    this.coverage = profileCoverage(profile);
    this.breakdown = options.breakdown === true;
    this.rollup = new StreamingRollup(category, zone, this.breakdown);
    this.emit = emit;
  }

  /** What the replay holds now (for tests and monitoring): everything but `forgottenSessions` is bounded by the agents and the disorder bound, not by the input. */
  get held(): { bufferedEvents: number; openSessions: number; sessions: number; forgottenSessions: number; users: number; windows: number; marks: number } {
    let windows = 0;
    let marks = 0;
    for (const user of this.userOrder) {
      windows += user.windows.windows.size;
      marks += user.pendingMarks;
    }
    return { bufferedEvents: this.buffer.size, openSessions: this.open.size, sessions: this.sessions.size, forgottenSessions: this.sessions.forgottenCount, users: this.users.size, windows, marks };
  }

  /** Adapts and buffers one record, replaying what the buffer releases; returns the refusal that stops the replay, if any. */
  push(record: unknown): ReplayRefusal | null {
    if (this.refusal !== null || this.finished) throw new Error('StreamingReplay: push after a refusal or finish()');
    const index = this.records++;
    const result = this.adapter.adapt(record, this.limits);
    if ('rejection' in result) {
      this.reject(result.rejection);
      return null;
    }
    if ((result.reports ?? []).length > 0) {
      this.reject('not-a-reporting-source');
      return null;
    }
    const events = result.events;
    this.accepted++;
    if (events.length === 0) {
      this.emptyRecords++;
      return null;
    }
    for (const event of events) {
      if (event.eventTime < this.released) {
        return (this.refusal = { reason: 'out-of-order', record: index, sessionId: event.sessionId, eventTime: event.eventTime, limit: this.released });
      }
    }
    // one object per event; the record's first one also counts the record's progress (most records have one event)
    let progress: RecordProgress | null = null;
    for (const event of events) {
      const item: BufferedEvent & RecordProgress = { event, record: progress as unknown as RecordProgress, index, pending: events.length, allNotApplied: true };
      if (progress === null) progress = item.record = item;
      this.buffer.push(item);
      if (event.eventTime > this.maxSeen) this.maxSeen = event.eventTime;
    }
    const release = this.maxSeen - this.maxDisorderMs;
    if (release > this.released) this.release(release);
    return this.refusal;
  }

  /** Replays what is buffered, counts every open session up to the horizon and emits the rest of the rows. */
  finish(): Omit<ReplayResult, 'rows'> | ReplayRefusal {
    if (this.refusal !== null) return this.refusal;
    this.release(Number.POSITIVE_INFINITY);
    if (this.refusal !== null) return this.refusal;
    this.finished = true;
    const horizon = this.until ?? this.maxKept;
    if (horizon !== null) {
      for (const session of this.open) {
        const state = session.state as SessionState;
        advanceBounded(state, horizon, session.bounds, true, session.windows, null);
        settleRun(state, session.windows);
      }
      this.open.clear();
      this.step(Number.POSITIVE_INFINITY);
    }
    if (this.notApplied > 0 && this.emptyRecords > 0) {
      // replay() rejects a record when every one of its events was cut by a session end, which an empty record satisfies
      this.accepted -= this.emptyRecords;
      this.rejected['after-session-end'] = (this.rejected['after-session-end'] ?? 0) + this.emptyRecords;
    }
    return { rejected: { ...this.rejected }, accepted: this.accepted, duplicates: this.duplicates };
  }

  /** Applies every buffered event with eventTime < `to`, one instant at a time, stepping the windows as it goes. */
  private release(to: number): void {
    const group = this.group;
    while (this.buffer.minTime < to) {
      this.buffer.popInstant(group);
      if (!this.applyInstant(group)) return;
    }
    this.released = to;
    if (to === Number.POSITIVE_INFINITY) return;
    const reach = this.until ?? this.maxKept;
    if (reach === null) return;
    const frontier = Math.min(to, reach);
    const boundary = quarterHourStart(frontier - 1);
    if (boundary > this.finalBefore) this.step(boundary);
  }

  /** Applies the events of one eventTime (sorted by sessionId, then compareEvents); false after a refusal. */
  private applyInstant(group: readonly BufferedEvent[]): boolean {
    if (group.length === 1) {
      const item = group[0] as BufferedEvent;
      const session = this.sessions.get(item.event.sessionId) ?? this.newSession(item);
      if (session === null) return false;
      this.applyEvent(item, session);
      return true;
    }
    for (const item of group) {
      if (!this.sessions.has(item.event.sessionId) && this.newSession(item) === null) return false;
    }
    for (const item of group) this.applyEvent(item, this.sessions.get(item.event.sessionId) as StreamSession);
    return true;
  }

  /** Starts the session of `item`'s event, or refuses when it was forgotten (null). */
  private newSession(item: BufferedEvent): StreamSession | null {
    const event = item.event;
    if (this.sessions.isForgotten(event.sessionId)) {
      this.refusal = { reason: 'forgotten-session', record: item.record.index, sessionId: event.sessionId, eventTime: event.eventTime, limit: this.released - this.retentionMs };
      return null;
    }
    return this.startSession(event);
  }

  /** Registers a new session (its first event) and ends its owner's previous one there (session-bounds.ts). */
  private startSession(first: AgentEvent): StreamSession {
    const owner = this.user(first.userId);
    const session = new StreamSession(first, owner, this.maxIdleMs, this.presenceKnown);
    this.sessions.add(session);
    this.open.add(session);
    if (owner.last !== null) owner.last.bounds.supersededAt = session.start;
    owner.last = session;
    return session;
  }

  private applyEvent(item: BufferedEvent, session: StreamSession): void {
    const event = item.event;
    const progress = item.record;
    const kind = session.classify(event);
    if (kind === AFTER_END || kind === AFTER_END_DUPLICATE) this.notApplied++;
    else {
      progress.allNotApplied = false;
      if (kind === DUPLICATE) this.duplicates++;
      else this.applyKept(session, event);
    }
    if (--progress.pending === 0 && progress.allNotApplied) {
      this.accepted--;
      this.reject('after-session-end');
    }
  }

  /** What runSession (quarter-hour-aggregation.ts) does with a kept event. */
  private applyKept(session: StreamSession, event: AgentEvent): void {
    const time = event.eventTime;
    if (this.maxKept === null || time > this.maxKept) this.maxKept = time;
    const window = Math.floor(time / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
    // a mark folds into rows of its quarter-hour and later ones; with `until` every row starts before it
    if (this.until === undefined || window < this.until) (event.userId === session.owner.userId ? session.owner : this.user(event.userId)).mark(event, window);
    const state = session.state;
    if (state === null || (this.until !== undefined && time > this.until)) return;
    if (advanceBounded(state, time, session.bounds, false, session.windows, null)) applySessionEvent(state, event);
  }

  /**
   * Makes the windows that end at or before `boundary` final: advances every open session to just after it (a
   * handling run is counted in the window of its last millisecond), emits those windows and the periods they
   * complete, and forgets sessions finished for longer than the retention.
   */
  private step(boundary: number): void {
    const to = boundary + 1;
    if (boundary !== Number.POSITIVE_INFINITY) {
      for (const session of this.open) {
        advanceBounded(session.state as SessionState, to, session.bounds, false, session.windows, null);
        if (session.finished) {
          session.retire();
          this.open.delete(session);
          this.sessions.finished(session);
        }
      }
    }
    this.finalBefore = boundary;
    if (this.orderStale) {
      this.userOrder.sort(byUserId);
      this.orderStale = false;
    }
    const out: PeriodAggregate[] = [];
    for (const user of this.userOrder) this.emitWindows(user, boundary, out);
    for (const period of boundary === Number.POSITIVE_INFINITY ? this.rollup.closeAll() : this.rollup.close(boundary)) out.push(period);
    if (out.length > 0) {
      out.sort(byStartThenUser);
      this.emit(out);
    }
    this.sessions.forget(this.released - this.retentionMs);
  }

  /** Hands the user's windows that end at or before `boundary` to the roll-up. */
  private emitWindows(user: StreamUser, boundary: number, out: PeriodAggregate[]): void {
    for (const window of user.takeFinal(boundary)) {
      const row = { userId: user.userId, userName: window.userName, start: window.start, vector: window.vector, maxChangeTime: window.maxChangeTime, source: this.source, coverage: this.coverage };
      const completed = this.rollup.add(this.breakdown ? { ...row, parts: window.parts ?? new Map<string, MetricVector>() } : row);
      if (completed !== null) out.push(completed);
    }
  }

  private user(userId: string): StreamUser {
    let user = this.users.get(userId);
    if (user === undefined) {
      user = new StreamUser(userId, this.breakdown);
      this.users.set(userId, user);
      const last = this.userOrder[this.userOrder.length - 1];
      if (last !== undefined && last.userId > userId) this.orderStale = true;
      this.userOrder.push(user);
    }
    return user;
  }

  private reject(reason: string): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
  }
}
