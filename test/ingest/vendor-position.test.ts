import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/vendors/sinch/simulator/index.ts';
import type { RunningSimulator } from '../../src/vendors/sinch/simulator/index.ts';
import type { Clock } from '../../src/ingest/clock.ts';
import { checkpointKey } from '../../src/ingest/checkpoint.ts';
import { AGENT_STATUS_HISTORY } from '../../src/vendors/sinch/endpoint-specs.ts';
import { IncrementalPoller } from '../../src/ingest/incremental-poller.ts';
import { createPollerMetrics } from '../../src/ingest/metrics.ts';
import { openPoller } from '../../src/ingest/poller-runtime.ts';
import { createTenantClient } from '../../src/vendors/sinch/tenant-client.ts';
import type { PollerRuntime } from '../../src/ingest/poller-runtime.ts';
import type { RawRecord } from './support/stack.ts';
import { compareKeys, freshStack, publishedKey, readTopic, tenantFor, truthKey } from './support/stack.ts';

const FROM = Date.parse('2024-03-04T06:00:00Z');
const HOURS = 5;

/**
 * Every published agentStatusHistory record says where the vendor listed it (vendorPoll, vendorRow), and that
 * position is the vendor's order: within one poll across small pages whose offsets shift (repeated rows), and across
 * polls when rows become visible late and the overlap re-poll sees the earlier ones again (they are not republished).
 */
describe('the poller stamps the vendor row order', () => {
  let simulator: RunningSimulator | undefined;
  afterAll(async () => {
    await simulator?.close();
  });

  it('vendorPoll orders the polls, vendorRow the rows of a poll, and per session both give the write order', async () => {
    const stack = await freshStack();
    let offset = 0;
    const clock: Clock = { now: () => FROM + offset, sleep: async (ms) => void (offset += Math.max(0, ms)) };
    simulator = await startSimulator({
      seed: 11, agents: 12, from: FROM, to: FROM + HOURS * 3_600_000, credentials: { username: 'api', password: 'secret' },
      faults: { repeatRowsRate: 0.3, changeLagMaxMs: 20_000, lateVisibilityMaxMs: 120_000 }, faultSeed: 2,
      clock: { mode: 'accelerated', speed: 1, startedAt: 0 }, realClock: () => offset,
    });
    const tenant = tenantFor(simulator.url, { pageSize: 13, rateLimitPerSecond: 1000, rateLimitBurst: 100, safetyLagMs: 5_000, overlapMs: 300_000 });
    const metrics = createPollerMetrics();
    const runtime: PollerRuntime = { config: stack.config, kafka: stack.kafka, serde: stack.serde, logger: stack.logger, clock, metrics, random: () => 0.5 };
    const key = checkpointKey(tenant.id, 'agentStatusHistory');
    const { ctx, restored } = await openPoller(runtime, tenant, createTenantClient(runtime, tenant), AGENT_STATUS_HISTORY, 'agentStatusHistory', key);
    const poller = new IncrementalPoller(AGENT_STATUS_HISTORY, ctx, { overlapMs: tenant.overlapMs, safetyLagMs: tenant.safetyLagMs, maxRangeMs: tenant.maxRangeMs, granularityMs: 1, initialStart: FROM, checkpointKey: key, emitWatermark: true }, restored);
    const pollEnds: number[] = [];
    try {
      while ((poller.checkpoint?.highMark ?? FROM) < FROM + HOURS * 3_600_000) {
        offset += 60_000;
        const result = await poller.pollOnce();
        if (result.kind === 'published') pollEnds.push(result.poll.range.end);
      }
    } finally {
      await ctx.publisher.disconnect();
    }

    const truth = simulator.groundTruth().agentStatusHistory;
    const records = await readTopic(stack, 'raw.sinch.agent-status-history');
    expect(compareKeys(records.map((r) => publishedKey(r.value)), truth.map(truthKey))).toEqual({ duplicates: [], missing: [], extra: [] });
    expect(metrics.total('late_rows')).toBeGreaterThan(0);
    expect(metrics.total('duplicates_dropped')).toBeGreaterThan(0);

    // the served order: the simulator lists rows by changeTimestamp, userId, write order; a query serves a subsequence
    const servedIndex = new Map(truth.map((row, i) => [truthKey(row), i]));
    const indexOf = (r: RawRecord): number => servedIndex.get(publishedKey(r.value)) ?? -1;
    const position = (r: RawRecord): [number, number] => [Number(r.value['vendorPoll']), Number(r.value['vendorRow'])];
    const byPosition = (a: RawRecord, b: RawRecord): number => position(a)[0] - position(b)[0] || position(a)[1] - position(b)[1];

    const polls = new Set(pollEnds);
    for (const r of records) {
      expect(polls.has(Number(r.value['vendorPoll'])), `vendorPoll ${String(r.value['vendorPoll'])}`).toBe(true);
      expect(Number.isSafeInteger(r.value['vendorRow']) && Number(r.value['vendorRow']) >= 0).toBe(true);
    }
    const increasing = (list: readonly RawRecord[]): boolean => list.every((r, i) => i === 0 || indexOf(list[i - 1] as RawRecord) < indexOf(r));

    const perPoll = Map.groupBy(records, (r) => Number(r.value['vendorPoll']));
    expect(perPoll.size).toBeGreaterThan(HOURS * 30);
    for (const [poll, list] of perPoll) expect(increasing([...list].sort(byPosition)), `poll ${poll}`).toBe(true);

    const perSession = Map.groupBy(records, (r) => String(r.value['sessionId']));
    let spanningPolls = 0;
    for (const [session, list] of perSession) {
      const ordered = [...list].sort(byPosition);
      expect(increasing(ordered), `session ${session}`).toBe(true);
      if (new Set(list.map((r) => r.value['vendorPoll'])).size > 1) spanningPolls++;
    }
    expect(spanningPolls).toBeGreaterThan(0);
  }, 180_000);
});
