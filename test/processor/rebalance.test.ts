import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcessorInstance } from '../../src/processor/processor-instance.ts';
import type { ProcessorInstance } from '../../src/processor/processor-instance.ts';
import { parseConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { requireServices } from '../support/services.ts';
import { generateRawHistory } from './support/raw-history.ts';
import {
  comparable, createTestPipeline, expectSameRows, expectedRows, maxChangeTime, produceRaw, publishWatermark, readQuarterHours, redisMatches,
  TENANT, waitFor, watermarkApplied,
} from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';
import { brokenRevisionSequences, revisionHistory } from './support/topic-checks.ts';
import { processorSource } from '../../src/cli/processor-sources.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Two instances of one group: A alone for the first third of the input, then B joins (A hands partitions over,
 * B restores them from the changelog), then A leaves gracefully and B takes everything. The result equals the
 * batch replay, every key's revisions are 1..n, and B's restores read real state.
 */
describe('timeline processor rebalance', () => {
  let pipeline: TestPipeline;
  const instances: ProcessorInstance[] = [];

  beforeAll(async () => {
    pipeline = await createTestPipeline(await requireServices());
  });
  afterAll(async () => {
    await Promise.allSettled(instances.map((instance) => instance.stop()));
    await pipeline?.close();
  });

  it('gives the same result when partitions move between instances midway', { timeout: 120_000 }, async () => {
    const generated = generateRawHistory({ seed: 23, agents: 40, start: Date.UTC(2024, 2, 1, 7), spanMs: 4 * 3_600_000 });
    const finalWatermark = maxChangeTime(generated) + 3_600_000;
    const logger = createLogger('warn');
    const a = await startProcessorInstance(parseConfig({ ...pipeline.env, PROCESSOR_INSTANCE_ID: 'instance-a' }), processorSource(pipeline.config, 'sinch-rai'), logger);
    instances.push(a);
    const chunks = 12;
    const size = Math.ceil(generated.length / chunks);
    let b: ProcessorInstance | undefined;
    for (let i = 0; i < chunks; i++) {
      const part = generated.slice(i * size, (i + 1) * size);
      await produceRaw(pipeline, part);
      await publishWatermark(pipeline, maxChangeTime(part));
      await sleep(300);
      if (i === 3) {
        b = await startProcessorInstance(parseConfig({ ...pipeline.env, PROCESSOR_INSTANCE_ID: 'instance-b' }), processorSource(pipeline.config, 'sinch-rai'), logger);
        instances.push(b);
        expect(await waitFor(async () => b!.processor.status().assigned.length > 0 && a.processor.status().assigned.length < 6, 30_000)).toBe(true);
      }
      if (i === 8) {
        await a.stop();
        expect(await waitFor(async () => b!.processor.status().assigned.length === 6 && b!.processor.status().restored, 30_000)).toBe(true);
      }
    }
    await publishWatermark(pipeline, finalWatermark);
    const applied = await waitFor(() => watermarkApplied(pipeline, finalWatermark), 30_000);
    if (!applied) console.info(finalWatermark, JSON.stringify(await pipeline.reader.getWatermark(TENANT)), JSON.stringify(b!.processor.progress()));
    expect(applied).toBe(true);

    const expected = expectedRows(generated, finalWatermark);
    const topic = await readQuarterHours(pipeline);
    expectSameRows(comparable(topic.latest.values()), expected, 'output topic (read_committed)');
    expect(brokenRevisionSequences(await revisionHistory(pipeline))).toEqual([]);
    await waitFor(() => redisMatches(pipeline, expected), 30_000);
    expectSameRows(comparable(await pipeline.reader.listQuarterHours({ tenant: TENANT, from: 0, to: 8.64e15 })), expected, 'redis');

    const metricsB = b!.processor.metrics;
    expect(metricsB.total('task_rebuilds')).toBeGreaterThanOrEqual(6);
    expect(metricsB.total('restored_entries')).toBeGreaterThan(0);
    const restoreMs = [...b!.processor.restoreTimes().values()].filter((ms): ms is number => ms !== null);
    console.info(`restore times of B (ms): ${restoreMs.map((ms) => ms.toFixed(0)).join(', ')}`);
    expect(a.processor.metrics.total('records_consumed') + metricsB.total('records_consumed')).toBeGreaterThanOrEqual(generated.length);
  });
});
