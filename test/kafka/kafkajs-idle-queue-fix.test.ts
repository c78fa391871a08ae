import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKafka } from '../../src/kafka/kafka-client.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { requireServices } from '../support/services.ts';

/** Resolves once `condition()` holds, polling every 20 ms; fails after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('applyKafkajsIdleQueueFix (real broker)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('an idle connection arms no timer with a negative delay and does not wake up every millisecond', async () => {
    const config = await requireServices();
    const admin = createKafka(config, createLogger('silent'), '-idle-queue-test').admin();
    const delays: number[] = [];
    const realSetTimeout = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      delays.push(ms ?? 0);
      return realSetTimeout(() => callback(...args), ms);
    }) as typeof setTimeout);
    try {
      await admin.connect();
      await admin.listTopics();
      const afterRequests = delays.length;
      // Idle for a while, measured by our own timers: with the defect each connection re-arms ~1 timer per ms.
      let ticks = 0;
      const ticker = setInterval(() => (ticks += 1), 10);
      await until(() => ticks >= 20, 10_000, '20 ticks of 10 ms');
      clearInterval(ticker);
      expect(delays.filter((ms) => ms < 0)).toEqual([]);
      expect(delays.length - afterRequests).toBeLessThan(20);
    } finally {
      await admin.disconnect();
    }
  }, 30_000);
});
