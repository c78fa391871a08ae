import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/vendors/sinch/simulator/index.ts';
import type { FaultOptions, RunningSimulator } from '../../src/vendors/sinch/simulator/index.ts';
import { checkpointKey } from '../../src/ingest/checkpoint.ts';
import { AGENT_STATUS_HISTORY } from '../../src/vendors/sinch/endpoint-specs.ts';
import { IncrementalPoller } from '../../src/ingest/incremental-poller.ts';
import { createPollerMetrics } from '../../src/ingest/metrics.ts';
import type { PollerMetrics } from '../../src/ingest/metrics.ts';
import { openPoller } from '../../src/ingest/poller-runtime.ts';
import { createTenantClient } from '../../src/vendors/sinch/tenant-client.ts';
import type { PollerRuntime } from '../../src/ingest/poller-runtime.ts';
import type { Clock } from '../../src/ingest/clock.ts';
import { compareKeys, freshStack, orderViolations, publishedKey, readTopic, tenantFor, truthKey } from './support/stack.ts';

const FROM = Date.parse('2024-03-04T00:00:00Z');
const FAULTS: Partial<FaultOptions> = {
  latencyMs: [0, 3],
  rate429: 0.03,
  retryAfterSeconds: 2,
  burst5xx: { probability: 0.01, length: 3 },
  resetRate: 0.03,
  timeoutRate: 0.004,
  malformedRate: 0.03,
  repeatRowsRate: 0.2,
  changeLagMaxMs: 20_000,
  lateVisibilityMaxMs: 120_000,
};

/** Simulated time shared by the simulator and the poller: sleeping advances it, nothing waits for real. */
function virtualTime(start: number): Clock & { advance(ms: number): void; offset(): number } {
  let offset = 0;
  return {
    now: () => start + offset,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      offset += Math.max(0, ms);
    },
    advance: (ms) => {
      offset += ms;
    },
    offset: () => offset,
  };
}

interface DayRun {
  readonly metrics: PollerMetrics;
  readonly simulator: RunningSimulator;
  readonly polls: number;
}

async function runDay(hours: number, settings: { safetyLagMs: number; overlapMs: number; intervalMs: number }, stack: Awaited<ReturnType<typeof freshStack>>): Promise<DayRun> {
  const to = FROM + hours * 3_600_000;
  const clock = virtualTime(FROM);
  const simulator = await startSimulator({
    seed: 11, agents: 20, from: FROM, to, faults: FAULTS, faultSeed: 5,
    clock: { mode: 'accelerated', speed: 1, startedAt: 0 }, realClock: () => clock.offset(),
    credentials: { username: 'api', password: 'secret' },
  });
  const tenant = tenantFor(simulator.url, { pageSize: 20, requestTimeoutMs: 300, maxAttempts: 8, backoffBaseMs: 200, backoffMaxMs: 5000, rateLimitPerSecond: 50, rateLimitBurst: 20, safetyLagMs: settings.safetyLagMs, overlapMs: settings.overlapMs, pollIntervalMs: settings.intervalMs });
  const metrics = createPollerMetrics();
  const runtime: PollerRuntime = { config: stack.config, kafka: stack.kafka, serde: stack.serde, logger: stack.logger, clock, metrics, random: () => 0.5 };
  const key = checkpointKey(tenant.id, 'agentStatusHistory');
  const { ctx, restored } = await openPoller(runtime, tenant, createTenantClient(runtime, tenant), AGENT_STATUS_HISTORY, 'agentStatusHistory', key);
  const poller = new IncrementalPoller(AGENT_STATUS_HISTORY, ctx, { overlapMs: tenant.overlapMs, safetyLagMs: tenant.safetyLagMs, maxRangeMs: tenant.maxRangeMs, granularityMs: 1, initialStart: FROM, checkpointKey: key, emitWatermark: true }, restored);
  let polls = 0;
  try {
    while ((poller.checkpoint?.highMark ?? FROM) < to) {
      clock.advance(settings.intervalMs);
      try {
        await poller.pollOnce();
        polls++;
      } catch (error) {
        if (!(error instanceof Error) || !('retriable' in error) || error.retriable !== true) throw error;
      }
    }
  } finally {
    await ctx.publisher.disconnect();
  }
  return { metrics, simulator, polls };
}

describe('a simulated day with faults, polled into Kafka', () => {
  const simulators: RunningSimulator[] = [];
  afterAll(async () => {
    await Promise.all(simulators.map((s) => s.close()));
  });

  it('publishes every ground-truth row exactly once, in per-agent changeTimestamp order (safety lag ≥ visibility lag)', async () => {
    const stack = await freshStack();
    const run = await runDay(24, { safetyLagMs: 150_000, overlapMs: 600_000, intervalMs: 300_000 }, stack);
    simulators.push(run.simulator);
    const truth = run.simulator.groundTruth().agentStatusHistory;
    const records = await readTopic(stack, 'raw.sinch.agent-status-history');
    const { duplicates, missing, extra } = compareKeys(records.map((r) => publishedKey(r.value)), truth.map(truthKey));
    expect({ duplicates: duplicates.length, missing: missing.length, extra: extra.length }).toEqual({ duplicates: 0, missing: 0, extra: 0 });
    expect(records).toHaveLength(truth.length);
    expect(orderViolations(records)).toEqual([]);
    expect(records.every((r) => r.key === r.value['userId'])).toBe(true);
    const stats = run.simulator.stats();
    for (const fault of ['fault:429', 'fault:5xx', 'fault:reset', 'fault:timeout', 'fault:malformed', 'fault:repeatRows']) expect(stats[fault] ?? 0, fault).toBeGreaterThan(0);
    expect(run.metrics.total('duplicates_dropped')).toBeGreaterThan(0);
    expect(run.metrics.total('retries')).toBeGreaterThan(0);
    const watermarks = await readTopic(stack, 'control.poll-watermarks');
    expect(watermarks).toHaveLength(run.polls);
    expect(Math.max(...watermarks.map((w) => Number(w.value['watermark'])))).toBeGreaterThanOrEqual(FROM + 24 * 3_600_000 - 1);
  }, 150_000);

  it('catches rows that become visible late within the overlap, still exactly once (safety lag < visibility lag ≤ overlap)', async () => {
    const stack = await freshStack();
    const run = await runDay(8, { safetyLagMs: 5_000, overlapMs: 300_000, intervalMs: 60_000 }, stack);
    simulators.push(run.simulator);
    const truth = run.simulator.groundTruth().agentStatusHistory;
    const records = await readTopic(stack, 'raw.sinch.agent-status-history');
    const { duplicates, missing, extra } = compareKeys(records.map((r) => publishedKey(r.value)), truth.map(truthKey));
    expect({ duplicates: duplicates.length, missing: missing.length, extra: extra.length }).toEqual({ duplicates: 0, missing: 0, extra: 0 });
    expect(run.metrics.total('late_rows')).toBeGreaterThan(0);
    expect(run.metrics.total('max_lateness_ms')).toBeLessThanOrEqual(300_000);
    expect(orderViolations(records).length).toBeLessThanOrEqual(run.metrics.total('late_rows'));
  }, 150_000);
});
