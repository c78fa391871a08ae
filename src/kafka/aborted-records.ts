/** One record of a fetch response as kafkajs decodes it (the fields read_committed needs). */
export interface FetchedRecord {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly isControlRecord?: boolean;
  readonly batchContext?: {
    readonly firstOffset?: string;
    readonly lastOffsetDelta?: number;
    readonly producerId?: string;
    readonly inTransaction?: boolean;
  };
}

/** An entry of a fetch response's aborted-transaction list: the producer and the first offset of its aborted transaction. */
export interface AbortedTransaction {
  readonly producerId: string;
  readonly firstOffset: string;
}

/** The key of an ABORT control record (version 0, type 0); a COMMIT marker's is 0,0,0,1. */
const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);

const isAbortMarker = (record: FetchedRecord): boolean => record.isControlRecord === true && record.key !== null && Buffer.from(record.key).equals(ABORT_MARKER_KEY);

/**
 * The records of one partition's fetch response that belong to aborted transactions, by the rule of Kafka's own
 * consumer (`CompletedFetch.nextFetchedRecord`, KIP-98): walking the records in log order, every aborted transaction
 * whose first offset is at or below the current record batch's last offset makes its producer "aborted"; that
 * producer's ABORT marker ends it; a transactional data record of an aborted producer belongs to an aborted
 * transaction. The list is taken in first-offset order (the broker sends it ordered by last offset) and all entries
 * that have started are taken at once, so transactions of different producers may overlap in any way.
 *
 * Returns the indexes into `records`. Pure: decides, changes nothing.
 */
export function abortedRecordIndexes(records: readonly FetchedRecord[], aborted: readonly AbortedTransaction[]): number[] {
  if (aborted.length === 0) return [];
  const queue = [...aborted].map((entry) => ({ producerId: entry.producerId, firstOffset: BigInt(entry.firstOffset) })).sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const abortedProducers = new Set<string>();
  const indexes: number[] = [];
  let next = 0;
  records.forEach((record, index) => {
    const context = record.batchContext;
    const producerId = context?.producerId ?? '-1';
    if (producerId === '-1') return;
    const batchLast = context?.firstOffset === undefined ? BigInt(record.offset) : BigInt(context.firstOffset) + BigInt(context.lastOffsetDelta ?? 0);
    while (next < queue.length && queue[next]!.firstOffset <= batchLast) abortedProducers.add(queue[next++]!.producerId);
    if (isAbortMarker(record)) abortedProducers.delete(producerId);
    else if (record.isControlRecord !== true && context?.inTransaction === true && abortedProducers.has(producerId)) indexes.push(index);
  });
  return indexes;
}
