import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/vendors/sinch/simulator/index.ts';
import type { RunningSimulator } from '../../src/vendors/sinch/simulator/index.ts';
import { restoreCheckpoints } from '../../src/ingest/checkpoint-store.ts';
import { compareKeys, freshStack, orderViolations, publishedKey, readTopic, rowTime, truthKey } from './support/stack.ts';
import { spawnPoller } from './support/poller-process.ts';
import { Prng } from '../../src/core/random/prng.ts';

describe('SIGKILL and restart of the poller process', () => {
  let simulator: RunningSimulator | undefined;
  afterAll(async () => {
    await simulator?.close();
  });

  it('leaves no gap and no duplicate in the raw topic for read_committed consumers', async () => {
    const stack = await freshStack();
    const realNow = Date.now();
    const from = Math.floor(realNow / 86_400_000) * 86_400_000 - 86_400_000 + 6 * 3_600_000;
    simulator = await startSimulator({
      seed: 23, agents: 30, from, to: from + 12 * 3_600_000,
      clock: { mode: 'historical' },
      faults: { rate429: 0.03, retryAfterSeconds: 1, burst5xx: { probability: 0.02, length: 2 }, resetRate: 0.02, malformedRate: 0.02, repeatRowsRate: 0.2, latencyMs: [0, 5] },
      credentials: { username: 'api', password: 'secret' },
    });
    const startAt = new Date(from).toISOString();
    const tenants = [{ id: 'acme', baseUrl: simulator.url, credentials: { username: 'api', passwordEnv: 'ACME_PASSWORD' }, endpoints: ['agentStatusHistory'], startAt, pollIntervalMs: 300, safetyLagMs: 3000, overlapMs: 60_000, maxRangeMs: 1_800_000, pageSize: 25, requestTimeoutMs: 2000, backoffBaseMs: 50, backoffMaxMs: 1000, rateLimitPerSecond: 500, rateLimitBurst: 50 }];
    const env = { ...stack.env, SINCH_TENANTS: JSON.stringify(tenants), ACME_PASSWORD: 'secret' };

    const random = new Prng(99);
    const kills: number[] = [];
    const marks: number[] = [];
    const checkpointsTopic = `${stack.config.topicPrefix}control.poller-checkpoints`;
    for (let i = 0; i < 4; i++) {
      const poller = spawnPoller([], env);
      const after = 2500 + Math.floor(random.next() * 3000);
      await new Promise((resolve) => setTimeout(resolve, after));
      poller.child.kill('SIGKILL');
      expect(await poller.exited, poller.stderr()).toBe('SIGKILL');
      kills.push(after);
      marks.push((await restoreCheckpoints(stack.kafka, stack.serde, checkpointsTopic, ['acme|agentStatusHistory'])).get('acme|agentStatusHistory')?.highMark ?? 0);
    }
    const last = spawnPoller(['--once'], env);
    expect(await last.exited, last.stderr()).toBe(0);
    expect(last.stderr()).not.toContain('secret');

    const checkpoints = await restoreCheckpoints(stack.kafka, stack.serde, checkpointsTopic, ['acme|agentStatusHistory']);
    const highMark = checkpoints.get('acme|agentStatusHistory')?.highMark ?? 0;
    expect(new Set(marks.filter((m) => m > from && m < from + 12 * 3_600_000)).size, `high marks at the kills: ${marks.map((m) => new Date(m).toISOString()).join(', ')}`).toBeGreaterThanOrEqual(2);
    expect(highMark).toBeGreaterThan(realNow - 60_000);
    const truth = simulator.groundTruth().agentStatusHistory.filter((row) => rowTime(row) >= from && rowTime(row) < highMark);
    const records = await readTopic(stack, 'raw.sinch.agent-status-history');
    const { duplicates, missing, extra } = compareKeys(records.map((r) => publishedKey(r.value)), truth.map(truthKey));
    expect({ kills: kills.length, duplicates: duplicates.length, missing: missing.length, extra: extra.length }).toEqual({ kills: 4, duplicates: 0, missing: 0, extra: 0 });
    expect(truth.length).toBeGreaterThan(1000);
    expect(orderViolations(records)).toEqual([]);
  }, 120_000);

  it('shuts down gracefully on SIGTERM: exit 0, and a restart continues from the committed checkpoint', async () => {
    const stack = await freshStack();
    const from = Date.parse('2024-03-04T06:00:00Z');
    const sim = await startSimulator({ seed: 9, agents: 5, from, to: from + 3_600_000, clock: { mode: 'historical' }, credentials: { username: 'api', password: 'secret' } });
    try {
      const tenants = [{ id: 'acme', baseUrl: sim.url, credentials: { username: 'api', password: 'secret' }, endpoints: ['agentStatusHistory'], startAt: new Date(from).toISOString(), pollIntervalMs: 200, maxRangeMs: 60_000 }];
      const env = { ...stack.env, SINCH_TENANTS: JSON.stringify(tenants) };
      const poller = spawnPoller([], env);
      await new Promise((resolve) => setTimeout(resolve, 3500));
      const stoppedAt = Date.now();
      poller.child.kill('SIGTERM');
      expect(await poller.exited, poller.stderr()).toBe(0);
      expect(Date.now() - stoppedAt).toBeLessThan(5000);
      const key = 'acme|agentStatusHistory';
      const mark = (await restoreCheckpoints(stack.kafka, stack.serde, `${stack.config.topicPrefix}control.poller-checkpoints`, [key])).get(key)?.highMark ?? 0;
      expect(mark).toBeGreaterThan(from);
      const records = await readTopic(stack, 'raw.sinch.agent-status-history');
      const truth = sim.groundTruth().agentStatusHistory.filter((row) => rowTime(row) < mark);
      expect(compareKeys(records.map((r) => publishedKey(r.value)), truth.map(truthKey))).toEqual({ duplicates: [], missing: [], extra: [] });
    } finally {
      await sim.close();
    }
  }, 60_000);
});
