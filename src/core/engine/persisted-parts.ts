import type { AgentEvent } from '../events/agent-event.ts';
import { encodeSegmentEntry } from './compact-segment.ts';
import type { EngineSnapshot, PersistedSegmentEntry, SegmentEntry, SessionSnapshot, UserSnapshot, WindowSnapshot } from './engine-types.ts';

/*
 * The engine's state as a changelog writes it, without copying what grows: a session's event log and closed segments
 * and a user's marks are handed out as the engine holds them, so a writer can tell which runs of them it wrote before
 * by identity (events and segment entries) or by value (marks) instead of serializing all of them again.
 */

/** A session's snapshot without its log and segments. */
export type SessionHead = Omit<SessionSnapshot, 'log' | 'segments'>;

/** A user's snapshot without its marks and windows. */
export type UserHead = Omit<UserSnapshot, 'marks' | 'windows'>;

/**
 * One session's state: `{ ...head, log: encodeLog(log, head.userId), segments: segments.map(persistSegment) }` is its
 * snapshot. Events and segment entries are never changed in place once handed out: the engine replaces an entry
 * (session-emissions.ts) and inserts or removes events, so an element that is the same object as before has the
 * same JSON as before.
 */
export interface SessionParts {
  readonly head: SessionHead;
  readonly log: readonly AgentEvent[];
  readonly segments: readonly SegmentEntry[];
}

/** A window as the engine holds it: its identity, its start, and a version raised by every change to its snapshot. */
export interface WindowVersion {
  readonly start: number;
  readonly version: number;
}

/**
 * One user's state: `{ ...head, marks: encodeMarks(markTimes, markChanges, markNames, 0, n), windows }` is its
 * snapshot, with `windows[i] = window(i)`. The mark arrays are parallel, sorted by time, and hold primitives.
 * `windowSlots[i]` is the engine's window of `window(i)`: the same object at the same version as at an earlier call has
 * the same snapshot as then, so a writer makes the snapshots of the windows that changed only.
 */
export interface UserParts {
  readonly head: UserHead;
  readonly markTimes: readonly number[];
  readonly markChanges: readonly number[];
  readonly markNames: readonly string[];
  readonly windowSlots: readonly WindowVersion[];
  /** The snapshot of the window `windowSlots[index]`, made on each call. */
  readonly window: (index: number) => WindowSnapshot;
}

/**
 * A tenant's state as {@link SessionParts} and {@link UserParts} plus the rest of its snapshot. Valid until the next
 * call that changes the engine: the arrays are the engine's own, not copies.
 */
export interface PersistedParts {
  readonly engine: Omit<EngineSnapshot, 'users' | 'sessions'>;
  readonly users: readonly UserParts[];
  readonly sessions: readonly SessionParts[];
}

/**
 * {@link PersistedParts} of the users and sessions that may have changed since the previous call
 * (TimelineEngine.persistedChanges), or of all of them when `complete`. Every other user and session the state
 * holds (listed in `userIds` and `sessionIds`) is as that call, or an earlier one, handed it out; an id no longer
 * listed was removed.
 */
export interface PersistedChanges extends PersistedParts {
  readonly complete: boolean;
  /** Every user the state holds, in the order {@link PersistedParts.users} would list them. */
  readonly userIds: Iterable<string>;
  /** Every session the state holds, in the order {@link PersistedParts.sessions} would list them. */
  readonly sessionIds: Iterable<string>;
}

/** A segment entry as persisted (format 9, compact-segment.ts). */
export function persistSegment(entry: SegmentEntry): PersistedSegmentEntry {
  return encodeSegmentEntry(entry);
}

/**
 * Marks `from` (inclusive) to `to` (exclusive) as persisted: `[time, change, name]`, the name left out where it
 * equals the previous mark's. The first mark of the range always carries its name, so ranges encoded apart and
 * concatenated decode to the same marks; `continued` encodes the range as the rest of the one that ends before
 * `from`, so that the two concatenated equal the encoding of both ranges as one.
 */
export function encodeMarks(times: readonly number[], changes: readonly number[], names: readonly string[], from: number, to: number, continued = false): [number, number, string?][] {
  const out: [number, number, string?][] = [];
  for (let i = from; i < to; i++) {
    const name = names[i] as string;
    out.push((i > from || (continued && i > 0)) && name === names[i - 1] ? [times[i] as number, changes[i] as number] : [times[i] as number, changes[i] as number, name]);
  }
  return out;
}
