import type { UserParts, WindowVersion } from '../core/engine/persisted-parts.ts';
import type { RunSize } from './block-bounds.ts';
import { endsRun, nextRunEnd } from './block-bounds.ts';
import { textBlocks } from './changelog-records.ts';
import type { StateBlock } from './state-entries.ts';

/*
 * Runs: the slices of an entry's arrays (a session's log and segments, a user's marks and windows) that the state
 * writer (state-blocks.ts) serializes, keeps from one commit to the next while unchanged, and writes as blocks.
 */

/**
 * A run of array elements as JSON: `text` is `glue` (what precedes it in the entry's JSON) followed by the elements.
 * Only this one string is kept (and, unless it is over the part limit, it is also the text of its one block).
 */
export interface Run {
  readonly glue: string;
  readonly text: string;
  /** The run's blocks, computed when the entry is written as blocks (a text over the part limit is cut). */
  blocks: readonly StateBlock[] | null;
  /**
   * Set on a piece of an array's last run (run-pieces.ts): true once it is long enough to stay as it is (a later call
   * reuses it, as a part, and starts a new piece after it), false while a later call may still extend it.
   */
  readonly sealed?: boolean;
  /** True for a piece after the first of a last run: its JSON continues the elements before it. */
  readonly continued?: boolean;
}

export interface RefRun<T> extends Run {
  readonly items: readonly T[];
}

export interface WindowRun extends Run {
  /** The engine's windows of the run, and their versions when its JSON was made (persisted-parts.ts, WindowVersion). */
  readonly slots: readonly WindowVersion[];
  versions: readonly number[];
}

export interface MarkRun extends Run {
  readonly times: readonly number[];
  readonly changes: readonly number[];
  readonly names: readonly string[];
}

export function blocksOf(run: Run): readonly StateBlock[] {
  run.blocks ??= textBlocks(run.text);
  return run.blocks;
}

/** The run's elements as JSON, without its glue. */
export const bodyOf = (run: Run): string => run.text.slice(run.glue.length);

/** True when the run's elements serialize to `body`. */
export const hasBody = (run: Run, body: string): boolean => run.text.length - run.glue.length === body.length && run.text.endsWith(body);

/** The JSON of an array's elements without its brackets. */
export const elements = (values: readonly unknown[]): string => JSON.stringify(values).slice(1, -1);

export function sameRefs<T>(cached: readonly T[], items: readonly T[], from: number, to: number): boolean {
  if (cached.length !== to - from) return false;
  return startsWith(items, from, cached);
}

/** True when `items` from `from` on start with the elements of `cached` (the same objects). */
export function startsWith<T>(items: readonly T[], from: number, cached: readonly T[]): boolean {
  if (from + cached.length > items.length) return false;
  for (let i = 0; i < cached.length; i++) if (cached[i] !== items[from + i]) return false;
  return true;
}

/**
 * The end of the run that starts at `from` (a run boundary): that of the previous call's run with the same first
 * element (`length` elements) when `same(end)` says its elements are unchanged and it still ends there
 * ({@link endsRun}); when they are unchanged but the run no longer ends there (the last run, grown), looked for from
 * its old last element on; else computed from `from`. Equal to `runEnds`' cut, without hashing the keys of an
 * unchanged run again.
 */
export function reusedEnd(length: number | undefined, n: number, keyAt: (index: number) => number, size: RunSize, from: number, same: (end: number) => boolean): number {
  if (length === undefined || length === 0 || from + length > n || !same(from + length)) return nextRunEnd(n, keyAt, size, from);
  if (endsRun(n, keyAt, size, from, from + length)) return from + length;
  return nextRunEnd(n, keyAt, size, from, from + length - 1);
}

/** {@link reusedEnd} for runs of events or segment entries, whose unchanged elements are the same objects. */
export function refRunEnd<T>(old: Map<T, RefRun<T>> | undefined, items: readonly T[], keyAt: (index: number) => number, size: RunSize, from: number): number {
  const previous = old?.get(items[from] as T);
  return reusedEnd(previous?.items.length, items.length, keyAt, size, from, (end) => previous !== undefined && sameRefs(previous.items, items, from, end));
}

/**
 * The run at `key`: the previous call's when `same` holds for it (with the new glue if that changed), else `build()`.
 * Recorded in `next` either way; `reused` when it is the previous call's run unchanged.
 */
export function cachedRun<K, R extends Run>(old: Map<K, R> | undefined, next: Map<K, R>, key: K, glue: string, same: (hit: R) => boolean, build: () => R): { run: R; reused: boolean } {
  const hit = old?.get(key);
  const run = hit !== undefined && same(hit) ? (hit.glue === glue ? hit : { ...hit, glue, text: glue + bodyOf(hit), blocks: null }) : build();
  next.set(key, run);
  return { run, reused: run === hit };
}

export function sameMarks(run: MarkRun, user: UserParts, from: number, to: number): boolean {
  if (run.times.length !== to - from) return false;
  for (let i = from; i < to; i++) {
    const j = i - from;
    if (run.times[j] !== user.markTimes[i] || run.changes[j] !== user.markChanges[i] || run.names[j] !== user.markNames[i]) return false;
  }
  return true;
}

/** True when `run` was made from the same window objects at the same versions. */
export function sameVersions(run: WindowRun, slots: readonly WindowVersion[], versions: readonly number[]): boolean {
  if (run.slots.length !== slots.length) return false;
  for (let i = 0; i < slots.length; i++) if (run.slots[i] !== slots[i] || run.versions[i] !== versions[i]) return false;
  return true;
}
