import { encodeLog } from '../core/engine/compact-event.ts';
import type { SegmentEntry, WindowSnapshot } from '../core/engine/engine-types.ts';
import type { PersistedChanges, PersistedParts, SessionParts, UserParts, WindowVersion } from '../core/engine/persisted-parts.ts';
import { persistSegment } from '../core/engine/persisted-parts.ts';
import type { AgentEvent } from '../core/events/agent-event.ts';
import type { RunSize } from './block-bounds.ts';
import { runEnds } from './block-bounds.ts';
import { EntryText } from './entry-text.ts';
import type { WritableEntry } from './state-entries.ts';
import type { MarkRun, RefRun, WindowRun } from './state-runs.ts';
import { closedRun, lastRunPieces, markPieces, refPieces } from './run-pieces.ts';
import { cachedRun, elements, hasBody, refRunEnd, reusedEnd, sameMarks, sameRefs, sameVersions } from './state-runs.ts';

/** How entries are cut into blocks. */
export interface BlockLayout {
  readonly log: RunSize;
  readonly segments: RunSize;
  readonly marks: RunSize;
  readonly windows: RunSize;
  /** A user or session entry whose JSON is shorter than this is written whole; a longer one as blocks. */
  readonly blocksFromCharacters: number;
  /** A piece of an array's last run stops growing at this many characters of JSON (run-pieces.ts, lastRunPieces). */
  readonly sealCharacters: number;
}

/**
 * Runs of about 64 events (2–4 KB of JSON), 32 closed segments (4–6 KB), 128 marks (2–4 KB) and 2 windows (a window
 * with its breakdown and last emission is 2–5 KB); entries of 4,096 characters and more as blocks; pieces of the last
 * runs sealed from 2,048 characters (BENCHMARKS.md, (1q)).
 */
export const DEFAULT_LAYOUT: BlockLayout = { log: { mean: 64, max: 256 }, segments: { mean: 32, max: 128 }, marks: { mean: 128, max: 512 }, windows: { mean: 2, max: 4 }, blocksFromCharacters: 4_096, sealCharacters: 2_048 };

interface SessionRuns {
  readonly log: Map<AgentEvent, RefRun<AgentEvent>>;
  readonly segments: Map<SegmentEntry, RefRun<SegmentEntry>>;
  /** The entry these runs made. */
  entry: WritableEntry | null;
}

interface UserRuns {
  readonly marks: Map<number, MarkRun>;
  /**
   * Window runs by the first window's start. Windows change in place: a run is reused while its windows are the same
   * objects at the same versions, or, serialized again, when its JSON is equal.
   */
  readonly windows: Map<number, WindowRun>;
  entry: WritableEntry | null;
}

interface TenantRuns {
  readonly sessions: Map<string, SessionRuns>;
  readonly users: Map<string, UserRuns>;
}

/** The snapshots of the user's windows `from` (inclusive) to `to` (exclusive). */
function windowSnapshots(user: UserParts, from: number, to: number): WindowSnapshot[] {
  const out: WindowSnapshot[] = [];
  for (let i = from; i < to; i++) out.push(user.window(i));
  return out;
}

/** The entry of an unchanged user or session as the previous call made it, carried over into `next`. */
function kept<R extends { entry: WritableEntry | null }>(previous: Map<string, R> | undefined, next: Map<string, R>, kind: string, id: string): WritableEntry {
  const runs = previous?.get(id);
  if (runs?.entry == null) throw new Error(`state writer: ${kind} ${id} is unchanged, but no entry was written for it before (a writer must start from an engine's complete changes)`);
  next.set(id, runs);
  return runs.entry;
}

