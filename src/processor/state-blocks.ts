import { encodeLog } from '../core/engine/compact-event.ts';
import type { SegmentEntry, WindowSnapshot } from '../core/engine/engine-types.ts';
import type { PersistedChanges, PersistedParts, SessionParts, UserParts, WindowVersion } from '../core/engine/persisted-parts.ts';
import { encodeMarks, persistSegment } from '../core/engine/persisted-parts.ts';
import type { AgentEvent } from '../core/events/agent-event.ts';
import type { RunSize } from './block-bounds.ts';
import { endsRun, nextRunEnd, runEnds } from './block-bounds.ts';
import { textBlocks } from './changelog-records.ts';
import type { InlineBlock, StateBlock, WritableEntry } from './state-entries.ts';

/** How entries are cut into blocks. */
export interface BlockLayout {
  readonly log: RunSize;
  readonly segments: RunSize;
  readonly marks: RunSize;
  readonly windows: RunSize;
  /** A user or session entry whose JSON is shorter than this is written whole; a longer one as blocks. */
  readonly blocksFromCharacters: number;
}

/**
 * Runs of about 64 events (2–4 KB of JSON), 32 closed segments (4–6 KB), 128 marks (2–4 KB) and 2 windows (a window
 * with its breakdown and last emission is 2–5 KB); entries of 16,384 characters and more as blocks.
 */
export const DEFAULT_LAYOUT: BlockLayout = { log: { mean: 64, max: 256 }, segments: { mean: 32, max: 128 }, marks: { mean: 128, max: 512 }, windows: { mean: 2, max: 4 }, blocksFromCharacters: 16_384 };

/**
 * A run of array elements as JSON: `text` is `glue` (what precedes it in the entry's JSON) followed by the elements.
 * Only this one string is kept (and, unless it is over the part limit, it is also the text of its one block).
 */
interface Run {
  readonly glue: string;
  readonly text: string;
  /** The run's blocks, computed when the entry is written as blocks (a text over the part limit is cut). */
  blocks: readonly StateBlock[] | null;
}

interface RefRun<T> extends Run {
  readonly items: readonly T[];
}

interface WindowRun extends Run {
  /** The engine's windows of the run, and their versions when its JSON was made (persisted-parts.ts, WindowVersion). */
  readonly slots: readonly WindowVersion[];
  versions: readonly number[];
}

interface MarkRun extends Run {
  readonly times: readonly number[];
  readonly changes: readonly number[];
  readonly names: readonly string[];
}

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

function blocksOf(run: Run): readonly StateBlock[] {
  run.blocks ??= textBlocks(run.text);
  return run.blocks;
}

/** The run's elements as JSON, without its glue. */
const bodyOf = (run: Run): string => run.text.slice(run.glue.length);

/** True when the run's elements serialize to `body`. */
const hasBody = (run: Run, body: string): boolean => run.text.length - run.glue.length === body.length && run.text.endsWith(body);

/** The JSON of an array's elements without its brackets. */
const elements = (values: readonly unknown[]): string => JSON.stringify(values).slice(1, -1);

/**
 * How many characters of an entry in blocks its manifest carries: the runs that changed since the previous commit and
 * the head, in this order of preference (changelog-records.ts: a manifest stays far below the record limit).
 */
export const INLINE_CHARACTERS = 32_768;

/**
 * Collects the texts of one entry's JSON: `{"a":[runs…],"b":[runs…],` then the head's own fields and `}`. A run
 * unchanged since the previous commit is a block of its own, so it keeps its block id and its part record; the runs
 * that changed and the head are carried in the manifest (up to {@link INLINE_CHARACTERS}), so that a commit of a
 * live agent writes one record per entry rather than new parts, their manifest and the old parts' tombstones.
 */
class EntryText {
  readonly runs: Run[] = [];
  readonly #reusedRuns: boolean[] = [];
  length = 0;
  /** The length of the runs unchanged since the previous commit. */
  reused = 0;
  #pending = '{';
  #first = true;

  open(name: string): void {
    this.#pending += `${JSON.stringify(name)}:[`;
    this.#first = true;
  }

  /** What precedes the next run. */
  glue(): string {
    return this.#first ? this.#pending : ',';
  }

  add(run: Run, reused: boolean): void {
    this.runs.push(run);
    this.#reusedRuns.push(reused);
    this.length += run.text.length;
    if (reused) this.reused += run.text.length;
    this.#pending = '';
    this.#first = false;
  }

  close(): void {
    this.#pending += '],';
  }

