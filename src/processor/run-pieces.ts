import { encodeMarks } from '../core/engine/persisted-parts.ts';
import type { UserParts } from '../core/engine/persisted-parts.ts';
import type { MarkRun, RefRun, Run } from './state-runs.ts';
import { bodyOf, elements, sameMarks, startsWith } from './state-runs.ts';

/*
 * Pieces: how the state writer (state-blocks.ts) keeps a live array's last run from being written again at every
 * commit. Runs are cut by content (block-bounds.ts), so the last run of a growing array is open: it grows until a cut
 * appears after it. Written as one run, each commit would carry all of it (on average `mean` elements) for the few
 * elements that are new. Instead the last run is a chain of pieces: the previous commit's pieces that stopped growing
 * (sealed) stay as they are, written once as parts, and only the open piece at its end, under `sealCharacters` of
 * JSON before its new elements, is written again. When the run ends, it is made once from its pieces' JSON.
 */

/** What the writer needs of an array (a session's log or segments, a user's marks) to cut it into runs and pieces. */
export interface PieceArray<K, R extends Run> {
  readonly length: number;
  /** The key runs are found by: that of their first element. */
  keyAt(index: number): K;
  /** True when the elements of `run` are those of the array from `at` on (the same objects or the same values). */
  holds(run: R, at: number): boolean;
  /** The number of elements of `run`. */
  size(run: R): number;
  /**
   * The JSON of the elements `[at, end)` without brackets; `continued`: as they continue the elements before `at`
   * (so the JSON of a run equals that of its first elements followed by that of the rest, continued).
   */
  body(at: number, end: number, continued: boolean): string;
  make(at: number, end: number, fields: { glue: string; text: string; sealed?: boolean; continued?: boolean }): R;
}

/**
 * The JSON (without glue) of the previous call's runs that hold the array from `from` on, within `[from, to)`: a run
 * that starts at `from` (not a continuing piece), then the pieces that continue it, as far as they go; and the number
 * of elements they hold.
 */
function knownPrefix<K, R extends Run>(array: PieceArray<K, R>, old: ReadonlyMap<K, R> | undefined, from: number, to: number): { bodies: string; known: number } {
  let bodies = '';
  let at = from;
  while (at < to) {
    const run = old?.get(array.keyAt(at));
    if (run === undefined || (run.continued === true) !== (at > from) || array.size(run) === 0 || at + array.size(run) > to || !array.holds(run, at)) break;
    bodies = at === from ? bodyOf(run) : `${bodies},${bodyOf(run)}`;
    at += array.size(run);
  }
  return { bodies, known: at - from };
}

/**
 * The run `[from, to)`, made from the JSON of the previous call's run or pieces it starts with, serializing only the
 * elements after them: a last run that grew, or one that ended and was pieces.
 */
export function closedRun<K, R extends Run>(array: PieceArray<K, R>, old: ReadonlyMap<K, R> | undefined, from: number, to: number, glue: string): R {
  const { bodies, known } = knownPrefix(array, old, from, to);
  const rest = from + known;
  const text = known === 0 ? glue + array.body(from, to, false) : rest === to ? glue + bodies : `${glue}${bodies},${array.body(rest, to, true)}`;
  return array.make(from, to, { glue, text });
}

/**
 * The last run of an array, `[from, array.length)`, as pieces: the previous call's sealed pieces that still hold the
 * array (reused: parts, written once), then one open piece with the rest, extending the previous call's open piece
 * when that holds its first elements (only the new elements are serialized). A piece is sealed once its JSON has
 * `sealCharacters` or more. Their texts concatenated equal the text of the run made in one piece. Each piece is
 * recorded in `next` under the key of its first element.
 */
export function lastRunPieces<K, R extends Run>(array: PieceArray<K, R>, old: ReadonlyMap<K, R> | undefined, next: Map<K, R>, from: number, glue: string, sealCharacters: number): { run: R; reused: boolean }[] {
  const n = array.length;
  const out: { run: R; reused: boolean }[] = [];
  const keep = (at: number, run: R, reused: boolean): void => {
    next.set(array.keyAt(at), run);
    out.push({ run, reused });
  };
  let at = from;
  let hit = old?.get(array.keyAt(at));
  while (hit !== undefined && hit.sealed === true && (hit.continued === true) === (at > from) && array.holds(hit, at)) {
    const pieceGlue = at === from ? glue : ',';
    keep(at, hit.glue === pieceGlue ? hit : { ...hit, glue: pieceGlue, text: pieceGlue + bodyOf(hit), blocks: null }, hit.glue === pieceGlue);
    at += array.size(hit);
    if (at === n) return out;
    hit = old?.get(array.keyAt(at));
  }
  const pieceGlue = at === from ? glue : ',';
  const known = hit !== undefined && hit.sealed !== true && (hit.continued === true) === (at > from) && array.holds(hit, at) ? array.size(hit) : 0;
  if (hit !== undefined && known === n - at && hit.glue === pieceGlue) {
    keep(at, hit, true);
    return out;
  }
  const body = known === 0 ? array.body(at, n, at > from) : known === n - at ? bodyOf(hit as R) : `${bodyOf(hit as R)},${array.body(at + known, n, true)}`;
  keep(at, array.make(at, n, { glue: pieceGlue, text: pieceGlue + body, sealed: body.length >= sealCharacters, continued: at > from }), false);
  return out;
}

/** The events or segment entries `items` as a {@link PieceArray}: runs hold the same objects. */
export function refPieces<T>(items: readonly T[], body: (run: readonly T[], after: T | undefined) => string): PieceArray<T, RefRun<T>> {
  return {
    length: items.length,
    keyAt: (index) => items[index] as T,
    holds: (run, at) => startsWith(items, at, run.items),
    size: (run) => run.items.length,
    body: (at, end, continued) => body(items.slice(at, end), continued ? items[at - 1] : undefined),
    make: (at, end, fields) => ({ items: items.slice(at, end), blocks: null, ...fields }),
  };
}

/** A user's marks as a {@link PieceArray}: runs hold the same values. */
export function markPieces(user: UserParts): PieceArray<number, MarkRun> {
  return {
    length: user.markTimes.length,
    keyAt: (index) => user.markTimes[index] as number,
    holds: (run, at) => at + run.times.length <= user.markTimes.length && sameMarks(run, user, at, at + run.times.length),
    size: (run) => run.times.length,
    body: (at, end, continued) => elements(encodeMarks(user.markTimes, user.markChanges, user.markNames, at, end, continued)),
    make: (at, end, fields) => ({ times: user.markTimes.slice(at, end), changes: user.markChanges.slice(at, end), names: user.markNames.slice(at, end), blocks: null, ...fields }),
  };
}
