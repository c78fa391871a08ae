import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.ts';
import { readCommittedToEnd } from '../../src/ingest/read-committed.ts';
import { startProcessorInstance } from '../../src/processor/processor-instance.ts';
import type { ProcessorInstance } from '../../src/processor/processor-instance.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { ANSWERS, startRegistryStub } from '../support/fake-registry.ts';
import type { RegistryStub } from '../support/fake-registry.ts';
import { requireServices } from '../support/services.ts';
import { generateRawHistory } from './support/raw-history.ts';
import {
  comparable, createTestPipeline, expectSameRows, expectedRows, maxChangeTime, produceRaw, publishWatermark, readQuarterHours, redisMatches,
  waitFor, watermarkApplied,
} from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';
import { processorSource } from '../../src/cli/processor-sources.ts';

/**
 * The processor reads the registry through a proxy in front of the real one. For a while the proxy answers 429 to
 * every lookup of the raw topic's and the poll watermarks' writer schema ids, as a rate limit would. The batches
 * abort and are processed again, and the watermark is read again until it decodes (it is never dropped); once the
 * limit lifts the outputs equal the batch replay, with no dead letter.
 */
describe('timeline processor under a rate-limited schema registry', () => {
  let pipeline: TestPipeline;
  let proxy: RegistryStub;
  let instance: ProcessorInstance;
  let limiting = true;
  let refused = 0;

  beforeAll(async () => {
    pipeline = await createTestPipeline(await requireServices());
    const limited = new Set([await pipeline.serde.schemaIdFor(pipeline.topics.raw), await pipeline.serde.schemaIdFor(pipeline.topics.watermarks)].map((id) => `/schemas/ids/${id}`));
    proxy = await startRegistryStub((path) => {
      if (limiting && limited.has(path)) {
        refused++;
        return ANSWERS.tooManyRequests;
      }
      return 'forward';
    }, pipeline.config.schemaRegistry.url);
    const config = parseConfig({ ...pipeline.env, SCHEMA_REGISTRY_URL: proxy.url });
    instance = await startProcessorInstance(config, processorSource(config, 'sinch-rai'), createLogger('silent'));
  });
  afterAll(async () => {
    await instance?.stop();
    await proxy?.close();
    await pipeline?.close();
  });

  it('aborts and retries while the registry answers 429, then produces the replay with 0 dead letters', { timeout: 90_000 }, async () => {
    const records = generateRawHistory({ seed: 41, agents: 6, start: Date.UTC(2024, 4, 6, 8), spanMs: 2 * 3_600_000 });
    await produceRaw(pipeline, records);
    const watermark = maxChangeTime(records) + 3_600_000;
    await publishWatermark(pipeline, watermark);

    const metrics = instance.processor.metrics;
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(metrics.total('records_dead_lettered'), 'records dead-lettered while the registry was rate-limiting').toBe(0);
    expect(refused, 'lookups refused with 429').toBeGreaterThanOrEqual(3);
    expect(metrics.total('transactions_aborted')).toBeGreaterThanOrEqual(1);
    limiting = false;

    expect(await waitFor(() => watermarkApplied(pipeline, watermark), 45_000), 'the watermark was applied').toBe(true);
    const expected = expectedRows(records, watermark);
    const { latest, duplicateRevisions } = await readQuarterHours(pipeline);
    expectSameRows(comparable(latest.values()), expected, 'output topic');
    expect(duplicateRevisions).toBe(0);
    expect(await waitFor(() => redisMatches(pipeline, expected), 20_000), 'Redis matches the replay').toBe(true);

    let deadLetters = 0;
    await readCommittedToEnd(pipeline.kafka, pipeline.topics.deadLetter, async () => {
      deadLetters++;
    });
    expect(deadLetters).toBe(0);
    expect(metrics.total('records_dead_lettered')).toBe(0);
    expect(metrics.total('registry_errors', { reason: 'http_429' })).toBeGreaterThanOrEqual(1);
    console.log(`registry-errors: ${refused} lookups refused with 429, ${metrics.total('transactions_aborted')} transactions aborted, ${metrics.total('task_rebuilds')} rebuilds`);
  });
});
