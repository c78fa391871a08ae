import { createProducer } from '../kafka/producer.ts';
import type { Kafka, Message, Producer } from 'kafkajs';
import type { AvroSerde } from '../kafka/avro-serde.ts';

/** One record to publish: physical topic, partition key and an Avro value for the topic's registered schema, or null (a tombstone). */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: unknown;
}

const SEND_CHUNK = 2000;
/**
 * A send carries at most this many bytes of keys and values, so the record batch of any one partition stays well
 * below the topics' max.message.bytes (1 MiB; a single record is at most 256 KiB, see checkpoint-store.ts).
 */
const SEND_BYTES = 512 * 1024;

/** Cuts one topic's messages into sends of at most {@link SEND_CHUNK} messages and {@link SEND_BYTES} bytes. */
function sendsOf(messages: readonly Message[]): Message[][] {
  const sends: Message[][] = [];
  let current: Message[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = String(message.key ?? '').length + ((message.value as Buffer | null)?.length ?? 0) + 64;
    if (current.length > 0 && (current.length >= SEND_CHUNK || bytes + size > SEND_BYTES)) {
      sends.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) sends.push(current);
  return sends;
}

/**
 * Publishes batches atomically: every record of one {@link TransactionalPublisher.commit} call becomes visible to
 * read_committed consumers together, or none does. Lifecycle: {@link connect} (initialises the transactional id,
 * fencing any older producer with the same id and aborting its open transaction) → commit* → disconnect.
 */
export class TransactionalPublisher {
  readonly #producer: Producer;
  readonly #serde: AvroSerde;

  private constructor(producer: Producer, serde: AvroSerde) {
    this.#producer = producer;
    this.#serde = serde;
  }

  static async connect(kafka: Kafka, serde: AvroSerde, transactionalId: string): Promise<TransactionalPublisher> {
    const producer = createProducer(kafka, { transactionalId });
    await producer.connect();
    return new TransactionalPublisher(producer, serde);
  }

  /** Encodes, then sends all records in one transaction and commits; on any failure the transaction is aborted. */
  async commit(records: readonly OutgoingRecord[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const record of records) {
      const messages = byTopic.get(record.topic) ?? [];
      messages.push({ key: record.key, value: record.value === null ? null : await this.#serde.encode(record.topic, record.value) });
      byTopic.set(record.topic, messages);
    }
    const transaction = await this.#producer.transaction();
    try {
      for (const [topic, messages] of byTopic) {
        for (const send of sendsOf(messages)) await transaction.send({ topic, acks: -1, messages: send });
      }
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  }

  async disconnect(): Promise<void> {
    await this.#producer.disconnect();
  }
}
