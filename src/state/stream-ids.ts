/**
 * Redis Stream entry ids (`<ms>-<seq>`, both unsigned 64-bit) and the resume rule of the change feed. Pure.
 */

const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/;

/** The id as [ms, seq], or null when `id` is not a complete stream id. */
export function parseStreamId(id: string): readonly [bigint, bigint] | null {
  const match = STREAM_ID.exec(id);
  if (match === null) return null;
  const ms = BigInt(match[1]!);
  const seq = BigInt(match[2]!);
  const max = 2n ** 64n - 1n;
  return ms > max || seq > max ? null : [ms, seq];
}

/** Negative, 0 or positive as `a` is before, equal to or after `b` (both valid ids). */
export function compareStreamIds(a: string, b: string): number {
  const x = parseStreamId(a);
  const y = parseStreamId(b);
  if (x === null || y === null) throw new Error(`not a stream id: '${x === null ? a : b}'`);
  if (x[0] !== y[0]) return x[0] < y[0] ? -1 : 1;
  return x[1] === y[1] ? 0 : x[1] < y[1] ? -1 : 1;
}

/** What XINFO STREAM tells about a feed, as the resume rule needs it; null: the stream does not exist. */
export interface StreamBounds {
  /** The id of the oldest entry still held, or null when the stream is empty. */
  readonly firstId: string | null;
  /** The id the last XADD generated (`0-0` before any). */
  readonly lastGeneratedId: string;
  /** The newest id ever removed (by trimming or XDEL); `0-0` when nothing was removed. */
  readonly maxDeletedId: string;
}

/**
 * Whether every entry after `afterId` is still in the stream, so a client that saw `afterId` misses nothing by
 * reading the entries after it. True only when it can be shown: `afterId` is not ahead of the stream (an id from
 * another Redis or a lost stream), and either nothing after it was ever removed while the stream shows `afterId`
 * belongs to it (it is at or after the oldest entry held, or something at or after it was removed, which only entries
 * of this stream can be). A stream that does not exist (`bounds` null) resumes nothing.
 */
export function canResume(afterId: string, bounds: StreamBounds | null): boolean {
  if (bounds === null || parseStreamId(afterId) === null) return false;
  if (compareStreamIds(afterId, bounds.lastGeneratedId) > 0) return false;
  if (compareStreamIds(bounds.maxDeletedId, afterId) > 0) return false;
  if (bounds.maxDeletedId !== '0-0') return true;
  return bounds.firstId !== null && compareStreamIds(afterId, bounds.firstId) >= 0;
}
