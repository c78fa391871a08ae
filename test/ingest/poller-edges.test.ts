import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/vendors/sinch/simulator/index.ts';
import type { RunningSimulator } from '../../src/vendors/sinch/simulator/index.ts';
import { checkpointKey } from '../../src/ingest/checkpoint.ts';
import { restoreCheckpoints } from '../../src/ingest/checkpoint-store.ts';
import { systemClock } from '../../src/ingest/clock.ts';
import { AGENT_STATUS_HISTORY } from '../../src/vendors/sinch/endpoint-specs.ts';
import { IncrementalPoller } from '../../src/ingest/incremental-poller.ts';
import { createPollerMetrics } from '../../src/ingest/metrics.ts';
import { runPollers } from '../../src/vendors/sinch/sinch-pollers.ts';
import { openPoller } from '../../src/ingest/poller-runtime.ts';
import { createTenantClient } from '../../src/vendors/sinch/tenant-client.ts';
import type { PollerRuntime } from '../../src/ingest/poller-runtime.ts';
import { fetchRange } from '../../src/vendors/sinch/range-fetcher.ts';
import { freshStack, readTopic, tenantFor, truthKey } from './support/stack.ts';

const FROM = Date.parse('2024-03-04T00:00:00Z');
const DAY = 86_400_000;
const credentials = { username: 'api', password: 'secret' };

