import { Partitioners } from 'kafkajs';
import type { Admin, Kafka, Message, PartitionMetadata, Producer } from 'kafkajs';
import { createProducer } from '../kafka/producer.ts';
import type { AvroSerde } from '../kafka/avro-serde.ts';

/** Per topic and partition, the offset after the last record one commit sent there. */
export type SentEnds = ReadonlyMap<string, ReadonlyMap<number, number>>;

/** One record to publish: physical topic, partition key and an Avro value for the topic's registered schema, or null (a tombstone). */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: unknown;
  /**
   * When set, the value is made by this (and `value` is ignored) once the commit's other records were sent, from
   * where they went: such records are sent last, in the same transaction.
   */
  readonly valueAfterSends?: (ends: SentEnds) => unknown;
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
  readonly #kafka: Kafka;
  #admin: Promise<Admin> | undefined;
  /** Partition metadata per topic, read once per publisher (a topic's partition count is fixed while it runs). */
  readonly #partitions = new Map<string, PartitionMetadata[]>();
  readonly #partitioner = Partitioners.DefaultPartitioner();

  private constructor(producer: Producer, serde: AvroSerde, kafka: Kafka) {
    this.#producer = producer;
    this.#serde = serde;
    this.#kafka = kafka;
  }

  static async connect(kafka: Kafka, serde: AvroSerde, transactionalId: string): Promise<TransactionalPublisher> {
    const producer = createProducer(kafka, { transactionalId });
    await producer.connect();
    return new TransactionalPublisher(producer, serde, kafka);
  }

  /**
   * Encodes, then sends all records in one transaction and commits; on any failure the transaction is aborted.
   * Records with `valueAfterSends` go last: the others are then given their partitions here (the producer's own
   * murmur2 partitioner, so they land where it would put them) and the offsets after them are counted from the
   * brokers' answers.
   */
  async commit(records: readonly OutgoingRecord[]): Promise<void> {
    const first = records.filter((record) => record.valueAfterSends === undefined);
    const last = records.filter((record) => record.valueAfterSends !== undefined);
    const byTopic = await this.#messagesByTopic(first, last.length > 0);
    const transaction = await this.#producer.transaction();
    try {
      const ends = new Map<string, Map<number, number>>();
      for (const [topic, messages] of byTopic) {
        for (const send of sendsOf(messages)) {
          const sent = await transaction.send({ topic, acks: -1, messages: send });
          if (last.length > 0) noteEnds(ends, topic, send, sent);
        }
      }
      if (last.length > 0) {
        const made = last.map((record) => ({ topic: record.topic, key: record.key, value: record.valueAfterSends?.(ends) }));
        for (const [topic, messages] of await this.#messagesByTopic(made, false)) {
          for (const send of sendsOf(messages)) await transaction.send({ topic, acks: -1, messages: send });
        }
      }
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  }

  /** The records' messages by topic, Avro-encoded; with `partitioned`, each with the partition the producer would choose. */
  async #messagesByTopic(records: readonly OutgoingRecord[], partitioned: boolean): Promise<Map<string, Message[]>> {
    const byTopic = new Map<string, Message[]>();
    for (const record of records) {
      const messages = byTopic.get(record.topic) ?? [];
      const message: Message = { key: record.key, value: record.value === null ? null : await this.#serde.encode(record.topic, record.value) };
      if (partitioned) message.partition = this.#partitioner({ topic: record.topic, partitionMetadata: await this.#partitionsOf(record.topic), message });
      messages.push(message);
      byTopic.set(record.topic, messages);
    }
    return byTopic;
  }

  async #partitionsOf(topic: string): Promise<PartitionMetadata[]> {
    let partitions = this.#partitions.get(topic);
    if (partitions === undefined) {
      const admin = (this.#admin ??= this.#connectAdmin());
      const metadata = await (await admin).fetchTopicMetadata({ topics: [topic] });
      partitions = [...(metadata.topics[0]?.partitions ?? [])].sort((a, b) => a.partitionId - b.partitionId);
      if (partitions.length === 0) throw new Error(`topic ${topic} has no partitions in the cluster metadata`);
      this.#partitions.set(topic, partitions);
    }
    return partitions;
  }

  /** An admin client for the cluster metadata; a failed connection is forgotten, so the next commit tries again. */
  #connectAdmin(): Promise<Admin> {
    const admin = this.#kafka.admin();
    const connected = admin.connect().then(() => admin);
    connected.catch(() => {
      if (this.#admin === connected) this.#admin = undefined;
    });
    return connected;
  }

  async disconnect(): Promise<void> {
    const admin = this.#admin;
    this.#admin = undefined;
    await Promise.all([this.#producer.disconnect(), admin?.then((a) => a.disconnect()).catch(() => undefined)]);
  }
}

/** Records in `ends` where one send's messages (each with its partition) went, from the brokers' answers (the base offset per partition). */
function noteEnds(ends: Map<string, Map<number, number>>, topic: string, send: readonly Message[], sent: readonly { partition: number; baseOffset?: string; offset?: string }[]): void {
  const counts = new Map<number, number>();
  for (const message of send) counts.set(message.partition as number, (counts.get(message.partition as number) ?? 0) + 1);
  const partitions = ends.get(topic) ?? new Map<number, number>();
  for (const meta of sent) {
    const base = Number(meta.baseOffset ?? meta.offset);
    const count = counts.get(meta.partition);
    if (!Number.isFinite(base) || count === undefined) throw new Error(`the broker answered for ${topic} partition ${meta.partition} without a base offset, or for a partition nothing was sent to`);
    partitions.set(meta.partition, base + count);
  }
  ends.set(topic, partitions);
}
