import type { Admin, Batch, Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import type { StoreWrite } from '../state/store-types.ts';
import type { TimelineStoreWriter } from '../state/timeline-store-writer.ts';
import type { ProcessorMetrics } from './processor-metrics.ts';
import type { ProcessorTopics } from './processor-topics.ts';
import { fetchPartitionOffsets } from './topic-offsets.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Materialises the committed output topics into Redis: a read_committed consumer group (`<group>.redis-sink`)
 * writes every record with the store's compare-and-set upserts, then commits its offsets with the Redis data epoch
 * as commit metadata. Redis is therefore written only after the Kafka commit, a crash between the two replays a
 * little (harmless), and when Redis loses its data (new epoch) every partition whose committed epoch differs is
 * re-read from its start: the compacted output topics rebuild Redis completely.
 *
 * Lifecycle: start once → stop once (idempotent).
 */
export class RedisSink {
  readonly #kafka: Kafka;
  readonly #serde: AvroSerde;
  readonly #writer: TimelineStoreWriter;
  readonly #topics: ProcessorTopics;
  readonly #groupId: string;
  readonly #logger: Logger;
  readonly #metrics: ProcessorMetrics;
  readonly #sessionTimeoutMs: number;
  #consumer: Consumer | undefined;
  #admin: Admin | undefined;
  #epoch: string | null = null;
  #verified = new Set<string>();
  #stopped = false;

  readonly #onFatal: (error: Error) => void;

  constructor(options: {
    kafka: Kafka;
    serde: AvroSerde;
    writer: TimelineStoreWriter;
    topics: ProcessorTopics;
    groupId: string;
    logger: Logger;
    metrics: ProcessorMetrics;
    sessionTimeoutMs: number;
    onFatal?: (error: Error) => void;
  }) {
    this.#onFatal = options.onFatal ?? (() => undefined);
    this.#kafka = options.kafka;
    this.#serde = options.serde;
    this.#writer = options.writer;
    this.#topics = options.topics;
    this.#groupId = `${options.groupId}.redis-sink`;
    this.#logger = options.logger.child({ component: 'redis-sink' });
    this.#metrics = options.metrics;
    this.#sessionTimeoutMs = options.sessionTimeoutMs;
  }

  async start(): Promise<void> {
    this.#admin = this.#kafka.admin();
    await this.#admin.connect();
    const consumer = this.#kafka.consumer({
      groupId: this.#groupId,
      readUncommitted: false,
      allowAutoTopicCreation: false,
      sessionTimeout: this.#sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(this.#sessionTimeoutMs / 10)),
      maxWaitTimeInMs: 100,
    });
    this.#consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.#verified = new Set();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.#logger.error({ err: payload.error, restart: payload.restart }, 'sink consumer crashed');
      if (!payload.restart && !this.#stopped) this.#onFatal(payload.error);
    });
    await consumer.connect();
    const { quarterHours, segments, agentState } = this.#topics;
    await consumer.subscribe({ topics: [quarterHours, segments, agentState], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: async ({ batch, isRunning, isStale, heartbeat, resolveOffset }) => {
        for (let attempt = 0; isRunning() && !isStale() && !this.#stopped; attempt++) {
          try {
            if (await this.#handle(batch, isStale)) resolveOffset(batch.lastOffset());
            return;
          } catch (error) {
            this.#logger.warn({ err: error, topic: batch.topic, partition: batch.partition, attempt }, 'Redis write failed; retrying');
            await sleep(Math.min(2_000, 100 * 2 ** Math.min(attempt, 5)));
            await heartbeat().catch(() => undefined);
          }
        }
      },
    });
  }

  /** True when the batch was written and committed; false when the partition was rewound instead. */
  async #handle(batch: Batch, isStale: () => boolean): Promise<boolean> {
    const consumer = this.#consumer!;
    this.#epoch ??= await this.#writer.ensureEpoch();
    const id = `${batch.topic}|${batch.partition}`;
    if (!this.#verified.has(id)) {
      this.#verified.add(id);
      const committed = (await this.#admin!.fetchOffsets({ groupId: this.#groupId, topics: [batch.topic] }))[0]?.partitions.find((p) => p.partition === batch.partition);
      if (committed !== undefined && Number(committed.offset) >= 0 && committed.metadata !== this.#epoch) {
        const low = String((await fetchPartitionOffsets(this.#admin!, batch.topic)).find((p) => p.partition === batch.partition)?.low ?? 0);
        this.#logger.info({ topic: batch.topic, partition: batch.partition }, 'Redis data epoch changed; re-reading the partition from its start');
        this.#metrics.inc('redis_rebuilds', { topic: batch.topic });
        consumer.seek({ topic: batch.topic, partition: batch.partition, offset: low });
        return false;
      }
    }
    if (isStale()) return false;
    const writes: StoreWrite[] = [];
    for (const message of batch.messages) {
      if (message.value === null || message.value.length === 0) continue;
      writes.push(await this.#toWrite(batch.topic, message.value));
    }
    const result = await this.#writer.apply(this.#epoch, writes);
    if (result.epochChanged) {
      this.#epoch = await this.#writer.ensureEpoch();
      this.#verified = new Set();
      consumer.seek({ topic: batch.topic, partition: batch.partition, offset: batch.firstOffset() ?? '0' });
      return false;
    }
    this.#metrics.inc('redis_rows_written', { topic: batch.topic }, result.written);
    this.#metrics.inc('redis_rows_stale', { topic: batch.topic }, result.stale);
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1), metadata: this.#epoch }]);
    return true;
  }

  async #toWrite(topic: string, value: Buffer): Promise<StoreWrite> {
    if (topic === this.#topics.quarterHours) return { kind: 'quarterHour', row: await this.#serde.decode(value) };
    if (topic === this.#topics.segments) return { kind: 'segment', segment: await this.#serde.decode(value) };
    return { kind: 'agentState', state: await this.#serde.decode(value) };
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await Promise.allSettled([this.#consumer?.disconnect(), this.#admin?.disconnect()]);
  }
}
