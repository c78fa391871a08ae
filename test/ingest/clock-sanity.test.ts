import { afterAll, describe, expect, it } from 'vitest';
import { checkpointKey } from '../../src/ingest/checkpoint.ts';
import type { PollerCheckpoint } from '../../src/ingest/checkpoint.ts';
import { rewindFutureCheckpoint, rowTimeVerdict } from '../../src/ingest/clock-sanity.ts';
import { AGENT_STATUS_HISTORY } from '../../src/vendors/sinch/endpoint-specs.ts';
import { IncrementalPoller } from '../../src/ingest/incremental-poller.ts';
import { createPollerMetrics } from '../../src/ingest/metrics.ts';
import { openPoller } from '../../src/ingest/poller-runtime.ts';
import { createTenantClient } from '../../src/vendors/sinch/tenant-client.ts';
import type { PollerRuntime } from '../../src/ingest/poller-runtime.ts';
import { startSimulator } from '../../src/vendors/sinch/simulator/index.ts';
import type { RunningSimulator } from '../../src/vendors/sinch/simulator/index.ts';
import { FakeClock } from './support/fake-clock.ts';
import { scriptedClient } from './support/quiet.ts';
import { freshStack, readTopic, tenantFor } from './support/stack.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const FROM = Date.parse('2024-03-04T00:00:00Z');
const CHECK = { maxLeadMs: 5 * MIN, lookbackMs: HOUR };

function checkpoint(highMark: number): PollerCheckpoint {
  return { tenant: 'acme', endpoint: 'agentStatusHistory', highMark, recentKeys: [{ key: 'k', time: highMark - 1 }], pollId: 'p', updatedAt: highMark };
}

describe('rewindFutureCheckpoint', () => {
  it('restarts a checkpoint more than the allowed lead ahead of the clock like a new poller, and keeps any other', () => {
    const now = FROM + 12 * HOUR;
    const policy = { safetyLagMs: MIN, granularityMs: 1 };
    expect(rewindFutureCheckpoint(checkpoint(now + 5 * MIN), now, CHECK, policy)).toBeUndefined();
    expect(rewindFutureCheckpoint(undefined, now, CHECK, policy)).toBeUndefined();
    expect(rewindFutureCheckpoint(checkpoint(now + 365 * DAY), now, CHECK, policy)).toMatchObject({ highMark: now - MIN - HOUR, recentKeys: [] });
  });
});

describe('rowTimeVerdict', () => {
  const range = { start: 10 * HOUR, end: 11 * HOUR };
  const now = 12 * HOUR;
  const exact = { exact: true, overlapMs: 10 * MIN, maxLeadMs: 5 * MIN };
  it('keeps rows in the range, counts rows just outside it, and dead-letters rows far outside or in the future', () => {
    expect(rowTimeVerdict(10 * HOUR, range, now, exact)).toBe('keep');
    expect(rowTimeVerdict(11 * HOUR, range, now, exact)).toBe('outside');
    expect(rowTimeVerdict(10 * HOUR - 15 * MIN, range, now, exact)).toBe('outside');
    expect(rowTimeVerdict(10 * HOUR - 15 * MIN - 1, range, now, exact)).toBe('row-time-outside-polled-range');
    expect(rowTimeVerdict(0, range, now, exact)).toBe('row-time-outside-polled-range');
    expect(rowTimeVerdict(now + 5 * MIN + 1, range, now, exact)).toBe('row-time-in-future');
    expect(rowTimeVerdict(0, range, now, { ...exact, exact: false })).toBe('keep');
    expect(rowTimeVerdict(now + DAY, range, now, { ...exact, exact: false })).toBe('row-time-in-future');
  });
});

