import type { AvroSerde } from '../kafka/avro-serde.ts';
import { ValueArena } from '../kafka/value-arena.ts';
import type { OutgoingRecord } from './output-records.ts';

/** The consumed position to commit with a transaction (`offset` is the next offset to read). */
export interface ConsumedOffset {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** Where a committed transaction's records went: per topic and partition, the offset of the first one sent there. */
export type SentOffsets = ReadonlyMap<string, ReadonlyMap<number, number>>;

/** Notes where a produce request's records went in `sent`: the first offset per topic and partition is kept. */
export function noteSent(sent: Map<string, Map<number, number>>, topic: string, partition: number, offset: number): void {
  if (!Number.isFinite(offset)) return;
  const partitions = sent.get(topic) ?? new Map<number, number>();
  if (!partitions.has(partition)) partitions.set(partition, offset);
  sent.set(topic, partitions);
}

const REQUEST_BYTES = 512 * 1024;

const FENCING_ERRORS = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED']);

/**
 * True when another producer with the same transactional id took over (this instance is a zombie). Looks through
 * `cause` chains and aggregated `errors`; the broker's error name is kafkajs' `type` or @platformatic/kafka's `apiId`.
 */
export function isFencingError(error: unknown, depth = 0): boolean {
  if (error === undefined || error === null || typeof error !== 'object' || depth > 8) return false;
  const { type, apiId, cause, errors } = error as { type?: unknown; apiId?: unknown; cause?: unknown; errors?: unknown };
  if ((typeof type === 'string' && FENCING_ERRORS.has(type)) || (typeof apiId === 'string' && FENCING_ERRORS.has(apiId))) return true;
  if (error instanceof Error && /fenced|INVALID_PRODUCER_EPOCH/i.test(error.message)) return true;
  if (Array.isArray(errors) && errors.some((inner) => isFencingError(inner, depth + 1))) return true;
  return isFencingError(cause, depth + 1);
}

/**
 * The transactional producer of one input partition (transactionalId = group-topic-partition). Opening one fences
 * the previous producer with that id before it returns, so a state restored after the open cannot miss a
 * transaction of a zombie owner that commits later.
 * Lifecycle: open → commit* → close. After a failed commit the producer is unusable: close it and open a new one.
 */
export interface PartitionProducer {
  /**
   * Sends `records` and commits `consumed` in one transaction, and returns where the records went. On any failure
   * the transaction is aborted (best effort) and TRANSACTION_FAILED is thrown; whether it committed is then unknown,
   * so the caller rebuilds.
   */
  commit(records: readonly OutgoingRecord[], consumed: ConsumedOffset | null): Promise<SentOffsets>;
  /** Disconnects; idempotent. */
  close(): Promise<void>;
}

/** Opens the transactional producer with this id (fencing its previous one). */
export type OpenPartitionProducer = (transactionalId: string) => Promise<PartitionProducer>;

/** One record as sent: Avro-encoded value (null: a tombstone); `partition` unset: the key decides. */
export interface EncodedRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer | null;
  readonly partition: number | undefined;
}

/**
 * A value encoded already (wire format), in place of an Avro value in an {@link OutgoingRecord}: a partition task
 * encodes its emissions as they are made ({@link encodeAhead}), so that what waits for the transaction is bytes
 * outside the heap, not object graphs the garbage collector copies while other partitions work.
 */
export class EncodedValue {
  readonly bytes: Buffer;

  constructor(bytes: Buffer) {
    this.bytes = bytes;
  }
}

/**
 * `records` with each value encoded into `arena` ({@link EncodedValue}) where its topic's schema is loaded; the
 * others (tombstones, a topic not loaded yet, an invalid value) are left for the commit, which encodes them or throws
 * the validation error.
 */
export function encodeAhead(serde: Pick<AvroSerde, 'encodeLoaded'>, records: readonly OutgoingRecord[], arena: ValueArena): OutgoingRecord[] {
  return records.map((record) => {
    if (record.value === null || record.value instanceof EncodedValue) return record;
    const bytes = serde.encodeLoaded(record.topic, record.value, arena);
    if (bytes === null) return record;
    return record.partition === undefined ? { topic: record.topic, key: record.key, value: new EncodedValue(bytes) } : { topic: record.topic, key: record.key, value: new EncodedValue(bytes), partition: record.partition };
  });
}

/**
 * Encodes records into produce requests of at most {@link REQUEST_BYTES} each, so no record batch of one
 * partition comes near the broker's message.max.bytes however large a transaction is.
 */
export async function produceRequests(serde: AvroSerde, records: readonly OutgoingRecord[]): Promise<EncodedRecord[][]> {
  const requests: EncodedRecord[][] = [];
  let request: EncodedRecord[] = [];
  let bytes = 0;
  const arena = new ValueArena();
  for (const record of records) {
    // synchronous once the topic's schema is loaded, so that one commit's encoding is not interleaved with others'
    const value =
      record.value === null ? null : record.value instanceof EncodedValue ? record.value.bytes : (serde.encodeLoaded(record.topic, record.value, arena) ?? (await serde.encode(record.topic, record.value)));
    const size = record.key.length + (value?.length ?? 0) + 64;
    if (bytes + size > REQUEST_BYTES && request.length > 0) {
      requests.push(request);
      request = [];
      bytes = 0;
    }
    request.push({ topic: record.topic, key: record.key, value, partition: record.partition });
    bytes += size;
  }
  if (request.length > 0) requests.push(request);
  return requests;
}
