import type { Admin, Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { directContactTenants } from './direct-contact-tenants.ts';
import { AvroSerde } from '../kafka/avro-serde.ts';
import { heartbeatIntervalFor } from '../kafka/heartbeat-interval.ts';
import { createKafka } from '../kafka/kafka-client.ts';
import { restartWhile, stopConsumer } from '../kafka/restart-while.ts';
import type { ProcessorMetrics } from './processor-metrics.ts';
import { createProcessorMetrics } from './processor-metrics.ts';
import type { ProcessorSource } from './processor-source.ts';
import { processorTopics } from './processor-topics.ts';
import type { ProcessorTopics } from './processor-topics.ts';
import { createRawRecordDecoder } from './raw-record-decoder.ts';
import { restoreProgress } from './reprocess-progress.ts';
import type { ReprocessorProgress } from './reprocess-progress.ts';
import { ReprocessTask } from './reprocess-task.ts';
import type { ReprocessTaskDeps } from './reprocess-task.ts';
import { fetchPartitionOffsets } from './topic-offsets.ts';

/**
 * The re-processor: a consumer group (`<PROCESSOR_GROUP_ID>.reprocess`) over `control.reprocess-requests` that runs a
 * {@link ReprocessTask} per assigned request partition, for the one source whose processor sends requests (Sinch RAI:
 * see {@link ProcessorSource.reprocess}; its raw topic, adapter and watermark source come with `source`). It turns raw records that were too late for the live engine
 * (a backfill, a late correction of any age) into quarter-hour rows on the output topic, with revisions above every
 * revision the live engine gave those windows; the Redis sink picks them up like any other row.
 *
 * Lifecycle: start once → stop once (idempotent; finishes the transaction in flight and leaves the group).
 */
export class Reprocessor {
  readonly metrics: ProcessorMetrics;
  readonly #config: Config;
  readonly #logger: Logger;
  readonly #topics: ProcessorTopics;
  readonly #source: ProcessorSource;
  readonly #tasks = new Map<number, ReprocessTask>();
  readonly #onFatal: (error: Error) => void;
  #admin: Admin | undefined;
  #consumer: Consumer | undefined;
  #deps: ReprocessTaskDeps | undefined;
  #stopped = false;

  constructor(options: { config: Config; source: ProcessorSource; logger: Logger; metrics?: ProcessorMetrics; onFatal?: (error: Error) => void }) {
    this.#config = options.config;
    this.#source = options.source;
    this.#logger = options.logger.child({ component: 'reprocessor', source: options.source.id });
    this.metrics = options.metrics ?? createProcessorMetrics();
    this.#topics = processorTopics(options.config.topicPrefix, options.source.rawTopic);
    this.#onFatal = options.onFatal ?? (() => undefined);
  }

  /** The consumer group of the request topic. */
  get groupId(): string {
    return `${this.#config.processor.groupId}.reprocess`;
  }

  /** Progress of each assigned request partition (diagnostics and tests). */
  progress(): Map<number, ReprocessorProgress | undefined> {
    return new Map([...this.#tasks].map(([partition, task]) => [partition, task.progress]));
  }

  async start(): Promise<void> {
    const config = this.#config;
    const kafka = createKafka(config, this.#logger, '-reprocessor');
    const serde = new AvroSerde(config.schemaRegistry);
    this.#admin = kafka.admin();
    await this.#admin.connect();
    const { leadInMs, chunkMs, maxRequestsPerRun } = config.processor.reprocess;
    const requestPartitions = (await fetchPartitionOffsets(this.#admin, this.#topics.reprocessRequests)).length;
    this.#deps = {
      kafka,
      admin: this.#admin,
      serde,
      decoder: await createRawRecordDecoder(config, this.#source.rawSchema, this.metrics),
      adapter: this.#source.adapter,
      topics: this.#topics,
      groupId: this.groupId,
      plan: { leadInMs, chunkMs, maxRequestsPerRun },
      limits: { sessionMaxIdleMs: config.time.sessionMaxIdleMs, maxEventAgeMs: config.time.maxEventAgeMs, maxEventLeadMs: config.time.maxEventLeadMs },
      directContactTenants: directContactTenants(config, this.#source),
      source: this.#source.watermarkSource,
      restore: (partition, producer) => restoreProgress(kafka, serde, producer, this.#topics.reprocessorProgress, this.#topics.reprocessRequests, partition),
      seek: (partition, offset) => this.#consumer?.seek({ topic: this.#topics.reprocessRequests, partition, offset: String(offset) }),
      metrics: this.metrics,
      logger: this.#logger,
    };
    const { sessionTimeoutMs } = config.processor;
    const consumer = kafka.consumer({
      retry: restartWhile(() => !this.#stopped),
      groupId: this.groupId,
      readUncommitted: false,
      allowAutoTopicCreation: false,
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: heartbeatIntervalFor(sessionTimeoutMs),
      maxWaitTimeInMs: 250,
    });
    this.#consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => this.#reconcile(payload.memberAssignment[this.#topics.reprocessRequests] ?? []));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.#logger.error({ err: payload.error, restart: payload.restart }, 're-processor consumer crashed');
      if (!payload.restart && !this.#stopped) this.#onFatal(payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.#topics.reprocessRequests], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: Math.max(1, Math.min(requestPartitions, 3)),
      eachBatch: async ({ batch, isStale, heartbeat, resolveOffset }) => {
        const task = this.#tasks.get(batch.partition) ?? this.#assign(batch.partition);
        await task.processBatch(batch, { isStale, heartbeat, resolveOffset });
      },
    });
    this.#logger.info({ groupId: this.groupId, leadInMs, chunkMs }, 're-processor started');
  }

  #assign(partition: number): ReprocessTask {
    const task = new ReprocessTask(partition, this.#deps!);
    this.#tasks.set(partition, task);
    return task;
  }

  #reconcile(assigned: readonly number[]): void {
    const keep = new Set(assigned);
    for (const [partition, task] of this.#tasks) {
      if (keep.has(partition)) continue;
      this.#tasks.delete(partition);
      void task.close();
    }
    for (const partition of assigned) if (!this.#tasks.has(partition)) this.#assign(partition);
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const closing = [...this.#tasks.values()].map((task) => task.close());
    await stopConsumer(this.#consumer).catch((error: unknown) => this.#logger.warn({ err: error }, 're-processor consumer disconnect failed'));
    await Promise.allSettled(closing);
    this.#tasks.clear();
    await this.#admin?.disconnect().catch(() => undefined);
    this.#logger.info('re-processor stopped');
  }
}
