import { createProducer } from '../kafka/producer.ts';
import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { AvroSerde } from '../kafka/avro-serde.ts';
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

const REQUEST_BYTES = 512 * 1024;

const FENCING_ERRORS = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED']);

/** True when another producer with the same transactional id took over (this instance is a zombie). */
export function isFencingError(error: unknown): boolean {
  for (let current: unknown = error; current !== undefined && current !== null; current = (current as { cause?: unknown }).cause) {
    const type = (current as { type?: unknown }).type;
    if (typeof type === 'string' && FENCING_ERRORS.has(type)) return true;
    if (current instanceof Error && /fenced|INVALID_PRODUCER_EPOCH/i.test(current.message)) return true;
  }
  return false;
}

/**
 * kafkajs retries CONCURRENT_TRANSACTIONS (the previous commit still completing) for sends but not for
 * AddOffsetsToTxn; retried here with a short backoff.
 */
async function retryConcurrentTransactions<T>(operation: () => Promise<T>, attempts = 50): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if ((error as { type?: unknown }).type !== 'CONCURRENT_TRANSACTIONS' || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100, 5 * attempt)));
    }
  }
}

/**
 * The transactional producer of one input partition (transactionalId = group-topic-partition). `open` fences the
 * previous producer with that id before it returns, so a state restored after `open` cannot miss a transaction of a
 * zombie owner that commits later.
 * Lifecycle: open → commit* → close. After a failed commit the producer is unusable: close it and open a new one.
 */
export class PartitionProducer {
  readonly #producer: Producer;
  readonly #serde: AvroSerde;
  #closed = false;

  private constructor(producer: Producer, serde: AvroSerde) {
    this.#producer = producer;
    this.#serde = serde;
  }

  static async open(kafka: Kafka, serde: AvroSerde, transactionalId: string): Promise<PartitionProducer> {
    const producer = createProducer(kafka, { transactionalId });
    try {
      await producer.connect();
      // kafkajs runs InitProducerId, which fences the previous producer of this id (its open transaction is aborted, one
      // being committed completes first), at the first transaction(), not in connect(): begin an empty one and end it
      // (no partition was added, so no EndTxn is sent)
      const fence = await retryConcurrentTransactions(() => producer.transaction());
      await fence.abort();
    } catch (cause) {
      await producer.disconnect().catch(() => undefined);
      throw new AgentTimelinesError('TRANSACTION_FAILED', `cannot initialise transactional producer ${transactionalId}: ${(cause as Error).message}`, { cause });
    }
    return new PartitionProducer(producer, serde);
  }

  /**
   * Sends `records` and commits `consumed` in one transaction, and returns where the records went. On any failure
   * the transaction is aborted (best effort) and TRANSACTION_FAILED is thrown; whether it committed is then unknown,
   * so the caller rebuilds.
   */
  async commit(records: readonly OutgoingRecord[], consumed: ConsumedOffset | null): Promise<SentOffsets> {
    const requests = await this.#encode(records);
    const transaction = await this.#producer.transaction();
    const sent = new Map<string, Map<number, number>>();
    try {
      for (const topicMessages of requests) {
        for (const meta of await transaction.sendBatch({ topicMessages, acks: -1 })) {
          const offset = Number(meta.baseOffset ?? meta.offset);
          const partitions = sent.get(meta.topicName) ?? new Map<number, number>();
          if (Number.isFinite(offset) && !partitions.has(meta.partition)) partitions.set(meta.partition, offset);
          sent.set(meta.topicName, partitions);
        }
      }
      if (consumed !== null) {
        const offsets = {
          consumerGroupId: consumed.groupId,
          topics: [{ topic: consumed.topic, partitions: [{ partition: consumed.partition, offset: String(consumed.offset) }] }],
        };
        await retryConcurrentTransactions(() => transaction.sendOffsets(offsets));
      }
      await transaction.commit();
      return sent;
    } catch (cause) {
      await transaction.abort().catch(() => undefined);
      throw new AgentTimelinesError('TRANSACTION_FAILED', `transaction failed: ${(cause as Error).message}`, { cause });
    }
  }

  /**
   * Encodes records into produce requests of at most {@link REQUEST_BYTES} each, so no record batch of one
   * partition comes near the broker's message.max.bytes however large a transaction is.
   */
  async #encode(records: readonly OutgoingRecord[]): Promise<TopicMessages[][]> {
    const requests: TopicMessages[][] = [];
    let byTopic = new Map<string, Message[]>();
    let bytes = 0;
    const flush = (): void => {
      if (byTopic.size > 0) requests.push([...byTopic].map(([topic, messages]) => ({ topic, messages })));
      byTopic = new Map();
      bytes = 0;
    };
    for (const record of records) {
      const value = record.value === null ? null : await this.#serde.encode(record.topic, record.value);
      const size = record.key.length + (value?.length ?? 0) + 64;
      if (bytes + size > REQUEST_BYTES) flush();
      const messages = byTopic.get(record.topic) ?? [];
      messages.push({ key: record.key, value, ...(record.partition === undefined ? {} : { partition: record.partition }) });
      byTopic.set(record.topic, messages);
      bytes += size;
    }
    flush();
    return requests;
  }

  /** Disconnects; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#producer.disconnect().catch(() => undefined);
  }
}
