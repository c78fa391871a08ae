import { Admin, compatibilityPartitioner, FindCoordinatorKeyTypes, Producer } from '@platformatic/kafka';
import type { Consumer, MessageConsumerMetadata } from '@platformatic/kafka';
import type { Config } from '../config/config.ts';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import { platformaticBaseOptions } from '../kafka/platformatic-options.ts';
import type { OutgoingRecord } from './output-records.ts';
import type { ConsumedOffset, PartitionProducer, SentOffsets } from './partition-producer.ts';
import { noteSent, produceRequests } from './partition-producer.ts';

/** A transaction may stay open this long before its coordinator aborts it (also the client's request timeout). */
const TRANSACTION_TIMEOUT_MS = 60_000;
const RETRIES = 12;

type Value = Buffer | null;

/**
 * Java's (and kafkajs' default) partitioner, the client's `compatibilityPartitioner`, remembering the hash of each key
 * buffer: a commit hands the client one buffer per distinct key (an agent's segments share theirs), so most records
 * are not hashed again.
 */
function cachingCompatibilityPartitioner(): typeof compatibilityPartitioner {
  const hashes = new WeakMap<Buffer, number>();
  return (message, key) => {
    if (!Buffer.isBuffer(key)) return compatibilityPartitioner(message, key);
    let hash = hashes.get(key);
    if (hash === undefined) {
      hash = compatibilityPartitioner(message, key);
      hashes.set(key, hash);
    }
    return hash;
  };
}

/** The client's message with the broker's error names that an aggregate error holds (e.g. `… (PRODUCER_FENCED)`). */
function describe(error: unknown): string {
  const { message, errors } = error as { message?: unknown; errors?: unknown };
  const inner = Array.isArray(errors) ? errors.map((e: { apiId?: unknown; message?: unknown }) => String(e.apiId ?? e.message)) : [];
  return `${String(message)}${inner.length > 0 ? ` (${[...new Set(inner)].join(', ')})` : ''}`;
}

async function groupCoordinator(config: Config, groupId: string): Promise<number> {
  const admin = new Admin(platformaticBaseOptions(config, '-coordinator', TRANSACTION_TIMEOUT_MS, RETRIES));
  try {
    const [found] = await admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: [groupId] });
    if (found === undefined) throw new Error(`no coordinator found for group ${groupId}`);
    return found.nodeId;
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/**
 * {@link PartitionProducer} on @platformatic/kafka (PROCESSOR_PRODUCER_CLIENT=platformatic, the default). Its
 * transactional pipe alone was 2.2–2.8× faster than kafkajs' (BENCHMARKS.md, (1d)). Once each commit wrote only the
 * entities that changed, it gave the processor's lowest latencies ((1k)). The consumer stays kafkajs: the consumed
 * offset is committed in the transaction the way kafkajs' `sendOffsets` does it, as an old-style transactional
 * producer (generation -1, no member id), so the group's coordinator checks the producer's epoch, not the member.
 * `open` fences the previous producer of the id (InitProducerId) before it returns.
 *
 * Lifecycle: open → commit* → close. After a failed commit the producer is unusable: close it and open a new one.
 */
export class PlatformaticPartitionProducer implements PartitionProducer {
  readonly #producer: Producer<Buffer, Value, Buffer, Buffer>;
  readonly #serde: AvroSerde;
  readonly #coordinatorId: number;
  #closed = false;

  private constructor(producer: Producer<Buffer, Value, Buffer, Buffer>, serde: AvroSerde, coordinatorId: number) {
    this.#producer = producer;
    this.#serde = serde;
    this.#coordinatorId = coordinatorId;
  }

  /** `groupId`: the consumer group whose offsets the transactions commit. */
  static async open(config: Config, serde: AvroSerde, transactionalId: string, groupId: string): Promise<PlatformaticPartitionProducer> {
    const producer = new Producer<Buffer, Value, Buffer, Buffer>({
      ...platformaticBaseOptions(config, `-tx-${transactionalId}`, TRANSACTION_TIMEOUT_MS, RETRIES),
      idempotent: true,
      transactionalId,
      // InitProducerId must not claim a producer id (-1, -1): the client's default (0, 0) gets PRODUCER_FENCED whenever
      // the transactional id already has one, i.e. at every open after the first
      producerId: -1n,
      producerEpoch: -1,
      acks: -1,
      // Java's (and kafkajs' default) partitioner: murmur2 of the key with the sign bit cleared, modulo the partitions
      partitioner: cachingCompatibilityPartitioner(),
    });
    try {
      const coordinatorId = await groupCoordinator(config, groupId);
      // the first transaction runs InitProducerId, which fences the previous producer of this id (its open
      // transaction is aborted, one being committed completes first); nothing was added, so nothing is sent to end it
      const fence = await producer.beginTransaction();
      await fence.cancel();
      return new PlatformaticPartitionProducer(producer, serde, coordinatorId);
    } catch (cause) {
      await producer.close(true).catch(() => undefined);
      throw new AgentTimelinesError('TRANSACTION_FAILED', `cannot initialise transactional producer ${transactionalId}: ${describe(cause)}`, { cause });
    }
  }

  async commit(records: readonly OutgoingRecord[], consumed: ConsumedOffset | null): Promise<SentOffsets> {
    const requests = await produceRequests(this.#serde, records);
    const transaction = await this.#producer.beginTransaction();
    const sent = new Map<string, Map<number, number>>();
    const keys = new Map<string, Buffer>();
    const keyBuffer = (key: string): Buffer => {
      let buffer = keys.get(key);
      if (buffer === undefined) {
        buffer = Buffer.from(key);
        keys.set(key, buffer);
      }
      return buffer;
    };
    try {
      for (const request of requests) {
        const messages = request.map(({ topic, key, value, partition }) => ({ topic, key: keyBuffer(key), value, ...(partition === undefined ? {} : { partition }) }));
        const result = await transaction.send({ messages });
        for (const { topic, partition, offset } of result.offsets ?? []) noteSent(sent, topic, partition, Number(offset));
      }
      if (consumed !== null) {
        const consumer: MessageConsumerMetadata = { groupId: consumed.groupId, generationId: -1, memberId: '', coordinatorId: this.#coordinatorId };
        // the client's public transaction API reads only the group id of the consumer and the `metadata.consumer`,
        // topic, partition and offset of the message (it commits offset + 1)
        await transaction.addConsumer(consumer as unknown as Consumer);
        await transaction.addOffset({ topic: consumed.topic, partition: consumed.partition, offset: BigInt(consumed.offset) - 1n, metadata: { consumer } } as never);
      }
      await transaction.commit();
      return sent;
    } catch (cause) {
      if (!transaction.completed) await transaction.abort().catch(() => transaction.cancel().catch(() => undefined));
      throw new AgentTimelinesError('TRANSACTION_FAILED', `transaction failed: ${describe(cause)}`, { cause });
    }
  }

  /** Closes the client; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#producer.close(true).catch(() => undefined);
  }
}
