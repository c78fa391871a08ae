import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { AvroSerde } from '../kafka/avro-serde.ts';
import { createKafka } from '../kafka/kafka-client.ts';
import { createRedis } from '../state/redis-client.ts';
import { storeKeys } from '../state/store-keys.ts';
import { TimelineStoreWriter } from '../state/timeline-store-writer.ts';
import { processorTopics } from './processor-topics.ts';
import { RedisSink } from './redis-sink.ts';
import { TimelineProcessor } from './timeline-processor.ts';

/** A running processor instance: the stream tasks, the Redis sink (unless disabled) and their Redis client. */
export interface ProcessorInstance {
  readonly processor: TimelineProcessor;
  readonly sink: RedisSink | null;
  /** Rejects when a consumer died without restarting itself; the process should exit and be restarted. */
  readonly fatal: Promise<never>;
  /** Finishes in-flight transactions, leaves the groups, closes Redis; idempotent. */
  stop(): Promise<void>;
}

/** Starts a processor instance from config (topics must exist: run setup first). */
export async function startProcessorInstance(config: Config, logger: Logger): Promise<ProcessorInstance> {
  const redis = createRedis(config);
  redis.on('error', (error: Error) => logger.debug({ err: error }, 'redis connection error'));
  await redis.connect();
  const writer = new TimelineStoreWriter(redis, storeKeys(config.redis.keyPrefix), config.redis.retentionMs);
  let reportFatal: (error: Error) => void = () => undefined;
  const fatal = new Promise<never>((_resolve, reject) => {
    reportFatal = reject;
  });
  fatal.catch(() => undefined);
  const processor = new TimelineProcessor({
    config,
    logger,
    onFatal: (error) => reportFatal(error),
    onWatermark: (tenant, partition, watermark, partitions) => writer.raiseWatermark(tenant, partition, watermark, partitions),
  });
  const sink = config.processor.redisSink
    ? new RedisSink({
        kafka: createKafka(config, logger, '-redis-sink'),
        serde: new AvroSerde(config.schemaRegistry),
        writer,
        topics: processorTopics(config.topicPrefix),
        groupId: config.processor.groupId,
        logger,
        metrics: processor.metrics,
        sessionTimeoutMs: config.processor.sessionTimeoutMs,
        onFatal: (error) => reportFatal(error),
      })
    : null;
  await processor.start();
  await sink?.start();
  let stopping: Promise<void> | null = null;
  return {
    processor,
    sink,
    fatal,
    stop: () =>
      (stopping ??= (async () => {
        await processor.stop();
        await sink?.stop();
        await redis.quit().catch(() => undefined);
      })()),
  };
}
