import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessorMetrics } from '../../src/processor/processor-metrics.ts';
import { WatermarkIntake } from '../../src/processor/watermark-intake.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { requireServices } from '../support/services.ts';
import { createTestPipeline, publishWatermark, SOURCE, TENANT, waitFor } from './support/pipeline.ts';
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
