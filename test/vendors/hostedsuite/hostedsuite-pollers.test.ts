import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/config.ts';
import type { HostedSuiteTenant } from '../../../src/config/config.ts';
import type { Clock } from '../../../src/ingest/clock.ts';
import { systemClock } from '../../../src/ingest/clock.ts';
import { createPollerMetrics } from '../../../src/ingest/metrics.ts';
import type { PollerRuntime } from '../../../src/ingest/poller-runtime.ts';
import { runHostedSuitePollers } from '../../../src/vendors/hostedsuite/hostedsuite-pollers.ts';
import type { RunningHostedSuiteSimulator } from '../../../src/vendors/hostedsuite/simulator/index.ts';
import { isListed, startHostedSuiteSimulator } from '../../../src/vendors/hostedsuite/simulator/index.ts';
import { freshStack, readTopic } from '../../ingest/support/stack.ts';
import type { TestStack } from '../../ingest/support/stack.ts';

const HOUR = 3_600_000;
const ZONE = 'America/Chicago';
const LOGIN = { customerName: 'acme', userName: 'reports', password: 'pw' };
const from = Date.parse('2025-03-04T06:00:00.000Z');
const to = Date.parse('2025-03-05T06:00:00.000Z');
const OVERLAP = 3 * HOUR;

function tenantOf(sim: RunningHostedSuiteSimulator): HostedSuiteTenant {
  const tenants = [{
    id: 'acme', baseUrl: sim.url, credentials: { customerName: LOGIN.customerName, username: LOGIN.userName, password: LOGIN.password }, timeZone: ZONE,
    startAt: new Date(from).toISOString(), overlapMs: OVERLAP, safetyLagMs: 0, maxRangeMs: 2 * HOUR, pageSize: 9, pollIntervalMs: 100,
    requestTimeoutMs: 3_000, backoffBaseMs: 5, backoffMaxMs: 50, rateLimitPerSecond: 1000, rateLimitBurst: 1000,
  }];
  const tenant = parseConfig({ HOSTEDSUITE_TENANTS: JSON.stringify(tenants) }).hostedSuite.tenants[0];
  if (tenant === undefined) throw new Error('no tenant');
  return tenant;
}

/** One poller process: a new runtime each time (state only from the checkpoint topic), until caught up with the simulator's now. */
async function pollOnce(stack: TestStack, sim: RunningHostedSuiteSimulator): Promise<void> {
  const clock: Clock = { now: () => sim.now(), sleep: systemClock.sleep };
  const runtime: PollerRuntime = { config: stack.config, kafka: stack.kafka, serde: stack.serde, logger: stack.logger, clock, metrics: createPollerMetrics() };
  await runHostedSuitePollers(runtime, [tenantOf(sim)], { signal: AbortSignal.timeout(60_000), once: true });
}

describe('HostedSuite poller against the simulator on the real stack', () => {
  let sim: RunningHostedSuiteSimulator | undefined;
  afterEach(async () => sim?.close());

  it('publishes every answered call once, nothing again after a restart, and a call again only when its content changed (later WorkTime), with a later vendorPoll', async () => {
    const stack = await freshStack();
    const nowA = from + 13 * HOUR;
    sim = await startHostedSuiteSimulator({ seed: 5, agents: 5, from, to, zone: ZONE, clock: { mode: 'manual', now: nowA }, credentials: LOGIN, lateWorkShare: 0.3 });
    const calls = sim.calls;
    await pollOnce(stack, sim);
    const firstRecords = await readTopic(stack, 'raw.hostedsuite.calls');
    const first = firstRecords.map((r) => r.value);
    const listedA = calls.filter((c) => c.answeredBy !== null && isListed(c, nowA) && c.startAt < nowA);
    expect(listedA.length).toBeGreaterThan(30);
    expect(first.map((v) => v['Id']).sort()).toEqual(listedA.map((c) => c.id).sort());

    // a restarted poller at the same now re-queries the overlap and publishes nothing
    await pollOnce(stack, sim);
    expect((await readTopic(stack, 'raw.hostedsuite.calls')).length).toBe(first.length);

    // an hour later: work times recorded in that hour for calls inside the overlap are published again, nothing else is
    const nowB = nowA + HOUR;
    sim.setNow(nowB);
    await pollOnce(stack, sim);
    const allRecords = await readTopic(stack, 'raw.hostedsuite.calls');
    const all = allRecords.map((r) => r.value);
    const firstById = new Map(first.map((v) => [String(v['Id']), v]));
    const seen = new Set(firstRecords.map((r) => `${r.partition}|${r.offset}`));
    const again = allRecords.filter((r) => !seen.has(`${r.partition}|${r.offset}`) && firstById.has(String(r.value['Id']))).map((r) => r.value);
    const changed = listedA.filter((c) => c.workRecordedAt > nowA && c.workRecordedAt <= nowB && c.workMs > 0 && c.startAt >= nowA - OVERLAP);
    expect(changed.length).toBeGreaterThan(0);
    expect(again.map((v) => v['Id']).sort()).toEqual(changed.map((c) => c.id).sort());
    for (const v of again) {
      const before = firstById.get(String(v['Id']));
      expect(before?.['WorkTimeInSeconds']).toBe(0);
      expect(v['WorkTimeInSeconds']).toBe((calls.find((c) => c.id === v['Id'])?.workMs ?? -1) / 1000);
      expect(Number(v['vendorPoll'])).toBeGreaterThan(Number(before?.['vendorPoll']));
    }
    const ids = all.map((v) => `${String(v['Id'])}|${String(v['WorkTimeInSeconds'])}|${String(v['Notes'])}`);
    expect(new Set(ids).size).toBe(ids.length);
  }, 120_000);
});
