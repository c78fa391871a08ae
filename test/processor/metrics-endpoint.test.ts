import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpsServer } from '../../src/runtime/ops-server.ts';
import type { RunningOpsServer } from '../../src/runtime/ops-server.ts';
import { startProcessorInstance } from '../../src/processor/processor-instance.ts';
import type { ProcessorInstance } from '../../src/processor/processor-instance.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { requireServices } from '../support/services.ts';
import seed from '../fixtures/sinch-seed-agent-status-history.json' with { type: 'json' };
import { createTestPipeline, maxChangeTime, normaliseRecord, produceRaw, publishWatermark, waitFor, watermarkApplied } from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';
import { processorSource } from '../../src/cli/processor-sources.ts';

/** Sum of every series of `name` in a Prometheus text exposition. */
function total(text: string, name: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/**
 * One processor instance with its metrics on a registry served by the `process` command's endpoint: after the seed
 * session is processed, /metrics shows the counters, restore times and lag; the readiness record says every
 * partition is restored while it runs and disappears on a clean stop.
 */
describe('processor metrics endpoint and readiness record', () => {
  let pipeline: TestPipeline;
  let instance: ProcessorInstance;
  let server: RunningOpsServer;
  const records = (seed as unknown as Record<string, string>[]).map(normaliseRecord);

  beforeAll(async () => {
    pipeline = await createTestPipeline(await requireServices());
    const registry = new Registry();
    instance = await startProcessorInstance(pipeline.config, processorSource(pipeline.config, 'sinch-rai'), createLogger('warn'), { registry });
    server = await startOpsServer({ host: '127.0.0.1', port: 0, registry, logger: createLogger('warn') });
  });
  afterAll(async () => {
    await server?.close();
    await instance?.stop();
    await pipeline?.close();
  });

  it('serves the processor counters in the Prometheus text format', async () => {
    const watermark = maxChangeTime(records) + 3_600_000;
    await produceRaw(pipeline, records);
    await publishWatermark(pipeline, watermark);
    expect(await waitFor(() => watermarkApplied(pipeline, watermark), 15_000), 'the watermark was applied').toBe(true);

    const response = await fetch(`${server.address}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const p = 'agent_timelines_processor_';
    expect(total(text, `${p}records_consumed_total`)).toBe(records.length);
    expect(total(text, `${p}transactions_committed_total`)).toBeGreaterThan(0);
    expect(total(text, `${p}transactions_aborted_total`)).toBe(0);
    expect(total(text, `${p}records_dead_lettered_total`)).toBe(0);
    expect(text).toMatch(new RegExp(`^${p}window_emissions_total\\{status="final"\\} [1-9]`, 'm'));
    const partitions = instance.processor.status().partitions;
    expect(text.match(new RegExp(`^${p}restore_seconds\\{partition="\\d+"\\} `, 'gm'))).toHaveLength(partitions);
    expect(text.match(new RegExp(`^${p}consumer_lag\\{partition="\\d+"\\} \\d+$`, 'gm'))).toHaveLength(partitions);
    expect(total(text, `${p}assigned_partitions`)).toBe(partitions);
    // one observation per watermark a partition applied and committed, each under the 15 s waited for it
    const observed = total(text, `${p}watermark_commit_seconds_count`);
    expect(observed).toBeGreaterThan(0);
    expect(observed).toBeLessThanOrEqual(total(text, `${p}watermarks_applied_total`));
    expect(total(text, `${p}watermark_commit_seconds_sum`)).toBeLessThan(observed * 15);
    expect(text).toMatch(new RegExp(`^${p}watermark_commit_seconds_bucket\\{le="\\+Inf",partition="\\d+"\\} [1-9]`, 'm'));
    expect((await fetch(`${server.address}/other`)).status).toBe(404);

    const readiness = await pipeline.reader.getProcessorReadiness(pipeline.config.processor.groupId);
    expect(readiness).toMatchObject({ assigned: partitions, restored: partitions, expectedPartitions: partitions });
    await instance.stop();
    expect((await pipeline.reader.getProcessorReadiness(pipeline.config.processor.groupId)).instances).toEqual([]);
  }, 20_000);
});