/**
 * Turns an engine's {@link PersistedParts} into changelog entries, re-serializing only the runs that changed since
 * the previous call: a run whose elements are the same objects (events, segment entries), the same values (marks)
 * or the same windows at the same versions as a run of the previous call keeps its JSON and its block id; a run that
 * grew serializes its new elements only (a window run that changed is serialized, and keeps its block id when its
 * JSON is equal). The last run of a log, of segments or of marks is kept as pieces (run-pieces.ts), so a live entry's
 * manifest carries its open piece, not its whole last run. A user or session entry is given as blocks (runs and
 * sealed pieces unchanged since the previous call, and runs that ended, as parts; the others and its head in its
 * manifest) when it has {@link BlockLayout.blocksFromCharacters} or more and at least half of it is runs unchanged
 * since the previous call; otherwise whole. So an entry that mostly grows between commits (a
 * catch-up, where each transaction holds many of its events) is written whole, in one record that deflates well, and
 * one that changes at its end only (live traffic) writes its manifest.
 *
 * Given an engine's changes (TimelineEngine.persistedChanges) instead of all its parts, it serializes only the users
 * and sessions that changed and keeps the entries of the others, so a commit costs what changed, not the whole state.
 *
 * Lifecycle: one writer per partition task and state; {@link entries} once per tenant per commit. It keeps the runs
 * of the last call only, so its memory follows the state's. After the task's state is rebuilt, make a new writer.
 */
export class StateBlockWriter {
  readonly #tenants = new Map<string, TenantRuns>();
  readonly #layout: BlockLayout;

  constructor(layout: Partial<BlockLayout> = {}) {
    this.#layout = { ...DEFAULT_LAYOUT, ...layout };
  }