  entry(kind: 'user' | 'session', tenant: string, id: string, head: object, blocksFrom: number): WritableEntry {
    const headJson = JSON.stringify(head);
    const tail = headJson.length > 2 ? this.#pending + headJson.slice(1) : `${this.#pending.slice(0, -1)}}`;
    const length = this.length + tail.length;
    if (length < blocksFrom || this.reused * 2 < length) return { kind, tenant, id, json: this.runs.map((run) => run.text).join('') + tail };
    const blocks: (StateBlock | InlineBlock)[] = [];
    let budget = INLINE_CHARACTERS - (tail.length <= INLINE_CHARACTERS ? tail.length : 0);
    let inline = '';
    this.runs.forEach((run, i) => {
      if (!this.#reusedRuns[i] && run.text.length <= budget) {
        inline += run.text;
        budget -= run.text.length;
        return;
      }
      if (inline !== '') blocks.push({ id: null, text: inline });
      inline = '';
      blocks.push(...blocksOf(run));
    });
    if (tail.length <= INLINE_CHARACTERS) blocks.push({ id: null, text: inline + tail });
    else {
      if (inline !== '') blocks.push({ id: null, text: inline });
      blocks.push(...textBlocks(tail));
    }
    return { kind, tenant, id, blocks, length };
  }
}

/** The entry of an unchanged user or session as the previous call made it, carried over into `next`. */
function kept<R extends { entry: WritableEntry | null }>(previous: Map<string, R> | undefined, next: Map<string, R>, kind: string, id: string): WritableEntry {
  const runs = previous?.get(id);
  if (runs?.entry == null) throw new Error(`state writer: ${kind} ${id} is unchanged, but no entry was written for it before (a writer must start from an engine's complete changes)`);
  next.set(id, runs);
  return runs.entry;
}

function sameRefs<T>(cached: readonly T[], items: readonly T[], from: number, to: number): boolean {
  if (cached.length !== to - from) return false;
  return startsWith(items, from, cached);
}

/** True when `items` from `from` on start with the elements of `cached` (the same objects). */
function startsWith<T>(items: readonly T[], from: number, cached: readonly T[]): boolean {
  if (from + cached.length > items.length) return false;
  for (let i = 0; i < cached.length; i++) if (cached[i] !== items[from + i]) return false;
  return true;
}

/**
 * The end of the run that starts at `from` (a run boundary): that of the previous call's run with the same first
 * element (`length` elements) when `same(end)` says its elements are unchanged and it still ends there
 * ({@link endsRun}), else computed. Equal to `runEnds`' cut, without hashing the keys of every unchanged run again.
 */
function reusedEnd(length: number | undefined, n: number, keyAt: (index: number) => number, size: RunSize, from: number, same: (end: number) => boolean): number {
  if (length !== undefined && endsRun(n, keyAt, size, from, from + length) && same(from + length)) return from + length;
  return nextRunEnd(n, keyAt, size, from);
}

/** {@link reusedEnd} for runs of events or segment entries, whose unchanged elements are the same objects. */
function refRunEnd<T>(old: Map<T, RefRun<T>> | undefined, items: readonly T[], keyAt: (index: number) => number, size: RunSize, from: number): number {
  const previous = old?.get(items[from] as T);
  return reusedEnd(previous?.items.length, items.length, keyAt, size, from, (end) => previous !== undefined && sameRefs(previous.items, items, from, end));
}

/**
 * The run at `key`: the previous call's when `same` holds for it (with the new glue if that changed), else `build()`.
 * Recorded in `next` either way; `reused` when it is the previous call's run unchanged.
 */
function cachedRun<K, R extends Run>(old: Map<K, R> | undefined, next: Map<K, R>, key: K, glue: string, same: (hit: R) => boolean, build: () => R): { run: R; reused: boolean } {
  const hit = old?.get(key);
  const run = hit !== undefined && same(hit) ? (hit.glue === glue ? hit : { ...hit, glue, text: glue + bodyOf(hit), blocks: null }) : build();
  next.set(key, run);
  return { run, reused: run === hit };
}

/**
 * A run of events or segment entries, reused while its elements are the same objects. A run that grew at its end
 * since the previous call (a live session's last run) keeps its JSON and serializes only the new elements: `body`
 * is given the element before those, and must then give what the whole run's JSON has after it.
 */
function refRun<T>(old: Map<T, RefRun<T>> | undefined, next: Map<T, RefRun<T>>, items: readonly T[], from: number, to: number, glue: string, body: (run: readonly T[], after: T | undefined) => string): { run: RefRun<T>; reused: boolean } {
  return cachedRun(old, next, items[from] as T, glue, (hit) => sameRefs(hit.items, items, from, to), () => {
    const slice = items.slice(from, to);
    const grown = old?.get(items[from] as T);
    if (grown !== undefined && grown.items.length > 0 && grown.items.length < slice.length && startsWith(items, from, grown.items)) {
      const known = grown.items.length;
      return { items: slice, glue, text: `${glue}${bodyOf(grown)},${body(slice.slice(known), slice[known - 1])}`, blocks: null };
    }
    return { items: slice, glue, text: glue + body(slice, undefined), blocks: null };
  });
}

