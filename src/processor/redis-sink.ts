import type { Admin, Batch, Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import { heartbeatIntervalFor } from '../kafka/heartbeat-interval.ts';
import { restartWhile, stopConsumer } from '../kafka/restart-while.ts';
import type { RedisStore } from '../state/redis-client.ts';
import type { StoreKeys } from '../state/store-keys.ts';
import type { StoreWrite } from '../state/store-types.ts';
import type { TimelineStoreWriter } from '../state/timeline-store-writer.ts';
import type { ProcessorMetrics } from './processor-metrics.ts';
import type { ProcessorTopics } from './processor-topics.ts';
import { SinkMonitor } from './sink-monitor.ts';
import { partitionId } from './sink-progress.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


/** Records written per Redis round of a batch (see #handle). */
const WRITE_CHUNK = 500;
/** Kafka errors of a heartbeat or commit that mean the consumer group is changing (kafkajs protocol error types). */
const GROUP_CHANGES: ReadonlySet<string> = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'NOT_COORDINATOR', 'FENCED_INSTANCE_ID']);

/** True for an error that says this member must rejoin its group: retrying the batch cannot succeed until it has. */
function isGroupChange(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return typeof type === 'string' && GROUP_CHANGES.has(type);
}

/**
 * Materialises the committed output topics into Redis: a read_committed consumer group (`<group>.redis-sink`)
 * writes every record with the store's compare-and-set upserts, then commits its offsets with the Redis data epoch
 * as commit metadata. Redis is therefore written only after the Kafka commit, a crash between the two replays a
 * little (harmless), and when Redis loses data (a new epoch, found by the {@link SinkMonitor} on its timer, idle
 * partitions included) every partition whose committed epoch differs is re-read from its start: the compacted
 * output topics rebuild Redis completely. The monitor also publishes what this instance has in Redis, which is
 * what the API's completeness rests on.
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
  readonly #redis: RedisStore;
  readonly #keys: StoreKeys;
  readonly #checkMs: number;
  #consumer: Consumer | undefined;
  #admin: Admin | undefined;
  #monitor: SinkMonitor | undefined;
  #stopped = false;

  readonly #onFatal: (error: Error) => void;

  constructor(options: {
    kafka: Kafka;
    serde: AvroSerde;
    writer: TimelineStoreWriter;
    /** The client `writer` uses; the monitor reads INFO and publishes progress with it. */
    redis: RedisStore;
    keys: StoreKeys;
    /** How often the monitor checks the store (PROCESSOR_REDIS_SINK_CHECK_MS). */
    checkMs: number;
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
    this.#redis = options.redis;
    this.#keys = options.keys;
    this.#checkMs = options.checkMs;
  }

  /** What the sink has confirmed in Redis; undefined before start. */
  get monitor(): SinkMonitor | undefined {
    return this.#monitor;
  }

  async start(): Promise<void> {
    this.#admin = this.#kafka.admin();
    await this.#admin.connect();
    const consumer = this.#kafka.consumer({
      retry: restartWhile(() => !this.#stopped),
      groupId: this.#groupId,
      readUncommitted: false,
      allowAutoTopicCreation: false,
      sessionTimeout: this.#sessionTimeoutMs,
      heartbeatInterval: heartbeatIntervalFor(this.#sessionTimeoutMs),
      maxWaitTimeInMs: 100,
    });
    this.#consumer = consumer;
    const { quarterHours, segments, agentState } = this.#topics;
    const monitor = new SinkMonitor({
      redis: this.#redis,
      keys: this.#keys,
      writer: this.#writer,
      admin: this.#admin,
      consumer: () => this.#consumer,
      groupId: this.#groupId,
      topics: [quarterHours, segments, agentState],
      logger: this.#logger,
      metrics: this.#metrics,
      checkMs: this.#checkMs,
    });
    this.#monitor = monitor;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      monitor.assigned(Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((partition) => partitionId(topic, partition))));
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize === 0 && payload.firstOffset !== null) monitor.progress.skipped(partitionId(payload.topic, payload.partition), Number(payload.firstOffset), Number(payload.lastOffset));
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.#logger.error({ err: payload.error, restart: payload.restart }, 'sink consumer crashed');
      if (!payload.restart && !this.#stopped) this.#onFatal(payload.error);
    });
    await consumer.connect();
    await monitor.start();
    await consumer.subscribe({ topics: [quarterHours, segments, agentState], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: async ({ batch, isRunning, isStale, heartbeat, resolveOffset }) => {
        for (let attempt = 0; isRunning() && !isStale() && !this.#stopped; attempt++) {
          try {
            if (await this.#handle(batch, isStale, heartbeat)) resolveOffset(batch.lastOffset());
            return;
          } catch (error) {
            // the group is rebalancing: leave the batch (not committed; its writes are idempotent) so the member can rejoin
            if (isGroupChange(error)) return;
            this.#logger.warn({ err: error, topic: batch.topic, partition: batch.partition, attempt }, 'Redis write failed; retrying');
            await sleep(Math.min(2_000, 100 * 2 ** Math.min(attempt, 5)));
            await heartbeat().catch(() => undefined);
          }
        }
      },
    });
  }

  /**
   * Writes a batch in chunks of {@link WRITE_CHUNK} records with a heartbeat after each, so a large batch (a rebuild
   * fetch, with its day aggregates to recompute) never outlasts the session timeout.
   * True when the batch was written and committed; false when the partition was rewound instead. The epoch and the
   * partition's seq are taken together before the writes, and the offset is committed only if the seq is unchanged
   * after them: a commit in the current epoch says every record below it is in Redis in that epoch, which a batch
   * begun before a rewind (a new epoch, a reassignment) cannot say.
   */
  async #handle(batch: Batch, isStale: () => boolean, heartbeat: () => Promise<void>): Promise<boolean> {
    const consumer = this.#consumer!;
    const monitor = this.#monitor!;
    const id = partitionId(batch.topic, batch.partition);
    if (!monitor.progress.isVerified(id)) await monitor.verify();
    if (isStale()) return false;
    const seq = monitor.progress.seqOf(id);
    const epoch = monitor.epoch;
    if (seq === undefined || !monitor.progress.isVerified(id)) throw new Error(`output partition ${id} is not verified yet`);
    const writes: StoreWrite[] = [];
    for (const message of batch.messages) {
      if (message.value === null || message.value.length === 0) continue;
      writes.push(await this.#toWrite(batch.topic, message.value));
    }
    for (let from = 0; from < writes.length; from += WRITE_CHUNK) {
      const result = await this.#writer.apply(epoch, writes.slice(from, from + WRITE_CHUNK));
      if (result.epochChanged) {
        await monitor.check();
        return false;
      }
      this.#metrics.inc('redis_rows_written', { topic: batch.topic }, result.written);
      this.#metrics.inc('redis_rows_stale', { topic: batch.topic }, result.stale);
      await heartbeat();
      if (isStale()) return false;
    }
    if (monitor.progress.seqOf(id) !== seq || isStale()) return false;
    const next = Number(batch.lastOffset()) + 1;
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(next), metadata: epoch }]);
    monitor.progress.advance(id, next, seq);
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
    await this.#monitor?.stop();
    await Promise.allSettled([stopConsumer(this.#consumer), this.#admin?.disconnect()]);
  }
}
