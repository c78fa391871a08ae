import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config/config.ts';
import { AvroSerde } from '../kafka/avro-serde.ts';
import { createKafka } from '../kafka/kafka-client.ts';
import { BillingStore } from '../state/billing-store.ts';
import { LiveAgentStore } from '../state/live-agent-store.ts';
import { ProcessorReadinessStore } from '../state/processor-readiness-store.ts';
import { createRedis } from '../state/redis-client.ts';
import { storeKeys } from '../state/store-keys.ts';
import { DayAggregateStore } from '../state/day-aggregate-store.ts';
import { TimelineStoreWriter } from '../state/timeline-store-writer.ts';
import { BillingSink } from './billing-sink.ts';
import { DirectContactRouter } from './direct-contact-router.ts';
import { directContactTenants } from './direct-contact-tenants.ts';
import { LiveAgentSink } from './live-agent-sink.ts';
import { registerProcessorMetrics } from './processor-prometheus.ts';
import { physicalTopicName } from '../topology/load-topology.ts';
import type { ProcessorMetrics } from './processor-metrics.ts';
import type { ProcessorSource } from './processor-source.ts';
import { processorTopics } from './processor-topics.ts';
import { ReadinessReporter } from './readiness-reporter.ts';
import { RedisSink } from './redis-sink.ts';
import { Reprocessor } from './reprocessor.ts';
import { TimelineProcessor } from './timeline-processor.ts';
import type { RawRowSinkWiring } from './raw-row-sink.ts';

/** A running processor instance of one source: the stream tasks, the re-processor and the Redis sink (when it runs them), their Redis client. */
export interface ProcessorInstance {
  readonly processor: TimelineProcessor;
  readonly reprocessor: Reprocessor | null;
  readonly sink: RedisSink | null;
  /** The billing sink of a source with a billing topic (ProcessorSource.billingTopic). */
  readonly billing: BillingSink | null;
  /** The live agent sink of a source with live feeds (ProcessorSource.live). */
  readonly live: LiveAgentSink | null;
  /** The direct-contact router of a source with a direct-contact route (ProcessorSource.directContacts), when a tenant of SINCH_TENANTS polls contacts. */
  readonly directContacts: DirectContactRouter | null;
  /** Rejects when a consumer died without restarting itself; the process should exit and be restarted. */
  readonly fatal: Promise<never>;
  /** Whether the instance's Redis client is connected now (the sink and readiness record need it). */
  redisConnected(): boolean;
  /** Finishes in-flight transactions, leaves the groups, closes Redis; idempotent. */
  stop(): Promise<void>;
}

export interface ProcessorInstanceOptions {
  /** Receives the processor metrics (`agent_timelines_processor_*`), read at scrape time; the demo shares one with the API. */
  readonly registry?: Registry;
  /** The metrics to count into; a supervisor passes the same one to every instance it starts. */
  readonly metrics?: ProcessorMetrics;
  /** The wall clock watermarks are checked against (default Date.now); the demo passes the simulator's clock. */
  readonly now?: () => number;
  /**
   * Whether this instance runs the Redis sink (default PROCESSOR_REDIS_SINK). One sink serves every source: with
   * several sources, `process` runs it in the first source's instance only.
   */
  readonly redisSink?: boolean;
  /** Whether this instance runs the re-processor (default PROCESSOR_REPROCESS, and only for a source that sends requests). */
  readonly reprocessor?: boolean;
}

/**
 * Starts a processor instance of `source` from config (topics must exist: run setup first). It publishes its readiness record
 * (docs/redis.md) until stopped, and registers its metrics on `options.registry` when given. Redis need not be up:
 * the Kafka work does not use it, and the sink and readiness writes wait for it (ioredis reconnects by itself).
 * A start that fails part-way releases what it had opened and rejects.
 */