describe('poller edges against the simulator', () => {
  const simulators: RunningSimulator[] = [];
  afterAll(async () => {
    await Promise.all(simulators.map((s) => s.close()));
  });

  it('narrows a query that hits the 10000-row limit and still gets every row', async () => {
    const simulator = await startSimulator({ seed: 4, agents: 75, from: FROM, to: FROM + DAY, clock: { mode: 'historical' }, credentials });
    simulators.push(simulator);
    const stack = await freshStack();
    const metrics = createPollerMetrics();
    const runtime: PollerRuntime = { config: stack.config, kafka: stack.kafka, serde: stack.serde, logger: stack.logger, clock: systemClock, metrics };
    const client = createTenantClient(runtime, tenantFor(simulator.url, { rateLimitPerSecond: 1000, rateLimitBurst: 100 }));
    const truth = simulator.groundTruth().agentStatusHistory;
    expect(truth.length).toBeGreaterThan(10_000);
    const result = await fetchRange(client, { endpoint: 'agentStatusHistory', params: {}, range: { start: FROM, end: FROM + DAY }, pageSize: 5000, granularityMs: 1 });
    expect(result.splits).toBeGreaterThanOrEqual(1);
    expect(result.rows.map((r) => truthKey(r.row as Record<string, unknown>)).sort()).toEqual(truth.map(truthKey).sort());
  });

  it('dead-letters a page that stays malformed, with the raw body, and does not advance', async () => {
    const simulator = await startSimulator({ seed: 5, agents: 5, from: FROM, to: FROM + DAY, clock: { mode: 'historical' }, faults: { malformedRate: 1 }, credentials });
    simulators.push(simulator);
    const stack = await freshStack();
    const metrics = createPollerMetrics();
    const runtime: PollerRuntime = { config: stack.config, kafka: stack.kafka, serde: stack.serde, logger: stack.logger, clock: systemClock, metrics };
    const tenant = tenantFor(simulator.url, { maxAttempts: 2, backoffBaseMs: 1, backoffMaxMs: 2 });
    const key = checkpointKey(tenant.id, 'agentStatusHistory');
    const { ctx } = await openPoller(runtime, tenant, createTenantClient(runtime, tenant), AGENT_STATUS_HISTORY, 'agentStatusHistory', key);
    const poller = new IncrementalPoller(AGENT_STATUS_HISTORY, ctx, { overlapMs: 0, safetyLagMs: 0, maxRangeMs: DAY, granularityMs: 1, initialStart: FROM, checkpointKey: key, emitWatermark: true }, undefined);
    try {
      await expect(poller.pollOnce()).rejects.toMatchObject({ code: 'VENDOR_MALFORMED_RESPONSE' });
    } finally {
      await ctx.publisher.disconnect();
    }
    expect(poller.checkpoint).toBeUndefined();
    expect(metrics.total('dead_letters')).toBe(1);
    expect(metrics.total('malformed_pages')).toBe(2);
    const letters = await readTopic(stack, 'ops.dead-letter');
    expect(letters).toHaveLength(1);
    const letter = letters[0]?.value ?? {};
    expect(letter).toMatchObject({ sourceTopic: 'vendor:sinch-rai/agentStatusHistory', sourcePartition: -1, sourceOffset: -1, errorCode: 'VENDOR_MALFORMED_RESPONSE', component: 'poller' });
    expect(() => JSON.parse((letter['originalValue'] as Buffer).toString('utf8'))).toThrow();
    expect((letter['originalValue'] as Buffer).length).toBeGreaterThan(0);
    expect(await readTopic(stack, 'raw.sinch.agent-status-history')).toEqual([]);
    const stored = await restoreCheckpoints(stack.kafka, stack.serde, `${stack.config.topicPrefix}control.poller-checkpoints`, [key]);
    expect(stored.size).toBe(0);
  });

  it('surfaces a 400 with its text/plain body without retrying', async () => {
    const simulator = await startSimulator({ seed: 6, agents: 2, from: FROM, to: FROM + DAY, clock: { mode: 'historical' }, credentials });
    simulators.push(simulator);
    const stack = await freshStack();
    const runtime: PollerRuntime = { config: stack.config, kafka: stack.kafka, serde: stack.serde, logger: stack.logger, clock: systemClock, metrics: createPollerMetrics() };
    const client = createTenantClient(runtime, tenantFor(simulator.url, {}));
    await expect(client.get('agentStatusHistory', { startTime: '2024-03-04T00:00:00.000Z', userId: '2B8ED95B0EC911E79675005056A75D9' })).rejects.toMatchObject({ code: 'VENDOR_BAD_REQUEST', status: 400, body: expect.stringContaining('Invalid GUID') });
    expect(runtime.metrics.total('requests')).toBe(1);
    const wrong = createTenantClient(runtime, tenantFor(simulator.url, { credentials: { username: 'api', password: 'wrong' } }));
    await expect(wrong.get('agentStatus', { startTime: '2024-03-04T00:00:00.000Z' })).rejects.toMatchObject({ code: 'VENDOR_AUTH_FAILED' });
  });

  it('runs every endpoint of a tenant once: history, contacts (history + statistic) and agentStatus snapshots', async () => {
    const realNow = Date.now();
    // 30 hours back: the simulated shifts (06:00–21:40 UTC) always lie in the range, whatever the time of day of the run
    const from = realNow - 30 * 3_600_000;
    const simulator = await startSimulator({ seed: 8, agents: 10, from, to: realNow + 3_600_000, clock: { mode: 'accelerated', speed: 1, startedAt: from }, credentials });
    simulators.push(simulator);
    const stack = await freshStack();
    const metrics = createPollerMetrics();
    const runtime: PollerRuntime = { config: stack.config, kafka: stack.kafka, serde: stack.serde, logger: stack.logger, clock: systemClock, metrics };
    const tenant = tenantFor(simulator.url, { startAt: new Date(from).toISOString(), safetyLagMs: 5000, maxRangeMs: 30 * 3_600_000, rateLimitPerSecond: 1000, rateLimitBurst: 100 });
    await runPollers(runtime, [tenant], { signal: new AbortController().signal, once: true });
    const history = await readTopic(stack, 'raw.sinch.agent-status-history');
    const contacts = await readTopic(stack, 'raw.sinch.contacts');
    const status = await readTopic(stack, 'raw.sinch.agent-status');
    expect(history.length).toBeGreaterThan(0);
    expect(contacts.some((c) => c.value['endpoint'] === 'contactHistory')).toBe(true);
    expect(contacts.every((c) => c.key === c.value['contactId'])).toBe(true);
    expect(status.length).toBeGreaterThan(0);
    expect(status.every((s) => s.key === s.value['userId'] && Number(s.value['snapshotAt']) > from)).toBe(true);
    expect(metrics.total('polls', { endpoint: 'agentStatus' })).toBe(1);
    expect(metrics.total('polls', { endpoint: 'contactStatistic' })).toBe(1);
    const watermarks = await readTopic(stack, 'control.poll-watermarks');
    expect(new Set(watermarks.map((w) => w.key))).toEqual(new Set(['acme|sinch-rai/agentStatusHistory', 'acme|sinch-rai/contactHistory']));
  });
});
