import { DIRECT_MATCH_LAG_MS, disconnectBound } from '../core/direct/direct-contact.ts';
import type { SourceAdapter } from '../core/source/source-adapter.ts';
import { DEFAULT_EVENT_TIME_LIMITS } from '../core/time/time-limits.ts';
import type { OutgoingRecord } from './output-records.ts';

/** Engine rejections that are not the record's fault but the live engine's bounded memory: the re-processor takes them. */
export const REPROCESSABLE_REJECTIONS: ReadonlySet<string> = new Set(['too-late']);

/** schemas/reprocess-request.avsc */
export interface ReprocessRequest {
  readonly tenant: string;
  readonly userId: string;
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  /** The live engine's too-late threshold while it read the batch: watermark − lateness − horizon. */
  readonly tooLateBefore: number;
  readonly eventFrom: number;
  readonly eventTo: number;
  readonly records: number;
  readonly requestedAt: number;
}

/** Where the requests of one input partition go. */
export interface RequestTarget {
  readonly topic: string;
  /** Partitions of the request topic; requests of raw partition p go to p modulo this. */
  readonly partitions: number;
}

/**
 * Earliest and latest event time of a raw record (adapted by its source's `adapter`); null when it has no events. A
 * direct contact (core/direct) spans the times a call run joined to it can cover: from its earliest possible start to
 * its latest possible end, so a scan of a user's records in a time range finds the contacts of the runs in it.
 */
export function eventSpan(record: unknown, adapter: SourceAdapter): { from: number; to: number } | null {
  const adapted = adapter.adapt(record, DEFAULT_EVENT_TIME_LIMITS);
  if ('rejection' in adapted) return null;
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const contact of adapted.directContacts ?? []) {
    const bound = disconnectBound(contact);
    from = Math.min(from, bound - DIRECT_MATCH_LAG_MS - contact.handlingMs);
    to = Math.max(to, bound);
  }
  if (adapted.events.length === 0) return Number.isFinite(from) && Number.isFinite(to) ? { from, to } : null;
  for (const event of adapted.events) {
    if (event.eventTime < from) from = event.eventTime;
    if (event.eventTime > to) to = event.eventTime;
  }
  return { from, to };
}

/**
 * Collects, while a partition task reads one batch, the records the live engine rejected as too late, and turns them
 * into one {@link ReprocessRequest} per (tenant, user) for the batch's transaction. The live engine's threshold does
 * not move within a batch (watermarks are applied after the batch's records), so `firstOffset..lastOffset` plus
 * `tooLateBefore` identify exactly which of the user's records were too late.
 *
 * Lifecycle: one per batch: add* → records once.
 */
export class LateRecordCollector {
  readonly #sourceTopic: string;
  readonly #sourcePartition: number;
  readonly #target: RequestTarget;
  readonly #adapter: SourceAdapter;
  readonly #byUser = new Map<string, { -readonly [K in keyof ReprocessRequest]: ReprocessRequest[K] }>();

  constructor(sourceTopic: string, sourcePartition: number, target: RequestTarget, adapter: SourceAdapter) {
    this.#adapter = adapter;
    this.#sourceTopic = sourceTopic;
    this.#sourcePartition = sourcePartition;
    this.#target = target;
  }

  get size(): number {
    return this.#byUser.size;
  }

  /** Notes a record at `offset` that the engine of `tenant` rejected as too late with threshold `tooLateBefore`. */
  add(tenant: string, record: Readonly<Record<string, unknown>>, offset: number, tooLateBefore: number): void {
    const span = eventSpan(record, this.#adapter);
    const userId = record['userId'];
    if (span === null || typeof userId !== 'string') return;
    const id = `${tenant}|${userId}`;
    const current = this.#byUser.get(id);
    if (current === undefined) {
      this.#byUser.set(id, {
        tenant, userId, sourceTopic: this.#sourceTopic, sourcePartition: this.#sourcePartition, firstOffset: offset, lastOffset: offset,
        tooLateBefore, eventFrom: span.from, eventTo: span.to, records: 1, requestedAt: 0,
      });
      return;
    }
    current.firstOffset = Math.min(current.firstOffset, offset);
    current.lastOffset = Math.max(current.lastOffset, offset);
    current.eventFrom = Math.min(current.eventFrom, span.from);
    current.eventTo = Math.max(current.eventTo, span.to);
    current.records++;
  }

  /** The request records to send in the batch's transaction. */
  records(now: number): OutgoingRecord[] {
    const partition = this.#sourcePartition % this.#target.partitions;
    return [...this.#byUser.entries()].map(([key, request]) => ({ topic: this.#target.topic, key, partition, value: { ...request, requestedAt: now } }));
  }
}