describe('an incremental poller and bad clocks (real stack)', () => {
  const simulators: RunningSimulator[] = [];
  afterAll(async () => {
    await Promise.all(simulators.map((s) => s.close()));
  });

  it('rewinds a checkpoint written while the host clock was a year ahead and polls again, instead of idling for a year', async () => {
    const simulator = await startSimulator({ seed: 9, agents: 4, from: FROM, to: FROM + DAY, clock: { mode: 'historical' }, credentials: { username: 'api', password: 'secret' } });
    simulators.push(simulator);
    const stack = await freshStack();
    const clock = new FakeClock(FROM + 12 * HOUR);
    const metrics = createPollerMetrics();
    const runtime: PollerRuntime = { config: stack.config, kafka: stack.kafka, serde: stack.serde, logger: stack.logger, clock, metrics };
    const tenant = tenantFor(simulator.url, { rateLimitPerSecond: 1000, rateLimitBurst: 100 });
    const key = checkpointKey(tenant.id, 'agentStatusHistory');
    const { ctx } = await openPoller(runtime, tenant, createTenantClient(runtime, tenant), AGENT_STATUS_HISTORY, 'agentStatusHistory', key);
    const settings = { overlapMs: 10 * MIN, safetyLagMs: MIN, maxRangeMs: HOUR, granularityMs: 1, initialStart: FROM, checkpointKey: key, emitWatermark: true, clockCheck: CHECK };
    const poller = new IncrementalPoller(AGENT_STATUS_HISTORY, ctx, settings, checkpoint(clock.now() + 365 * DAY));
    try {
      const result = await poller.pollOnce();
      expect(result.kind).toBe('published');
      expect(result.kind === 'published' ? result.published : 0).toBeGreaterThan(0);
    } finally {
      await ctx.publisher.disconnect();
    }
    expect(poller.checkpoint?.highMark).toBe(clock.now() - MIN);
    expect(metrics.total('checkpoint_rewinds')).toBe(1);
    const watermarks = await readTopic(stack, 'control.poll-watermarks');
    expect(watermarks.map((w) => Number(w.value['watermark']))).toEqual([clock.now() - MIN - 1]);
  });

  it('dead-letters rows whose change time is far outside the polled range and counts rows just outside it', async () => {
    const stack = await freshStack();
    const clock = new FakeClock(FROM + 12 * HOUR);
    const metrics = createPollerMetrics();
    const runtime: PollerRuntime = { config: stack.config, kafka: stack.kafka, serde: stack.serde, logger: stack.logger, clock, metrics };
    const at = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
    const row = (sessionId: string, changeAt: number) => ({ sessionId, userId: 'E936C474B22311D38FBE0090279A922E', userName: 'Fox, John', status: 'Waiting', statusTimestamp: at(changeAt), changeTimeStamp: at(changeAt) });
    const rows = [row('S-in-range', FROM + 11 * HOUR + 30 * MIN), row('S-zero-date', 0), row('S-just-after', FROM + 12 * HOUR - 30_000), row('S-next-year', FROM + 12 * HOUR + 365 * DAY)];
    const impl = (async (input: string | URL | Request) => {
      const offset = Number(new URL(String(input)).searchParams.get('offset') ?? 0);
      return new Response(JSON.stringify(offset === 0 ? rows : []), { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    const { client } = scriptedClient(clock, impl);
    const tenant = tenantFor('http://vendor.invalid/RI/rai/', {});
    const key = checkpointKey(tenant.id, 'agentStatusHistory');
    const { ctx } = await openPoller(runtime, tenant, client, AGENT_STATUS_HISTORY, 'agentStatusHistory', key);
    const settings = { overlapMs: 0, safetyLagMs: MIN, maxRangeMs: HOUR, granularityMs: 1, initialStart: FROM + 11 * HOUR, checkpointKey: key, emitWatermark: true, clockCheck: CHECK };
    const poller = new IncrementalPoller(AGENT_STATUS_HISTORY, ctx, settings, undefined);
    try {
      const result = await poller.pollOnce();
      expect(result).toMatchObject({ kind: 'published', published: 1, rejected: 2 });
    } finally {
      await ctx.publisher.disconnect();
    }
    const raw = await readTopic(stack, 'raw.sinch.agent-status-history');
    expect(raw.map((r) => r.value['sessionId'])).toEqual(['S-in-range']);
    const letters = await readTopic(stack, 'ops.dead-letter');
    const codes = letters.map((l) => [JSON.parse((l.value['originalValue'] as Buffer).toString('utf8')).sessionId, l.value['errorCode']]);
    expect(codes.sort()).toEqual([['S-next-year', 'row-time-in-future'], ['S-zero-date', 'row-time-outside-polled-range']]);
    expect(metrics.total('rows_time_out_of_range')).toBe(2);
    expect(metrics.total('out_of_range_rows')).toBe(1);
  });
});
