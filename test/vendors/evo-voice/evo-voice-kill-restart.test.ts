import { afterAll, describe, expect, it } from 'vitest';
import { Prng } from '../../../src/core/random/prng.ts';
import { restoreCheckpoints } from '../../../src/ingest/checkpoint-store.ts';
import type { RunningEvoSimulator } from '../../../src/vendors/evo-voice/simulator/index.ts';
import { startEvoSimulator } from '../../../src/vendors/evo-voice/simulator/index.ts';
import { spawnPoller } from '../../ingest/support/poller-process.ts';
import { freshStack, readTopic } from '../../ingest/support/stack.ts';
import { safetyLagFor, simulatedDay } from './support/simulated-day.ts';
import { compareIds, expectedTruthIds, rowTruthIds } from './support/evo-truth.ts';

const KEY = 'northwind|evo-voice/agent-state';

describe('SIGKILL and restart of the Evo Voice poller process', () => {
  let sim: RunningEvoSimulator | undefined;
  afterAll(async () => {
    await sim?.close();
  });

  it('re-attaches to the job in flight and leaves no gap and no duplicate in raw.evovoice.agent-states', async () => {
    const stack = await freshStack();
    const options = simulatedDay({ seed: 53, jobs: { queuedMs: 150, runningMs: 600 } });
    sim = await startEvoSimulator(options);
    const tenants = [{
      id: 'northwind', baseUrl: sim.url, accountId: sim.accounts[0]?.id, credentials: { username: 'poller@northwind', passwordEnv: 'EVO_PASSWORD' }, startAt: new Date(options.from).toISOString(),
      windowMs: 3_600_000, safetyLagMs: safetyLagFor(options), pollIntervalMs: 200, jobPollInitialMs: 50, jobPollMaxMs: 200, maxWaitForJobMs: 20_000, backoffBaseMs: 20, backoffMaxMs: 200, rateLimitPerSecond: 1000, rateLimitBurst: 100,
      billing: { enabled: false },
    }];
    const env = { ...stack.env, EVO_VOICE_TENANTS: JSON.stringify(tenants), EVO_PASSWORD: 'evo-s3cret' };
    const checkpointsTopic = `${stack.config.topicPrefix}control.poller-checkpoints`;
    const random = new Prng(7);
    const inFlightAtKill: Array<{ id: string; windowStart: number }> = [];
    const marks: number[] = [];
    for (let i = 0; i < 4; i++) {
      const poller = spawnPoller([], { ...env, LOG_LEVEL: 'info' });
      const deadline = Date.now() + 60_000;
      while (!poller.stderr().includes('report window committed')) {
        if (Date.now() > deadline) throw new Error(`poller ${i} committed no window within 60 s:\n${poller.stderr()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random.next() * 1000)));
      poller.child.kill('SIGKILL');
      expect(await poller.exited, poller.stderr()).toBe('SIGKILL');
      expect(poller.stderr()).not.toContain('evo-s3cret');
      const checkpoint = (await restoreCheckpoints(stack.kafka, stack.serde, checkpointsTopic, [KEY])).get(KEY);
      marks.push(checkpoint?.highMark ?? 0);
      if (checkpoint?.reportJob) inFlightAtKill.push({ id: checkpoint.reportJob.id, windowStart: checkpoint.reportJob.windowStart });
    }
    const last = spawnPoller(['--once'], { ...env, LOG_LEVEL: 'debug' });
    expect(await last.exited, last.stderr()).toBe(0);
    expect(last.stderr()).not.toContain('evo-s3cret');
    expect(last.stderr()).not.toContain(Buffer.from('poller@northwind:evo-s3cret').toString('base64'));

    const records = await readTopic(stack, 'raw.evovoice.agent-states');
    const { duplicates, missing, extra } = compareIds(rowTruthIds(records.map((r) => r.value)), expectedTruthIds(options, options.to));
    expect({ duplicates, missing, extra }).toEqual({ duplicates: [], missing: [], extra: [] });
    const final = (await restoreCheckpoints(stack.kafka, stack.serde, checkpointsTopic, [KEY])).get(KEY);
    expect(final?.highMark).toBe(options.to);
    expect(new Set(marks.filter((m) => m > options.from && m < options.to)).size, `high marks at the kills: ${marks.map((m) => new Date(m).toISOString()).join(', ')}`).toBeGreaterThanOrEqual(2);
    expect(inFlightAtKill.length, 'a kill with a job in flight').toBeGreaterThan(0);
    for (const job of inFlightAtKill) {
      const rows = records.filter((r) => r.value['windowStart'] === job.windowStart);
      expect(rows.every((r) => r.value['reportId'] === job.id), `rows of the window of job ${job.id} come from that job`).toBe(true);
    }
    const submissions = sim.stats()['route:agent-state-report'] ?? 0;
    expect(submissions).toBeLessThanOrEqual(24 + 4);
  }, 180_000);
});
