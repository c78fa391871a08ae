import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { physicalTopicName } from '../../src/topology/load-topology.ts';
import { BillingStore } from '../../src/state/billing-store.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import { requireServices } from '../support/services.ts';
import { publishEvoWindow } from '../processor/support/evo-voice-raw.ts';
import { createTestPipeline, maxChangeTime, produceRaw, publishWatermark, waitFor, watermarkApplied } from '../processor/support/pipeline.ts';
import type { TestPipeline } from '../processor/support/pipeline.ts';
import { generateRawHistory } from '../processor/support/raw-history.ts';
import { freePort, spawnProcessor } from '../processor/support/service-restarts.ts';
import type { ProcessorChild } from '../processor/support/service-restarts.ts';

const EVO_TENANT = 'evo-acme';
const T8 = Date.UTC(2026, 10, 29, 8);
const AGENT = '6571a1b2c3d4e5f601234567';

/**
 * `agent-timelines process` with PROCESSOR_SOURCES=sinch-rai,evo-voice as a real child process: one supervised
 * processor per source (each in its own consumer group, each reporting readiness), one Redis sink, the Evo Voice
 * billing sink, metrics labelled by source, and a graceful SIGTERM.
 */
describe('agent-timelines process with two sources', () => {
  let pipeline: TestPipeline;
  let child: ProcessorChild | undefined;

  beforeAll(async () => {
    pipeline = await createTestPipeline(await requireServices(), { PROCESSOR_SOURCES: 'sinch-rai,evo-voice' });
  });
  afterAll(async () => {
    child?.child.kill('SIGKILL');
    await pipeline?.close();
  });

  it('runs a processor per source, both ready, and stops cleanly', { timeout: 300_000 }, async () => {
    const records = generateRawHistory({ seed: 3, agents: 4, start: Date.UTC(2024, 5, 3, 8), spanMs: 2 * 3_600_000 });
    const sinchWatermark = maxChangeTime(records) + 3_600_000;
    await produceRaw(pipeline, records);
    await publishWatermark(pipeline, sinchWatermark);
    await publishEvoWindow(pipeline, EVO_TENANT, [
      { agentId: AGENT, agentName: 'Ada Lovelace', state: 'Ready', reason: null, start: T8 + 5 * 60_000 },
      { agentId: AGENT, agentName: 'Ada Lovelace', state: 'LoggedOut', reason: 'SetByUser', start: T8 + 35 * 60_000 },
    ], T8);
    const billingTopic = physicalTopicName(pipeline.config.topicPrefix, 'raw.evovoice.billing');
    const billing = {
      date: '2026-11-28', accountName: 'Demo', customerName: 'Acme', customerId: null, service: 'SMS', description: null, quantity: 3, unit: 'message', unitPrice: 0.01,
      amount: 0.03, reportId: 'r1', accountId: 'acct-1', includeCustomerIds: false, windowStart: 0, windowEnd: 0, sheetRow: 2, tenant: EVO_TENANT, source: 'evo-voice/billing',
      pollId: 'p', receivedAt: 1,
    };
    await pipeline.producer.send({ topic: billingTopic, acks: -1, messages: [{ key: 'acct-1|2026-11-28', value: await pipeline.serde.encode(billingTopic, billing) }] });

    const running = spawnProcessor(pipeline.env, 'two-sources', await freePort());
    child = running;
    const evoApplied = async () => ((await pipeline.reader.getWatermark(EVO_TENANT)).upTo ?? 0) >= T8 + 3_600_000;
    expect(await waitFor(() => watermarkApplied(pipeline, sinchWatermark), 60_000), `Sinch watermark applied\n${running.log.join('').slice(-2_000)}`).toBe(true);
    expect(await waitFor(evoApplied, 60_000), `Evo Voice watermark applied\n${running.log.join('').slice(-2_000)}`).toBe(true);

    let checks: Record<string, string> = {};
    expect(await waitFor(async () => {
      const response = await fetch(`${running.url}/readyz`);
      checks = ((await response.json()) as { checks: Record<string, string> }).checks;
      return response.status === 200;
    }, 30_000), `/readyz 200: ${JSON.stringify(checks)}`).toBe(true);
    expect(Object.keys(checks).sort()).toEqual(['evo-voice:consumer', 'evo-voice:partitions', 'kafka', 'redis', 'schema-registry', 'sinch-rai:consumer', 'sinch-rai:partitions']);

    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/agent_timelines_processor_records_consumed_total\{partition="\d",source="sinch-rai"\} \d+/);
    expect(metrics).toMatch(/agent_timelines_processor_records_consumed_total\{partition="\d",source="evo-voice"\} 2/);
    expect(metrics).toMatch(/agent_timelines_processor_supervisor_restarts_total\{source="evo-voice"\} 0/);

    const readiness = async (group: string) => (await pipeline.reader.getProcessorReadiness(group)).instances.length;
    expect(await readiness(pipeline.id)).toBe(1);
    expect(await readiness(`${pipeline.id}.evo-voice`)).toBe(1);
    const store = new BillingStore(pipeline.redis, storeKeys(pipeline.config.redis.keyPrefix), pipeline.config.redis.retentionMs);
    expect(await waitFor(async () => (await store.read(EVO_TENANT, 'acct-1', '2026-11-28', '2026-11-29')).length === 1, 30_000), 'the billing row is in Redis').toBe(true);

    running.child.kill('SIGTERM');
    const exitCode = await Promise.race([running.exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 60_000))]);
    expect(exitCode, `graceful SIGTERM exit code within 60 s\n${running.log.join('').slice(-2_000)}`).toBe(0);
    child = undefined;
    expect(await readiness(`${pipeline.id}.evo-voice`)).toBe(0);
  });
});
