import type { AgentEvent } from '../events/agent-event.ts';
import { isSameChange, isSameInstant, isSessionEnd } from '../events/agent-event.ts';
import type { SessionState } from '../session/session-state.ts';
import { initialSessionState } from '../session/session-state.ts';
import type { WindowAccumulator } from '../statistic/window-accumulator.ts';
import type { StreamUser } from './stream-user.ts';

/** What prepareSession (session-events.ts) makes of an event, decided one event at a time. */
export const KEPT = 0;
export const DUPLICATE = 1;
export const AFTER_END = 2;
export const AFTER_END_DUPLICATE = 3;
export type EventClass = typeof KEPT | typeof DUPLICATE | typeof AFTER_END | typeof AFTER_END_DUPLICATE;

/**
 * One session of the streaming replay (streaming-replay.ts): its machine and what prepareSession needs of its past.
 * Contract: `classify` sees the session's events in compareEvents order, as prepareSession sorts them. Only the run
 * of kept (and of after-end) events at the latest instant is remembered, which is all that duplicate detection
 * looks at, because a copy of an event always has its instant.
 */
export class StreamSession {
  readonly sessionId: string;
  /** The user of the session's first event, whose windows it counts into. */
  readonly owner: StreamUser;
  /** eventTime of the first event (the session order of session-bounds.ts). */
  readonly start: number;
  /** The machine; null once retired (finished: it can count nothing more, and its events only mark or are cut). */
  state: SessionState | null;
  readonly bounds: { readonly maxIdleMs: number; supersededAt: number | null };
  /** The owner's windows. */
  readonly windows: WindowAccumulator;
  /** eventTime of the latest event of any class (tombstone retention). */
  lastSeen: number;
  /** True once a kept event ended it (LoggedOut): later distinct events are after-end. */
  private endSeen = false;
  private readonly keptTail: AgentEvent[] = [];
  private readonly afterEndTail: AgentEvent[] = [];

  constructor(first: AgentEvent, owner: StreamUser, maxIdleMs: number, presenceKnown: boolean) {
    this.sessionId = first.sessionId;
    this.owner = owner;
    this.start = first.eventTime;
    this.lastSeen = first.eventTime;
    this.state = initialSessionState(presenceKnown);
    this.bounds = { maxIdleMs, supersededAt: null };
    this.windows = owner.windows;
  }

  /** Classifies the next event (in compareEvents order) and remembers it. */
  classify(event: AgentEvent): EventClass {
    if (event.eventTime > this.lastSeen) this.lastSeen = event.eventTime;
    if (hasCopy(this.keptTail, event)) return DUPLICATE;
    if (hasCopy(this.afterEndTail, event)) return AFTER_END_DUPLICATE;
    if (this.endSeen) {
      remember(this.afterEndTail, event);
      return AFTER_END;
    }
    remember(this.keptTail, event);
    if (isSessionEnd(event)) this.endSeen = true;
    return KEPT;
  }

  /** True when the machine can count nothing more: ended, its last handling run counted. */
  get finished(): boolean {
    const state = this.state;
    return state === null || (state.ended && state.runKind === 0);
  }

  /** Drops the machine of a finished session: what is left is what `classify` and the marks need. */
  retire(): void {
    this.state = null;
  }
}

/** True when `tail` (events of one instant) holds a copy of `event`. */
function hasCopy(tail: readonly AgentEvent[], event: AgentEvent): boolean {
  const first = tail[0];
  if (first === undefined || !isSameInstant(first, event)) return false;
  for (const other of tail) if (isSameChange(other, event)) return true;
  return false;
}

/** Adds `event` to `tail`, which first starts a new run when the instant differs. */
function remember(tail: AgentEvent[], event: AgentEvent): void {
  const first = tail[0];
  if (first !== undefined && !isSameInstant(first, event)) tail.length = 0;
  tail.push(event);
}