  /**
   * The engine, user and session entries of one tenant's state, in this order. Given the changes since the previous
   * call ({@link PersistedChanges}, not `complete`), an unchanged user or session keeps the entry that call made;
   * throws when it has none (the writer must see the engine's first, complete, changes).
   */
  entries(tenant: string, parts: PersistedParts | PersistedChanges): WritableEntry[] {
    const previous = this.#tenants.get(tenant);
    const next: TenantRuns = { sessions: new Map(), users: new Map() };
    const out: WritableEntry[] = [{ kind: 'engine', tenant, id: '', json: JSON.stringify(parts.engine) }];
    if ('complete' in parts && !parts.complete) {
      const users = new Map(parts.users.map((user) => [user.head.userId, user]));
      for (const id of parts.userIds) {
        const user = users.get(id);
        out.push(user === undefined ? kept(previous?.users, next.users, 'user', id) : this.#user(tenant, user, previous?.users.get(id), next));
      }
      const sessions = new Map(parts.sessions.map((session) => [session.head.sessionId, session]));
      for (const id of parts.sessionIds) {
        const session = sessions.get(id);
        out.push(session === undefined ? kept(previous?.sessions, next.sessions, 'session', id) : this.#session(tenant, session, previous?.sessions.get(id), next));
      }
    } else {
      for (const user of parts.users) out.push(this.#user(tenant, user, previous?.users.get(user.head.userId), next));
      for (const session of parts.sessions) out.push(this.#session(tenant, session, previous?.sessions.get(session.head.sessionId), next));
    }
    this.#tenants.set(tenant, next);
    return out;
  }

  #user(tenant: string, user: UserParts, old: UserRuns | undefined, next: TenantRuns): WritableEntry {
    const runs: UserRuns = { marks: new Map(), windows: new Map(), entry: null };
    const text = new EntryText();
    text.open('marks');
    const markKey = (i: number): number => user.markTimes[i] as number;
    const marks = user.markTimes.length;
    const pieces = markPieces(user);
    for (let from = 0, to = 0; from < marks; from = to) {
      const previous = old?.marks.get(markKey(from));
      to = reusedEnd(previous?.times.length, marks, markKey, this.#layout.marks, from, (end) => previous !== undefined && sameMarks(previous, user, from, end));
      if (to === marks) {
        for (const { run, reused } of lastRunPieces(pieces, old?.marks, runs.marks, from, text.glue(), this.#layout.sealCharacters)) text.add(run, reused);
        break;
      }
      const glue = text.glue();
      const { run, reused } = cachedRun(old?.marks, runs.marks, markKey(from), glue, (hit) => hit.continued !== true && sameMarks(hit, user, from, to), () => closedRun(pieces, old?.marks, from, to, glue));
      text.add(run, reused, false);
    }
    text.close();
    const head = user.head;
    const windows = user.windowSlots;
    text.open('windows');
    let from = 0;
    for (const to of runEnds(windows.length, (i) => (windows[i] as WindowVersion).start, this.#layout.windows)) {
      const glue = text.glue();
      const slots = windows.slice(from, to);
      const versions = slots.map((slot) => slot.version);
      const start = (windows[from] as WindowVersion).start;
      const previous = old?.windows.get(start);
      const unchanged = previous !== undefined && sameVersions(previous, slots, versions);
      const body = unchanged ? '' : elements(windowSnapshots(user, from, to));
      const { run, reused } = cachedRun(old?.windows, runs.windows, start, glue, (hit) => unchanged || hasBody(hit, body), () => ({ glue, text: glue + body, blocks: null, slots, versions }));
      run.versions = versions;
      text.add(run, reused);
      from = to;
    }
    text.close();
    next.users.set(user.head.userId, runs);
    runs.entry = text.entry('user', tenant, user.head.userId, head, this.#layout.blocksFromCharacters);
    return runs.entry;
  }

  /**
   * Adds the runs of an array of events or segment entries to `text`: its last run as pieces ({@link lastRunPieces});
   * each other run reused while its elements are the same objects (and it is not a piece that continues another),
   * else made from the previous call's run or pieces it starts with ({@link closedRun}), and, as it is not expected to
   * change again (a run that just ended, or one a correction changed), written as a block of its own even when it
   * changed, so it is written once. `body` is given the element before the elements when they continue a run.
   */
  #refRuns<T>(text: EntryText, old: Map<T, RefRun<T>> | undefined, next: Map<T, RefRun<T>>, items: readonly T[], keyAt: (index: number) => number, size: RunSize, body: (run: readonly T[], after: T | undefined) => string): void {
    const pieces = refPieces(items, body);
    for (let from = 0, to = 0; from < items.length; from = to) {
      to = refRunEnd(old, items, keyAt, size, from);
      if (to === items.length) {
        for (const { run, reused } of lastRunPieces(pieces, old, next, from, text.glue(), this.#layout.sealCharacters)) text.add(run, reused);
        return;
      }
      const glue = text.glue();
      const { run, reused } = cachedRun(old, next, items[from] as T, glue, (hit) => hit.continued !== true && sameRefs(hit.items, items, from, to), () => closedRun(pieces, old, from, to, glue));
      text.add(run, reused, false);
    }
  }

  #session(tenant: string, session: SessionParts, old: SessionRuns | undefined, next: TenantRuns): WritableEntry {
    const runs: SessionRuns = { log: new Map(), segments: new Map(), entry: null };
    const text = new EntryText();
    const userId = session.head.userId;
    text.open('log');
    const { log, segments } = session;
    const logBody = (events: readonly AgentEvent[], after: AgentEvent | undefined): string => elements(encodeLog(events, userId, after?.userName ?? null));
    this.#refRuns(text, old?.log, runs.log, log, (i) => (log[i] as AgentEvent).eventTime, this.#layout.log, logBody);
    text.close();
    text.open('segments');
    const segmentsBody = (entries: readonly SegmentEntry[]): string => elements(entries.map(persistSegment));
    this.#refRuns(text, old?.segments, runs.segments, segments, (i) => (segments[i] as SegmentEntry).segment.start, this.#layout.segments, segmentsBody);
    text.close();
    next.sessions.set(session.head.sessionId, runs);
    runs.entry = text.entry('session', tenant, session.head.sessionId, session.head, this.#layout.blocksFromCharacters);
    return runs.entry;
  }
}
