import { directContactTenants } from './direct-contact-tenants.ts';
import { hostname } from 'node:os';
import type { Admin, Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { AvroSerde } from '../kafka/avro-serde.ts';
import { heartbeatIntervalFor } from '../kafka/heartbeat-interval.ts';
import { createKafka } from '../kafka/kafka-client.ts';
import { restartWhile, stopConsumer } from '../kafka/restart-while.ts';
import { batchedRestore } from './batched-restore.ts';
import { assertChangelogSchema } from './changelog-records.ts';
import type { StoredRecord } from './changelog-records.ts';
import { restoreChangelog } from './changelog-restorer.ts';
import { PartitionTask } from './partition-task.ts';
import type { PartitionTaskDeps } from './partition-task-deps.ts';
import { KafkajsPartitionProducer } from './partition-producer-kafkajs.ts';
import { PlatformaticPartitionProducer } from './partition-producer-platformatic.ts';
import type { ProcessorMetrics } from './processor-metrics.ts';
import { createProcessorMetrics } from './processor-metrics.ts';
import type { ProcessorSource } from './processor-source.ts';
import { processorTopics } from './processor-topics.ts';
import type { ProcessorTopics } from './processor-topics.ts';
import { createRawRecordDecoder } from './raw-record-decoder.ts';
import { fetchPartitionOffsets } from './topic-offsets.ts';
import { WatermarkIntake } from './watermark-intake.ts';

/**
 * The changelog records of `inputTopic` only: the changelog partition of input partition p also holds the state of
 * partition p of the other sources' raw topics, which this processor must neither restore nor delete.
 */
function onlyInputTopic(restored: Map<number, StoredRecord[]>, inputTopic: string): Map<number, StoredRecord[]> {
  return new Map([...restored].map(([partition, records]) => [partition, records.filter((record) => record.value.inputTopic === inputTopic)]));
}

/** Receives the applied watermark of each partition after every commit (the Redis completeness watermark). */
export interface WatermarkListener {
  (tenant: string, partition: number, watermark: number, partitions: number): Promise<void>;
}

export interface ProcessorStatus {
  readonly instanceId: string;
  readonly assigned: readonly number[];
  /** Every assigned partition has restored its state. */
  readonly restored: boolean;
  /** The assigned partitions that have restored their state and are processing, ascending. */
  readonly restoredPartitions: readonly number[];
  /** Partition count of the raw input topic (0 before start). */
  readonly partitions: number;
  /** The group consumer is connected and fetching: false from a consumer crash until it has fetched or joined again. */
  readonly consuming: boolean;
  /** Tenant → the assigned partitions holding a committed watermark of the tenant (applied or restored), ascending. */
  readonly watermarked: Readonly<Record<string, readonly number[]>>;
}

/**
 * One instance of the timeline processor of one source: a consumer group member (the source's group) over the
 * source's raw topic that runs a {@link PartitionTask} per assigned partition, plus the per-instance reader of the
 * source's poll watermarks. Processors of different sources share the output and changelog topics (changelog keys
 * start with the raw topic, so their states never mix) and nothing else. Instances of one group
 * share the partitions; a rebalance closes the tasks of revoked partitions and restores the new ones from the
 * changelog.
 *
 * Lifecycle: start once → stop once (idempotent; finishes the transactions in flight and leaves the group).
 */
export class TimelineProcessor {
  readonly metrics: ProcessorMetrics;
  readonly instanceId: string;
  readonly #config: Config;
  readonly #logger: Logger;
  readonly #topics: ProcessorTopics;
  readonly #source: ProcessorSource;
  readonly #onWatermark: WatermarkListener | null;
  readonly #tasks = new Map<number, PartitionTask>();
  readonly #appliedWatermarks = new Map<string, number>();
  #admin: Admin | undefined;
  #consumer: Consumer | undefined;
  #intake: WatermarkIntake | undefined;
  #deps: PartitionTaskDeps | undefined;
  #partitionCount = 0;
  #ticker: NodeJS.Timeout | undefined;
  #reassertAt = 0;
  #stopped = false;
  #consuming = false;

  readonly #onFatal: (error: Error) => void;
  readonly #now: () => number;

  /** `now` is the wall clock (default Date.now); the demo passes the simulator's accelerated clock. */
  constructor(options: { config: Config; source: ProcessorSource; logger: Logger; metrics?: ProcessorMetrics; onWatermark?: WatermarkListener; onFatal?: (error: Error) => void; now?: () => number }) {
    this.#onFatal = options.onFatal ?? (() => undefined);
    this.#now = options.now ?? Date.now;
    this.#config = options.config;
    this.instanceId = options.config.processor.instanceId ?? `${hostname()}-${process.pid}`;
    this.#source = options.source;
    this.#logger = options.logger.child({ component: 'processor', source: options.source.name, instance: this.instanceId });
    this.metrics = options.metrics ?? createProcessorMetrics();
    this.#topics = processorTopics(options.config.topicPrefix, options.source.rawTopic);
    this.#onWatermark = options.onWatermark ?? null;
  }

  /** The source this processor takes in. */
  get source(): ProcessorSource {
    return this.#source;
  }

  status(): ProcessorStatus {
    const tasks = [...this.#tasks.values()].sort((a, b) => a.partition - b.partition);
    return {
      instanceId: this.instanceId,
      assigned: tasks.map((t) => t.partition),
      restored: tasks.every((t) => t.restored),
      restoredPartitions: tasks.filter((t) => t.restored).map((t) => t.partition),
      partitions: this.#partitionCount,
      consuming: this.#consuming && !this.#stopped,
      watermarked: this.#watermarked(),
    };
  }

  #watermarked(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const id of this.#appliedWatermarks.keys()) {
      const split = id.lastIndexOf('|');
      const partition = Number(id.slice(split + 1));
      if (this.#tasks.has(partition)) (out[id.slice(0, split)] ??= []).push(partition);
    }
    for (const partitions of Object.values(out)) partitions.sort((a, b) => a - b);
    return out;
  }

  /** Per assigned partition: the raw topic's high watermark minus the task's input position (records not yet processed). */
  async consumerLag(): Promise<Map<number, number>> {
    if (this.#admin === undefined || this.#tasks.size === 0) return new Map();
    const high = new Map((await fetchPartitionOffsets(this.#admin, this.#topics.raw, 1)).map((p) => [p.partition, p.high]));
    return new Map([...this.#tasks].map(([partition, task]) => [partition, Math.max(0, (high.get(partition) ?? 0) - task.progress.position)]));
  }

  /** Per assigned partition: input position, committed offset and applicable watermarks (diagnostics). */
  progress(): Record<number, unknown> {
    return Object.fromEntries(
      [...this.#tasks].map(([partition, task]) => [partition, { ...task.progress, applicable: Object.fromEntries(this.#intake?.applicable(partition, task.progress.position) ?? []) }]),
    );
  }

  /** Restore time of each assigned partition's last restore (ms), for readiness and benchmarks. */
  restoreTimes(): Map<number, number | null> {
    return new Map([...this.#tasks].map(([partition, task]) => [partition, task.restoreMs]));
  }

  async start(): Promise<void> {
    const config = this.#config;
    const kafka = createKafka(config, this.#logger, '-processor');
    const serde = new AvroSerde(config.schemaRegistry);
    await assertChangelogSchema(serde, this.#topics.changelog);
    const source = this.#source;
    const decoder = await createRawRecordDecoder(config, source.rawSchema, this.metrics);
    this.#admin = kafka.admin();
    await this.#admin.connect();
    this.#partitionCount = (await fetchPartitionOffsets(this.#admin, this.#topics.raw)).length;
    const intake = new WatermarkIntake({
      kafka, serde, logger: this.#logger, topic: this.#topics.watermarks, rawTopic: this.#topics.raw, source: source.watermarkSource, onFatal: this.#onFatal,
      now: this.#now, maxClockLeadMs: config.time.maxClockLeadMs, metrics: this.metrics, sessionTimeoutMs: config.processor.sessionTimeoutMs,
      // an idle partition applies a new watermark now rather than at its next tick (PROCESSOR_TICK_MS)
      onGated: () => {
        for (const task of this.#tasks.values()) void task.tick();
      },
    });
    this.#intake = intake;
    await intake.start();
    const { allowedLatenessMs, correctionHorizonMs, sessionTimeoutMs, fetchMaxBytesPerPartition } = config.processor;
    const { groupId, adapter } = source;
    const producerClient = config.processor.producerClient;
    this.#deps = {
      openProducer: (transactionalId) =>
        producerClient === 'platformatic' ? PlatformaticPartitionProducer.open(config, serde, transactionalId, groupId) : KafkajsPartitionProducer.open(kafka, serde, transactionalId),
      serde, decoder, adapter, groupId,
      topics: this.#topics,
      engine: {
        allowedLatenessMs, correctionHorizonMs,
        sessionMaxIdleMs: config.time.sessionMaxIdleMs, maxEventAgeMs: config.time.maxEventAgeMs, maxEventLeadMs: config.time.maxEventLeadMs, maxWatermarkLeadMs: config.time.maxClockLeadMs,
        directContactTenants: directContactTenants(config, source),
      },
      now: this.#now,
      reprocess: source.reprocess ? { topic: this.#topics.reprocessRequests, partitions: (await fetchPartitionOffsets(this.#admin, this.#topics.reprocessRequests)).length } : null,
      stateEntryMaxBytes: config.processor.stateEntryMaxBytes,
      commitIntervalMs: config.processor.commitIntervalMs,
      stateIntervalMs: config.processor.stateIntervalMs,
      watermarks: intake,
      restore: batchedRestore(async (partitions) => onlyInputTopic(await restoreChangelog(kafka, serde, this.#topics.changelog, partitions), this.#topics.raw)),
      lowOffset: async (partition) => (await fetchPartitionOffsets(this.#admin!, this.#topics.raw)).find((p) => p.partition === partition)?.low ?? 0,
      seek: (partition, offset) => this.#consumer?.seek({ topic: this.#topics.raw, partition, offset: String(offset) }),
      onCommitted: (partition, watermarks) => this.#noteWatermarks(partition, watermarks),
      metrics: this.metrics,
      logger: this.#logger,
    };
    const consumer = kafka.consumer({
      retry: restartWhile(() => !this.#stopped),
      groupId,
      readUncommitted: false,
      allowAutoTopicCreation: false,
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: heartbeatIntervalFor(sessionTimeoutMs),
      maxWaitTimeInMs: 100,
      // one batch is one transaction, which rewrites the state it touched: large batches when behind, whatever comes when live
      maxBytesPerPartition: fetchMaxBytesPerPartition,
      maxBytes: Math.max(fetchMaxBytesPerPartition * Math.max(1, this.#partitionCount), 10 * 1024 * 1024),
    });
    this.#consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      if (this.#stopped) return;
      this.#consuming = true;
      this.#reconcile(payload.memberAssignment[this.#topics.raw] ?? []);
    });
    consumer.on(consumer.events.FETCH, () => {
      this.#consuming = true;
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.topic !== this.#topics.raw || payload.batchSize !== 0 || payload.firstOffset === null) return;
      this.#tasks.get(payload.partition)?.noteSkipped(Number(payload.firstOffset), Number(payload.lastOffset) + 1);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.#consuming = false;
      this.#logger.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
      if (!payload.restart && !this.#stopped) this.#onFatal(payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.#topics.raw], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: Math.max(1, this.#partitionCount),
      eachBatch: async ({ batch, isStale, heartbeat, resolveOffset }) => {
        // a consumer outliving its stopped instance must not create tasks (their producers would fence the live ones)
        if (this.#stopped) return;
        const task = this.#tasks.get(batch.partition) ?? this.#assign(batch.partition);
        await task.processBatch(batch, { isStale, heartbeat, resolveOffset });
      },
    });
    this.#ticker = setInterval(() => this.#tick(), config.processor.tickMs);
    this.#logger.info({ source: source.name, groupId, topics: this.#topics, producerClient }, 'timeline processor started');
  }

  #assign(partition: number): PartitionTask {
    const task = new PartitionTask(partition, this.#deps!);
    this.#tasks.set(partition, task);
    this.metrics.set('assigned_partitions', {}, this.#tasks.size);
    return task;
  }

  #reconcile(assigned: readonly number[]): void {
    const keep = new Set(assigned);
    for (const [partition, task] of this.#tasks) {
      if (keep.has(partition)) continue;
      this.#tasks.delete(partition);
      this.#logger.info({ partition }, 'partition revoked; closing its task');
      void task.close();
    }
    for (const partition of assigned) if (!this.#tasks.has(partition)) this.#assign(partition);
    this.metrics.set('assigned_partitions', {}, this.#tasks.size);
  }

  #tick(): void {
    for (const task of this.#tasks.values()) void task.tick();
    if (Date.now() >= this.#reassertAt) {
      this.#reassertAt = Date.now() + 5_000;
      for (const [id, watermark] of this.#appliedWatermarks) {
        const [tenant = '', partition = '0'] = id.split('|');
        if (this.#tasks.has(Number(partition))) this.#publishWatermark(tenant, Number(partition), watermark);
      }
    }
  }

  #noteWatermarks(partition: number, watermarks: ReadonlyMap<string, number>): void {
    for (const [tenant, watermark] of watermarks) {
      const id = `${tenant}|${partition}`;
      if ((this.#appliedWatermarks.get(id) ?? -Infinity) >= watermark) continue;
      this.#appliedWatermarks.set(id, watermark);
      this.#publishWatermark(tenant, partition, watermark);
    }
  }

  #publishWatermark(tenant: string, partition: number, watermark: number): void {
    this.#onWatermark?.(tenant, partition, watermark, this.#partitionCount).catch((error: unknown) => {
      this.#logger.warn({ err: error, tenant, partition }, 'could not publish the applied watermark; retrying later');
    });
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#ticker);
    await stopConsumer(this.#consumer).catch((error: unknown) => this.#logger.warn({ err: error }, 'consumer disconnect failed'));
    await Promise.allSettled([...this.#tasks.values()].map((task) => task.close()));
    this.#tasks.clear();
    await Promise.allSettled([this.#intake?.stop(), this.#admin?.disconnect()]);
    this.#logger.info('timeline processor stopped');
  }
}
