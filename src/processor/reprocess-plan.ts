import { QUARTER_HOUR_MS, quarterHourStart } from '../core/windows/quarter-hour.ts';
import type { ReprocessRequest } from './reprocess-requests.ts';

/** A request as read from the request topic, with its offset there. */
export interface QueuedRequest extends ReprocessRequest {
  readonly offset: number;
}

export interface PlanOptions {
  /** Raw records this far before a chunk are read, and a too-late record can change windows this far after it. */
  readonly leadInMs: number;
  /** Event-time grid of the chunks (a whole number of quarter-hours). */
  readonly chunkMs: number;
}

/**
 * One unit of re-processing: the quarter-hours [start, end) of `users` of one tenant whose records are in one raw
 * partition. `end` never passes the live engine's correction boundary, so a window is written either by the live
 * engine or by the re-processor, never by both.
 */
export interface ReprocessChunk {
  readonly tenant: string;
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  readonly start: number;
  readonly end: number;
  /** Sorted. */
  readonly users: readonly string[];
  /** The first request behind this chunk (named in a dead letter when the chunk is refused). */
  readonly request: QueuedRequest;
}

/**
 * The windows the live engine can no longer change once its too-late threshold is `tooLateBefore`: accepted events
 * are at or after the threshold, so they change only windows holding a millisecond ≥ threshold − 1 (a handling run
 * ending at the threshold counts in the window of its last millisecond). Windows starting before the returned time
 * end before the threshold; the threshold only moves forward, so they stay frozen.
 */
export function frozenBefore(tooLateBefore: number): number {
  return quarterHourStart(tooLateBefore - 1);
}

function groupKey(request: Pick<ReprocessRequest, 'tenant' | 'sourceTopic' | 'sourcePartition'>): string {
  return `${request.tenant}|${request.sourceTopic}|${request.sourcePartition}`;
}

/**
 * Splits the requests of one run into chunks, sorted by tenant, raw partition and start. A request's records change
 * the windows from the quarter-hour before its earliest event (a run ending there counts in the previous window) to
 * one lead-in after its latest event (its session has ended by then), and never those the live engine still owns:
 * everything is capped at the latest {@link frozenBefore} of the requests of that tenant and raw partition.
 */
export function planChunks(requests: readonly QueuedRequest[], options: PlanOptions): ReprocessChunk[] {
  const groups = new Map<string, QueuedRequest[]>();
  for (const request of requests) {
    const list = groups.get(groupKey(request));
    if (list === undefined) groups.set(groupKey(request), [request]);
    else list.push(request);
  }
  const chunks: ReprocessChunk[] = [];
  for (const group of groups.values()) {
    const cap = Math.max(...group.map((r) => frozenBefore(r.tooLateBefore)));
    const cells = new Map<number, { users: Set<string>; request: QueuedRequest }>();
    for (const request of group) {
      const from = quarterHourStart(request.eventFrom) - QUARTER_HOUR_MS;
      const to = Math.min(cap, request.eventTo + options.leadInMs + QUARTER_HOUR_MS);
      for (let cell = Math.floor(from / options.chunkMs) * options.chunkMs; cell < to; cell += options.chunkMs) {
        const entry = cells.get(cell);
        if (entry === undefined) cells.set(cell, { users: new Set([request.userId]), request });
        else {
          entry.users.add(request.userId);
          if (request.offset < entry.request.offset) entry.request = request;
        }
      }
    }
    const first = group[0]!;
    for (const [cell, { users, request }] of cells) {
      chunks.push({
        tenant: first.tenant, sourceTopic: first.sourceTopic, sourcePartition: first.sourcePartition,
        start: cell, end: Math.min(cell + options.chunkMs, cap), users: [...users].sort(), request,
      });
    }
  }
  return chunks.sort((a, b) => compare(a.tenant, b.tenant) || compare(a.sourceTopic, b.sourceTopic) || a.sourcePartition - b.sourcePartition || a.start - b.start);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Which raw records of a run were too late for the live engine (its requests say so exactly: the user, the offsets of
 * the batch and the threshold then in force). The published outputs reflect every other record, so the run compares
 * its result with and without these to find what to correct.
 */
export class TriggerIndex {
  readonly #byUser = new Map<string, QueuedRequest[]>();

  constructor(requests: readonly QueuedRequest[]) {
    for (const request of requests) {
      const key = `${groupKey(request)}|${request.userId}`;
      const list = this.#byUser.get(key);
      if (list === undefined) this.#byUser.set(key, [request]);
      else list.push(request);
    }
  }

  /** True when the record of `userId` at `offset` with earliest event `eventFrom` is one the requests stand for. */
  isTrigger(chunk: Pick<ReprocessChunk, 'tenant' | 'sourceTopic' | 'sourcePartition'>, userId: string, offset: number, eventFrom: number): boolean {
    const list = this.#byUser.get(`${groupKey(chunk)}|${userId}`);
    return list !== undefined && list.some((r) => offset >= r.firstOffset && offset <= r.lastOffset && eventFrom < r.tooLateBefore);
  }
}