export async function startProcessorInstance(config: Config, source: ProcessorSource, logger: Logger, options: ProcessorInstanceOptions = {}): Promise<ProcessorInstance> {
  const redis = createRedis(config);
  redis.on('error', (error: Error) => logger.debug({ err: error }, 'redis connection error'));
  redis.connect().catch((error: unknown) => logger.warn({ err: error }, 'redis is not reachable yet; the sink waits for it'));
  const keys = storeKeys(config.redis.keyPrefix);
  const writer = new TimelineStoreWriter(redis, keys, config.redis.retentionMs, new DayAggregateStore(redis, keys, { zones: config.redis.dayZones, retentionMs: config.redis.retentionMs }), config.redis.changeFeedMaxLen);
  let reportFatal: (error: Error) => void = () => undefined;
  const fatal = new Promise<never>((_resolve, reject) => {
    reportFatal = reject;
  });
  fatal.catch(() => undefined);
  const processor = new TimelineProcessor({
    config,
    source,
    logger,
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    onFatal: (error) => reportFatal(error),
    ...(source.completeness === false ? {} : { onWatermark: (tenant: string, partition: number, watermark: number, partitions: number) => writer.raiseWatermark(tenant, partition, watermark, partitions) }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const sink = (options.redisSink ?? config.processor.redisSink)
    ? new RedisSink({
        kafka: createKafka(config, logger, '-redis-sink'),
        serde: new AvroSerde(config.schemaRegistry),
        writer,
        redis,
        keys,
        checkMs: config.processor.redisSinkCheckMs,
        topics: processorTopics(config.topicPrefix, source.rawTopic),
        groupId: config.processor.groupId,
        logger,
        metrics: processor.metrics,
        sessionTimeoutMs: config.processor.sessionTimeoutMs,
        onFatal: (error) => reportFatal(error),
      })
    : null;
  const reprocessor = (options.reprocessor ?? config.processor.reprocess.enabled) && source.reprocess
    ? new Reprocessor({ config, source, logger, metrics: processor.metrics, onFatal: (error) => reportFatal(error) })
    : null;
  /** What the raw-row sinks of this source share: their own client and consumer group `<group>.<name>`, dead letters, metrics and failure report. */
  const rawRowSinkWiring = (name: string): RawRowSinkWiring => ({
    kafka: createKafka(config, logger, `-${name}`),
    serde: new AvroSerde(config.schemaRegistry),
    deadLetterTopic: processorTopics(config.topicPrefix, source.rawTopic).deadLetter,
    groupId: `${source.groupId}.${name}`,
    logger,
    metrics: processor.metrics,
    checkMs: config.processor.redisSinkCheckMs,
    sessionTimeoutMs: config.processor.sessionTimeoutMs,
    onFatal: (error) => reportFatal(error),
  });
  const billing = source.billingTopic === undefined
    ? null
    : new BillingSink({
        ...rawRowSinkWiring('billing-sink'),
        store: new BillingStore(redis, keys, config.redis.retentionMs),
        topic: physicalTopicName(config.topicPrefix, source.billingTopic),
      });
  const live = source.live === undefined
    ? null
    : new LiveAgentSink({
        ...rawRowSinkWiring('live-sink'),
        store: new LiveAgentStore(redis, keys, config.redis.retentionMs),
        feeds: source.live,
        snapshotTopic: physicalTopicName(config.topicPrefix, source.live.snapshotTopic),
        contactTopic: physicalTopicName(config.topicPrefix, source.live.contactTopic),
      });
  // no tenant of this processor joins direct contacts: nothing to route (and the contact records' problems are the live sink's to report)
  const routedTenants = directContactTenants(config, source);
  const directContacts = source.directContacts === undefined || routedTenants.size === 0
    ? null
    : new DirectContactRouter({
        ...rawRowSinkWiring('direct-contacts'),
        feed: source.directContacts,
        contactTopic: physicalTopicName(config.topicPrefix, source.directContacts.contactTopic),
        rawTopic: physicalTopicName(config.topicPrefix, source.rawTopic),
        tenants: routedTenants,
      });
  if (options.registry !== undefined) {
    registerProcessorMetrics(options.registry, {
      metrics: processor.metrics,
      consumerLag: () => processor.consumerLag(),
      assigned: () => processor.status().assigned,
    });
  }
  try {
    await processor.start();
    await reprocessor?.start();
    await sink?.start();
    await billing?.start();
    await live?.start();
    await directContacts?.start();
  } catch (error) {
    await Promise.allSettled([processor.stop(), reprocessor?.stop(), sink?.stop(), billing?.stop(), live?.stop(), directContacts?.stop()]);
    redis.disconnect();
    throw error;
  }
  const readiness = new ReadinessReporter({ store: new ProcessorReadinessStore(redis, keys), groupId: source.groupId, source: processor, logger });
  readiness.start();
  let stopping: Promise<void> | null = null;
  return {
    processor,
    reprocessor,
    sink,
    billing,
    live,
    directContacts,
    fatal,
    redisConnected: () => redis.status === 'ready',
    stop: () =>
      (stopping ??= (async () => {
        await readiness.stop();
        await processor.stop();
        await reprocessor?.stop();
        await sink?.stop();
        await billing?.stop();
        await live?.stop();
        await directContacts?.stop();
        await redis.quit().catch(() => undefined);
      })()),
  };
}
