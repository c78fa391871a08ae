import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../src/core/time/timestamp.ts';
import { checkpointKey } from '../../src/ingest/checkpoint.ts';
import { systemClock } from '../../src/ingest/clock.ts';
import { AGENT_STATUS_HISTORY } from '../../src/vendors/sinch/endpoint-specs.ts';
import { IncrementalPoller } from '../../src/ingest/incremental-poller.ts';
import { createPollerMetrics } from '../../src/ingest/metrics.ts';
import { openPoller } from '../../src/ingest/poller-runtime.ts';
import { createTenantClient } from '../../src/vendors/sinch/tenant-client.ts';
import type { PollerRuntime } from '../../src/ingest/poller-runtime.ts';
import { startSimulator } from '../../src/vendors/sinch/simulator/index.ts';
import type { RunningSimulator } from '../../src/vendors/sinch/simulator/index.ts';
import { freshStack, publishedKey, readTopic, tenantFor, truthKey } from './support/stack.ts';

const FROM = Date.parse('2024-03-04T00:00:00Z');
const DAY = 86_400_000;
const credentials = { username: 'api', password: 'secret' };
const timeOf = (row: Record<string, unknown>): number => parseTimestamp(String(row['changeTimestamp'] ?? row['changeTimeStamp']));

/** A vendor in front of `target` that ignores endTime, so it also returns rows after the queried range. */
async function endTimeIgnoringVendor(target: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://vendor');
    url.searchParams.delete('endTime');
    fetch(`${target}${url.pathname.replace(/^\/RI\/rai/, '')}${url.search}`, { headers: { authorization: req.headers.authorization ?? '', accept: 'application/json' } })
      .then(async (answer) => {
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
        res.end(await answer.text());
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/RI/rai`, server };
}

/** One agentStatusHistory poll through the real Kafka stack, against vendors that bend the paging and range rules. */
describe('incremental poller against a capped or sloppy vendor', () => {
  const simulators: RunningSimulator[] = [];
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) server.closeAllConnections();
    await Promise.all([...simulators.map((s) => s.close()), ...servers.map((s) => new Promise((resolve) => s.close(resolve)))]);
  });

  async function pollOnce(baseUrl: string, end: number) {
    const stack = await freshStack();
    const metrics = createPollerMetrics();
    const runtime: PollerRuntime = { config: stack.config, kafka: stack.kafka, serde: stack.serde, logger: stack.logger, clock: systemClock, metrics };
    const tenant = tenantFor(baseUrl, { pageSize: 1_000, rateLimitPerSecond: 1_000, rateLimitBurst: 100 });
    const key = checkpointKey(tenant.id, 'agentStatusHistory');
    const { ctx } = await openPoller(runtime, tenant, createTenantClient(runtime, tenant), AGENT_STATUS_HISTORY, 'agentStatusHistory', key);
    const poller = new IncrementalPoller(AGENT_STATUS_HISTORY, ctx, { overlapMs: 0, safetyLagMs: 0, maxRangeMs: DAY, granularityMs: 1, initialStart: FROM, stopAt: end, checkpointKey: key, emitWatermark: true }, undefined);
    try {
      const result = await poller.pollOnce();
      const published = await readTopic(stack, 'raw.sinch.agent-status-history');
      return { result, published, metrics };
    } finally {
      await ctx.publisher.disconnect();
    }
  }

  it('publishes all 2,500 rows of a range when the vendor serves at most 500 per request', async () => {
    const sim = await startSimulator({ seed: 12, agents: 30, from: FROM, to: FROM + DAY, clock: { mode: 'historical' }, credentials, faults: { pageCap: 500 } });
    simulators.push(sim);
    const truth = sim.groundTruth().agentStatusHistory;
    const end = timeOf(truth[2_500]!);
    const { result, published, metrics } = await pollOnce(sim.url, end);
    expect(result).toMatchObject({ kind: 'published', fetched: 2_500, published: 2_500 });
    expect(published.map((r) => publishedKey(r.value)).sort()).toEqual(truth.slice(0, 2_500).map(truthKey).sort());
    expect(metrics.total('short_pages')).toBe(4);
    expect(metrics.total('requests')).toBe(6);
  });

  it('counts and does not publish rows outside the queried range', async () => {
    const sim = await startSimulator({ seed: 13, agents: 5, from: FROM, to: FROM + DAY, clock: { mode: 'historical' }, credentials });
    simulators.push(sim);
    const vendor = await endTimeIgnoringVendor(sim.url);
    servers.push(vendor.server);
    const truth = sim.groundTruth().agentStatusHistory;
    const end = FROM + 12 * 3_600_000;
    const inRange = truth.filter((row) => timeOf(row) < end);
    expect(inRange.length).toBeGreaterThan(0);
    expect(inRange.length).toBeLessThan(truth.length);
    const { published, metrics } = await pollOnce(vendor.url, end);
    expect(published.map((r) => publishedKey(r.value)).sort()).toEqual(inRange.map(truthKey).sort());
    expect(metrics.total('out_of_range_rows')).toBe(truth.length - inRange.length);
  });
});
