import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessorMetrics } from '../../src/processor/processor-metrics.ts';
import { WatermarkIntake } from '../../src/processor/watermark-intake.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { requireServices } from '../support/services.ts';
import { fetchPartitionOffsets } from '../../src/processor/topic-offsets.ts';
import { createTestPipeline, produceRaw, publishWatermark, SOURCE, TENANT, waitFor } from './support/pipeline.ts';
import { generateRawHistory } from './support/raw-history.ts';
import type { TestPipeline } from './support/pipeline.ts';

const MIN = 60_000;
const NOW = Date.UTC(2026, 10, 2, 9);

/**
 * Review §6(b): a poller whose host clock jumped a year ahead publishes watermarks a year ahead. The intake ignores
 * them (against its own, injected wall clock) with a metric, so windows do not all go final and later real records
 * are not too late; the sane watermarks after it still apply.
 */
describe('WatermarkIntake and the wall clock (real stack)', () => {
  let pipeline: TestPipeline;
  let intake: WatermarkIntake | undefined;
  const fatal: Error[] = [];

  beforeAll(async () => {
    pipeline = await createTestPipeline(await requireServices());
  });
  afterAll(async () => {
    await intake?.stop();
    await pipeline?.close();
  });

  it('ignores a watermark more than CLOCK_MAX_LEAD_MS ahead of the wall clock, counts it, and applies the later sane ones', async () => {
    const metrics = createProcessorMetrics();
    let gated = 0;
    await publishWatermark(pipeline, NOW - 60 * MIN);
    await publishWatermark(pipeline, NOW + 365 * 24 * 60 * MIN);
    await publishWatermark(pipeline, NOW - 30 * MIN);
    await publishWatermark(pipeline, NOW + 4 * MIN);
    intake = new WatermarkIntake({
      kafka: pipeline.kafka, serde: pipeline.serde, logger: createLogger('silent'), topic: pipeline.topics.watermarks, rawTopic: pipeline.topics.raw, source: SOURCE,
      onFatal: (error) => fatal.push(error), now: () => NOW, maxClockLeadMs: 5 * MIN, metrics, sessionTimeoutMs: 6_000, onGated: () => gated++,
    });
    await intake.start();
    expect(await waitFor(async () => intake?.applicable(0, 0).get(TENANT) === NOW + 4 * MIN, 30_000)).toBe(true);
    expect(metrics.total('watermarks_rejected', { reason: 'watermark-ahead-of-clock' })).toBe(1);
    // the partitions are woken for each watermark gated, not for the one refused
    expect(gated).toBe(3);
    expect(fatal).toEqual([]);
  });
});

/** `kafka` whose admin clients count their end-offset lookups of `topic` in `lookups.count`. */
function countingOffsetLookups(kafka: Kafka, topic: string, lookups: { count: number }): Kafka {
  return new Proxy(kafka, {
    get(target, property) {
      if (property !== 'admin') return Reflect.get(target, property, target) as unknown;
      return (...args: Parameters<Kafka['admin']>): Admin => {
        const admin = target.admin(...args);
        const fetchTopicOffsets = admin.fetchTopicOffsets.bind(admin);
        admin.fetchTopicOffsets = (name: string) => {
          if (name === topic) lookups.count++;
          return fetchTopicOffsets(name);
        };
        return admin;
      };
    },
  });
}

/**
 * A processor that starts behind reads many watermarks at once: their gates come from one end-offset lookup per
 * fetched batch (made after all of them were read), not one per watermark, and still hold each watermark back until
 * a partition has read what the raw topic held.
 */
describe('WatermarkIntake gating a backlog of watermarks (real stack)', () => {
  let pipeline: TestPipeline;
  let intake: WatermarkIntake | undefined;

  beforeAll(async () => {
    pipeline = await createTestPipeline(await requireServices());
  });
  afterAll(async () => {
    await intake?.stop();
    await pipeline?.close();
  });

  it('gates 12 watermarks read together with one end-offset lookup, at the raw ends', async () => {
    const fatal: Error[] = [];
    await produceRaw(pipeline, generateRawHistory({ seed: 5, agents: 12, start: NOW - 120 * MIN, spanMs: 60 * MIN }).slice(0, 300));
    const admin = pipeline.kafka.admin();
    await admin.connect();
    const ends = new Map((await fetchPartitionOffsets(admin, pipeline.topics.raw).finally(() => admin.disconnect())).map((o) => [o.partition, o.high]));
    const busy = [...ends].filter(([, end]) => end > 0);
    expect(busy.length).toBeGreaterThan(1);
    const watermarks = Array.from({ length: 12 }, (_, i) => NOW - 60 * MIN + i * MIN);
    for (const watermark of watermarks) await publishWatermark(pipeline, watermark);
    const lookups = { count: 0 };
    const last = watermarks[watermarks.length - 1]!;
    intake = new WatermarkIntake({
      kafka: countingOffsetLookups(pipeline.kafka, pipeline.topics.raw, lookups), serde: pipeline.serde, logger: createLogger('silent'), topic: pipeline.topics.watermarks, rawTopic: pipeline.topics.raw,
      source: SOURCE, onFatal: (error) => fatal.push(error), now: () => NOW, maxClockLeadMs: 5 * MIN, metrics: createProcessorMetrics(), sessionTimeoutMs: 6_000,
    });
    await intake.start();
    const [partition, end] = busy[0]!;
    expect(await waitFor(async () => intake?.applicable(partition, end).get(TENANT) === last, 30_000)).toBe(true);
    // the topic's 12 watermarks come in one fetch here, two at most
    expect(lookups.count).toBeGreaterThanOrEqual(1);
    expect(lookups.count).toBeLessThanOrEqual(2);
    for (const [p, e] of busy) {
      expect(intake.applicable(p, e - 1).get(TENANT), `partition ${p} one record short of its end`).toBeUndefined();
      expect(intake.applicable(p, e).get(TENANT), `partition ${p} at its end`).toBe(last);
    }
    expect(fatal).toEqual([]);
  });
});
