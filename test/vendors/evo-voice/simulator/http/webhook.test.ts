import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningEvoSimulator } from '../../../../../src/vendors/evo-voice/simulator/index.ts';
import { AGENT_STATE_ROW_KEYS } from '../../../../../src/vendors/evo-voice/simulator/index.ts';
import { download, FROM, sheetRows, simulator, submitAgentState, waitForStatus } from '../support.ts';

const HOUR = 3_600_000;
const WINDOW = { startDate: new Date(FROM + 9 * HOUR).toISOString(), endDate: new Date(FROM + 10 * HOUR).toISOString() };

interface Receiver {
  url: string;
  /** The parsed bodies received, in order. */
  bodies: Array<Record<string, unknown>>;
  server: Server;
}

/** A local webhook receiver answering the n-th POST (0-based) with `status(n)`. */
async function receiver(status: (n: number) => number): Promise<Receiver> {
  const bodies: Array<Record<string, unknown>> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = bodies.length;
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.writeHead(status(n)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies, server };
}

async function until(condition: () => boolean, what: string, deadlineMs = 20_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Evo Voice simulator: webhook', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0)) await step();
  });
  const started = async (overrides: Parameters<typeof simulator>[0] = {}): Promise<RunningEvoSimulator> => {
    const sim = await simulator({ webhook: { retryDelayMs: 20, timeoutMs: 2_000 }, ...overrides });
    cleanup.push(() => sim.close());
    return sim;
  };

  it('on Completed: POSTs the ReportInfo plus the rows, keyed by the camelCased workbook headers, equal to the workbook', async () => {
    const hook = await receiver(() => 200);
    cleanup.push(() => new Promise((resolve) => hook.server.close(resolve)));
    const sim = await started();
    const info = await submitAgentState(sim, { ...WINDOW, webhookUrl: hook.url });
    await until(() => hook.bodies.length === 1, 'the webhook');
    const body = hook.bodies[0] ?? {};
    const listed = await waitForStatus(sim, info.id, ['Completed']);
    const { rows, ...reportInfo } = body;
    expect(reportInfo).toEqual(listed);
    const workbook = await sheetRows(await download(sim, info.id), 'Agent States');
    expect((rows as Array<Record<string, unknown>>).map((row) => AGENT_STATE_ROW_KEYS.map((key) => row[key]))).toEqual(workbook.slice(1));
    expect(Object.keys((rows as Array<Record<string, unknown>>)[0] ?? {})).toEqual([...AGENT_STATE_ROW_KEYS]);
    expect(sim.stats()['webhook:delivered']).toBe(1);
  });

  it('on Error: POSTs the ReportInfo with status Error and its statusMessage, without rows', async () => {
    const hook = await receiver(() => 204);
    cleanup.push(() => new Promise((resolve) => hook.server.close(resolve)));
    const sim = await started({ faults: { errorRate: 1 } });
    await submitAgentState(sim, { ...WINDOW, webhookUrl: hook.url });
    await until(() => hook.bodies.length === 1, 'the webhook');
    expect(hook.bodies[0]).toMatchObject({ status: 'Error', statusMessage: expect.stringMatching(/^Report generation failed: /) });
    expect(hook.bodies[0]).not.toHaveProperty('rows');
  });

  it('a non-2xx answer is retried; 3 retries at most, then given up', async () => {
    const flaky = await receiver((n) => (n < 2 ? 500 : 200));
    cleanup.push(() => new Promise((resolve) => flaky.server.close(resolve)));
    const sim = await started();
    await submitAgentState(sim, { ...WINDOW, webhookUrl: flaky.url });
    await until(() => sim.stats()['webhook:delivered'] === 1, 'delivery after retries');
    expect(flaky.bodies).toHaveLength(3);
    expect(flaky.bodies[2]).toEqual(flaky.bodies[0]);
    expect(sim.stats()['webhook:failedAttempt']).toBe(2);

    const broken = await receiver(() => 503);
    cleanup.push(() => new Promise((resolve) => broken.server.close(resolve)));
    await submitAgentState(sim, { ...WINDOW, webhookUrl: broken.url });
    await until(() => sim.stats()['webhook:givenUp'] === 1, 'giving up');
    expect(broken.bodies).toHaveLength(4);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(broken.bodies).toHaveLength(4);
  });

  it('no answer within the timeout counts as a failed attempt', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanup.push(async () => {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    });
    const sim = await started({ webhook: { retryDelayMs: 10, timeoutMs: 100, retries: 1 } });
    await submitAgentState(sim, { ...WINDOW, webhookUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook` });
    await until(() => sim.stats()['webhook:givenUp'] === 1, 'giving up on a silent receiver');
    expect(sim.stats()['webhook:failedAttempt']).toBe(2);
  });
});
