import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/config.ts';
import { systemClock } from '../../../src/ingest/clock.ts';
import { createPollerMetrics } from '../../../src/ingest/metrics.ts';
import { createLogger } from '../../../src/runtime/logger.ts';
import { runEvoVoicePollers } from '../../../src/vendors/evo-voice/evo-voice-pollers.ts';
import { JobWaker } from '../../../src/vendors/evo-voice/job-waker.ts';
import type { RunningEvoSimulator } from '../../../src/vendors/evo-voice/simulator/index.ts';
import { startEvoSimulator } from '../../../src/vendors/evo-voice/simulator/index.ts';
import { WebhookReceiver } from '../../../src/vendors/evo-voice/webhook-receiver.ts';
import { freshStack, readTopic } from '../../ingest/support/stack.ts';
import { compareIds, expectedTruthIds, rowTruthIds } from './support/evo-truth.ts';
import { CREDENTIALS, safetyLagFor, simulatedDay } from './support/simulated-day.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('WebhookReceiver', () => {
  it('wakes the waiter of the posted report id, and answers 204, 400, 404, 405 and nothing else', async () => {
    const metrics = createPollerMetrics();
    const receiver = await WebhookReceiver.start({ host: '127.0.0.1', port: 0, logger: createLogger('silent'), metrics });
    try {
      const waker = new JobWaker(systemClock);
      receiver.register('acme', waker);
      const url = `${receiver.address}/evo-voice/webhook/acme`;
      const started = Date.now();
      const waiting = waker.wait('65f0c0ffee0000000000abcd', 60_000);
      const post = (body: string, target = url, method = 'POST') => fetch(target, { method, headers: { 'content-type': 'application/json' }, ...(method === 'GET' ? {} : { body }) }).then((r) => r.status);
      expect(await post(JSON.stringify({ id: '65f0c0ffee0000000000abcd', status: 'Completed', rows: [{ agentId: 'forged' }] }))).toBe(204);
      await waiting;
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(await post('{"status":"Completed"}')).toBe(400);
      expect(await post('not json')).toBe(400);
      expect(await post('{"id":"x"}', `${receiver.address}/evo-voice/webhook/other`)).toBe(404);
      expect(await post('', url, 'GET')).toBe(405);
      expect(metrics.total('report_webhook_wakes')).toBe(1);
    } finally {
      await receiver.close();
    }
  });
});

describe('Evo Voice webhook against the simulator on the real stack', () => {
  let sim: RunningEvoSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
  });

  async function run(webhookPort: number, publicPort: number, overrides: Record<string, unknown>) {
    const stack = await freshStack();
    const options = simulatedDay({ seed: 61, agents: 4, webhook: { retries: 0, timeoutMs: 500 } });
    sim = await startEvoSimulator(options);
    const tenants = [{
      id: 'northwind', baseUrl: sim.url, accountId: sim.accounts[0]?.id, credentials: CREDENTIALS, startAt: new Date(options.from).toISOString(),
      safetyLagMs: safetyLagFor(options), pollIntervalMs: 200, backoffBaseMs: 20, backoffMaxMs: 200, rateLimitPerSecond: 1000, rateLimitBurst: 100, billing: { enabled: false },
      webhook: { enabled: true, publicBaseUrl: `http://127.0.0.1:${publicPort}`, host: '127.0.0.1', port: webhookPort }, ...overrides,
    }];
    const tenant = parseConfig({ EVO_VOICE_TENANTS: JSON.stringify(tenants) }).evoVoice.tenants;
    const runtime = { config: stack.config, kafka: stack.kafka, serde: stack.serde, logger: stack.logger, clock: systemClock, metrics: createPollerMetrics() };
    const started = Date.now();
    await runEvoVoicePollers(runtime, tenant, { signal: AbortSignal.timeout(100_000), once: true });
    const records = await readTopic(stack, 'raw.evovoice.agent-states');
    const compared = compareIds(rowTruthIds(records.map((r) => r.value)), expectedTruthIds(options, options.to));
    return { compared, metrics: runtime.metrics, stats: sim.stats(), elapsed: Date.now() - started };
  }

  it('completion webhooks wake the poller at once: a day of hourly windows with 20 s status polls takes seconds', async () => {
    const port = await freePort();
    const { compared, metrics, stats, elapsed } = await run(port, port, { jobPollInitialMs: 20_000, jobPollMaxMs: 20_000, maxWaitForJobMs: 600_000 });
    expect(compared).toEqual({ duplicates: [], missing: [], extra: [] });
    expect(stats['webhook:delivered']).toBe(24);
    expect(metrics.total('report_webhook_wakes')).toBe(24);
    expect(elapsed).toBeLessThan(90_000);
  }, 120_000);

  it('webhooks that never come change nothing: status polling finds every report', async () => {
    const port = await freePort();
    const unreachable = await freePort();
    const { compared, metrics, stats } = await run(port, unreachable, { jobPollInitialMs: 20, jobPollMaxMs: 200, maxWaitForJobMs: 10_000 });
    expect(compared).toEqual({ duplicates: [], missing: [], extra: [] });
    expect(stats['webhook:givenUp']).toBe(24);
    expect(metrics.total('report_webhook_wakes')).toBe(0);
    expect(metrics.total('report_jobs_completed')).toBe(24);
  }, 120_000);
});
