import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import { createProducer } from '../kafka/producer.ts';
import type { OutgoingRecord } from './output-records.ts';
import type { ConsumedOffset, EncodedRecord, PartitionProducer, SentOffsets } from './partition-producer.ts';
import { noteSent, produceRequests } from './partition-producer.ts';

/** One produce request as kafkajs' sendBatch takes it. */
function topicMessagesOf(request: readonly EncodedRecord[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const { topic, key, value, partition } of request) {
    const messages = byTopic.get(topic) ?? [];
    messages.push({ key, value, ...(partition === undefined ? {} : { partition }) });
    byTopic.set(topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
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

/** {@link PartitionProducer} on kafkajs. */
export class KafkajsPartitionProducer implements PartitionProducer {
  readonly #producer: Producer;
  readonly #serde: AvroSerde;
  #closed = false;

  private constructor(producer: Producer, serde: AvroSerde) {
    this.#producer = producer;
    this.#serde = serde;
  }

  static async open(kafka: Kafka, serde: AvroSerde, transactionalId: string): Promise<KafkajsPartitionProducer> {
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
    return new KafkajsPartitionProducer(producer, serde);
  }

  async commit(records: readonly OutgoingRecord[], consumed: ConsumedOffset | null): Promise<SentOffsets> {
    const requests = (await produceRequests(this.#serde, records)).map(topicMessagesOf);
    const transaction = await this.#producer.transaction();
    const sent = new Map<string, Map<number, number>>();
    try {
      for (const topicMessages of requests) {
        for (const meta of await transaction.sendBatch({ topicMessages, acks: -1 })) noteSent(sent, meta.topicName, meta.partition, Number(meta.baseOffset ?? meta.offset));
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

  /** Disconnects; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#producer.disconnect().catch(() => undefined);
  }
}
