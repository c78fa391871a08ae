import { createProcessorMetrics } from '../../src/processor/processor-metrics.ts';
import { quarterHourKey } from '../../src/processor/output-records.ts';
import { RedisSink } from '../../src/processor/redis-sink.ts';
import { DayAggregateStore } from '../../src/state/day-aggregate-store.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import { TimelineStoreWriter } from '../../src/state/timeline-store-writer.ts';
import type { BenchStack } from './bench-stack.ts';
import { TENANT, committedReached, endOffsets, produceMessages, sleep } from './bench-stack.ts';

/**
 * Seeds the stack's store as the pipeline would: produces `values` (quarter-hour records of
 * out.agent-statistic-quarter-hour, Avro) to the stack's topic, runs the processor's RedisSink over them until its
 * offsets are committed (rows, and the day aggregates of the stack's REDIS_DAY_ZONES), then raises the watermark of
 * six input partitions to `upTo` so the API reports the data complete. Answers the sink's time in ms. The sink is
 * stopped before this returns, also on failure.
 */
export async function seedThroughSink(stack: BenchStack, values: Iterable<Record<string, unknown>>, upTo: number): Promise<number> {
  const keys = storeKeys(stack.config.redis.keyPrefix);
  const { retentionMs, dayZones } = stack.config.redis;
  const writer = new TimelineStoreWriter(stack.redis, keys, retentionMs, new DayAggregateStore(stack.redis, keys, { zones: dayZones, retentionMs }));
  const messages = [];
  for (const value of values) {
    messages.push({ key: quarterHourKey(value as { tenant: string; userId: string; intervalStart: number }), value: await stack.serde.encode(stack.topics.quarterHours, value) });
    if (messages.length >= 50_000) await produceMessages(stack, stack.topics.quarterHours, messages.splice(0));
  }
  if (messages.length > 0) await produceMessages(stack, stack.topics.quarterHours, messages.splice(0));
  const ends = await endOffsets(stack.admin, stack.topics.quarterHours);
  const started = performance.now();
  const sink = new RedisSink({
    kafka: stack.kafka, serde: stack.serde, writer, redis: stack.redis, keys, checkMs: 1_000, topics: stack.topics, groupId: stack.id,
    logger: stack.logger, metrics: createProcessorMetrics(), sessionTimeoutMs: 6_000,
  });
  try {
    await sink.start();
    while (!(await committedReached(stack.admin, `${stack.id}.redis-sink`, stack.topics.quarterHours, ends))) await sleep(500);
  } finally {
    await sink.stop();
  }
  const sinkMs = performance.now() - started;
  for (let partition = 0; partition < 6; partition++) await writer.raiseWatermark(TENANT, partition, upTo, 6);
  return sinkMs;
}