function sameMarks(run: MarkRun, user: UserParts, from: number, to: number): boolean {
  if (run.times.length !== to - from) return false;
  for (let i = from; i < to; i++) {
    const j = i - from;
    if (run.times[j] !== user.markTimes[i] || run.changes[j] !== user.markChanges[i] || run.names[j] !== user.markNames[i]) return false;
  }
  return true;
}

/** True when `run` was made from the same window objects at the same versions. */
function sameVersions(run: WindowRun, slots: readonly WindowVersion[], versions: readonly number[]): boolean {
  if (run.slots.length !== slots.length) return false;
  for (let i = 0; i < slots.length; i++) if (run.slots[i] !== slots[i] || run.versions[i] !== versions[i]) return false;
  return true;
}

/** The JSON of marks `from` to `to` without glue, continuing the previous call's run of them when that is a prefix. */
function marksBody(previous: MarkRun | undefined, user: UserParts, from: number, to: number): string {
  const known = previous?.times.length ?? 0;
  if (previous !== undefined && known > 0 && known < to - from && sameMarks(previous, user, from, from + known)) {
    return `${bodyOf(previous)},${elements(encodeMarks(user.markTimes, user.markChanges, user.markNames, from + known, to, true))}`;
  }
  return elements(encodeMarks(user.markTimes, user.markChanges, user.markNames, from, to));
}

/**
 * Turns an engine's {@link PersistedParts} into changelog entries, re-serializing only the runs that changed since
 * the previous call: a run whose elements are the same objects (events, segment entries), the same values (marks)
 * or the same windows at the same versions as a run of the previous call keeps its JSON and its block id; a run that
 * grew serializes its new elements only (a window run that changed is serialized, and keeps its block id when its
 * JSON is equal). A user or session entry is given as blocks (runs unchanged since the previous call as parts, the
 * others and its head in its manifest) when it has {@link BlockLayout.blocksFromCharacters} or more and at least half
 * of it is runs unchanged since the previous call; otherwise whole. So an entry that mostly grows between commits (a
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
    for (let from = 0, to = 0; from < marks; from = to) {
      const previous = old?.marks.get(markKey(from));
      to = reusedEnd(previous?.times.length, marks, markKey, this.#layout.marks, from, (end) => previous !== undefined && sameMarks(previous, user, from, end));
      const glue = text.glue();
      const { run, reused } = cachedRun(old?.marks, runs.marks, user.markTimes[from] as number, glue, (hit) => sameMarks(hit, user, from, to), () => ({
        times: user.markTimes.slice(from, to),
        changes: user.markChanges.slice(from, to),
        names: user.markNames.slice(from, to),
        glue,
        text: glue + marksBody(previous, user, from, to),
        blocks: null,
      }));
      text.add(run, reused);
    }
    text.close();
    const { windows, ...head } = user.head;
    text.open('windows');
    let from = 0;
    for (const to of runEnds(windows.length, (i) => (windows[i] as WindowSnapshot).start, this.#layout.windows)) {
      const glue = text.glue();
      const slots = user.windowSlots.slice(from, to);
      const versions = slots.map((slot) => slot.version);
      const start = (windows[from] as WindowSnapshot).start;
      const previous = old?.windows.get(start);
      const unchanged = previous !== undefined && sameVersions(previous, slots, versions);
      const body = unchanged ? '' : elements(windows.slice(from, to));
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

  #session(tenant: string, session: SessionParts, old: SessionRuns | undefined, next: TenantRuns): WritableEntry {
    const runs: SessionRuns = { log: new Map(), segments: new Map(), entry: null };
    const text = new EntryText();
    const userId = session.head.userId;
    text.open('log');
    const { log, segments } = session;
    for (let from = 0, to = 0; from < log.length; from = to) {
      to = refRunEnd(old?.log, log, (i) => (log[i] as AgentEvent).eventTime, this.#layout.log, from);
      const { run, reused } = refRun(old?.log, runs.log, log, from, to, text.glue(), (events, after) => elements(encodeLog(events, userId, after?.userName ?? null)));
      text.add(run, reused);
    }
    text.close();
    text.open('segments');
    for (let from = 0, to = 0; from < segments.length; from = to) {
      to = refRunEnd(old?.segments, segments, (i) => (segments[i] as SegmentEntry).segment.start, this.#layout.segments, from);
      const { run, reused } = refRun(old?.segments, runs.segments, segments, from, to, text.glue(), (entries) => elements(entries.map(persistSegment)));
      text.add(run, reused);
    }
    text.close();
    next.sessions.set(session.head.sessionId, runs);
    runs.entry = text.entry('session', tenant, session.head.sessionId, session.head, this.#layout.blocksFromCharacters);
    return runs.entry;
  }
}
