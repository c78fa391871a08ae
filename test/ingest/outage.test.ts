import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/vendors/sinch/simulator/index.ts';
import type { RunningSimulator } from '../../src/vendors/sinch/simulator/index.ts';
import { restoreCheckpoints } from '../../src/ingest/checkpoint-store.ts';
import { compareKeys, freshStack, publishedKey, readTopic, rowTime, truthKey } from './support/stack.ts';
import { spawnPoller } from './support/poller-process.ts';
import { tcpGate } from './support/tcp-gate.ts';
import type { TcpGate } from './support/tcp-gate.ts';
import { freePort } from '../processor/support/service-restarts.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Longer than kafkajs' whole retry budget for connecting a transactional producer (about 20 s with our settings). */
const OUTAGE_MS = 40_000;
/** How long the poller may take to publish the two simulated hours once the broker is back (about 5 s when idle). */
const CATCH_UP_MS = 120_000;
/** How long after catching up /readyz may still answer 503 (its dependency probe runs every 2 s). */
const READY_WITHIN_MS = 15_000;
/** How long a SIGTERM may take to stop the poller (an in-flight transaction finishes first). */
const STOP_WITHIN_MS = 20_000;

async function readyz(port: number): Promise<{ status: number; body: { checks?: Record<string, string> } }> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: (await response.json()) as { checks?: Record<string, string> } };
}

/**
 * The poller process starts while the broker cannot be reached (its bootstrap address is a closed TCP gate) and
 * stays so for longer than every client retry budget. It must not exit, must say it is not ready on /readyz and in
 * `agent_timelines_poller_up`, and once the broker is reachable it must publish every row exactly once.
 */
describe('poller process during a broker outage', () => {
  let simulator: RunningSimulator | undefined;
  let gate: TcpGate | undefined;
  afterAll(async () => {
    await gate?.close();
    await simulator?.close();
  });

  it('waits out a broker outage at start-up, reports it, then publishes every row exactly once', async () => {
    const stack = await freshStack();
    const [host = '127.0.0.1', brokerPort = '9092'] = (stack.config.kafka.brokers[0] ?? '').split(':');
    gate = await tcpGate(host, Number(brokerPort));
    const from = Date.parse('2024-03-04T06:00:00Z');
    simulator = await startSimulator({ seed: 5, agents: 15, from, to: from + 2 * 3_600_000, clock: { mode: 'historical' }, credentials: { username: 'api', password: 'secret' } });
    const tenants = [{ id: 'acme', baseUrl: simulator.url, credentials: { username: 'api', password: 'secret' }, endpoints: ['agentStatusHistory'], startAt: new Date(from).toISOString(), pollIntervalMs: 200, maxRangeMs: 1_800_000, backoffBaseMs: 100, backoffMaxMs: 2_000 }];
    const opsPort = await freePort();
    const env = { ...stack.env, LOG_LEVEL: 'info', KAFKA_BROKERS: `127.0.0.1:${gate.port}`, SINCH_TENANTS: JSON.stringify(tenants), POLLER_METRICS_PORT: String(opsPort) };
    const poller = spawnPoller([], env);
    let exitedEarly: number | string | null = null;
    void poller.exited.then((code) => {
      exitedEarly = code;
    });
    try {
      await sleep(5_000);
      const during = await readyz(opsPort);
      expect(during.status, poller.stderr()).toBe(503);
      expect(during.body.checks?.['kafka']).toBe('unreachable');
      const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
      expect(metrics).toMatch(/^agent_timelines_poller_up\{tenant="acme",endpoint="agentStatusHistory"\} 0$/m);
      await sleep(OUTAGE_MS - 5_000);
      expect(exitedEarly, `the poller exited during the outage:\n${poller.stderr().slice(-3_000)}`).toBeNull();

      await gate.open();
      const key = 'acme|agentStatusHistory';
      const checkpoints = `${stack.config.topicPrefix}control.poller-checkpoints`;
      let highMark = 0;
      const caughtUpBy = Date.now() + CATCH_UP_MS;
      while (highMark < from + 2 * 3_600_000 && Date.now() < caughtUpBy) {
        await sleep(500);
        highMark = (await restoreCheckpoints(stack.kafka, stack.serde, checkpoints, [key])).get(key)?.highMark ?? 0;
      }
      expect(highMark, `the poller caught up within ${CATCH_UP_MS} ms after the outage:\n${poller.stderr().slice(-4_000)}`).toBeGreaterThanOrEqual(from + 2 * 3_600_000);
      // readiness comes from a dependency probe every 2 s with its own timeout: under load one probe may time out, so
      // the poller must turn ready within a few probes, not at the very instant it caught up
      let ready = 0;
      for (const readyBy = Date.now() + READY_WITHIN_MS; ready !== 200 && Date.now() < readyBy; await sleep(500)) ready = (await readyz(opsPort)).status;
      expect(ready, `/readyz within ${READY_WITHIN_MS} ms of catching up:\n${poller.stderr().slice(-3_000)}`).toBe(200);
      expect(exitedEarly).toBeNull();

      const records = await readTopic(stack, 'raw.sinch.agent-status-history');
      const truth = simulator.groundTruth().agentStatusHistory.filter((row) => rowTime(row) < highMark);
      expect(truth.length).toBeGreaterThan(100);
      expect(compareKeys(records.map((r) => publishedKey(r.value)), truth.map(truthKey))).toEqual({ duplicates: [], missing: [], extra: [] });
    } finally {
      poller.child.kill('SIGTERM');
      const stopped = await Promise.race([poller.exited.then(() => true), sleep(STOP_WITHIN_MS).then(() => false)]);
      if (!stopped) {
        poller.child.kill('SIGKILL');
        await poller.exited;
      }
      expect(stopped, `the poller stopped within ${STOP_WITHIN_MS} ms of SIGTERM:\n${poller.stderr().slice(-4_000)}`).toBe(true);
    }
  }, OUTAGE_MS + CATCH_UP_MS + READY_WITHIN_MS + STOP_WITHIN_MS + 60_000);
});
