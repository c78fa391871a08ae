import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/runtime/logger.ts';
import { superviseUnit } from '../../src/runtime/supervisor.ts';
import type { SupervisedUnit, SupervisorStatus } from '../../src/runtime/supervisor.ts';

const logger = createLogger('silent');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A unit whose death the test triggers, counting its stops. */
function fakeUnit(id: number): SupervisedUnit & { id: number; die(error: Error): void; stops: number } {
  let die: (error: Error) => void = () => undefined;
  const fatal = new Promise<never>((_resolve, reject) => {
    die = reject;
  });
  fatal.catch(() => undefined);
  const unit = {
    id,
    fatal,
    stops: 0,
    die: (error: Error) => die(error),
    stop: async () => {
      unit.stops++;
    },
  };
  return unit;
}

describe('superviseUnit', () => {
  it('retries a start that fails until it succeeds, then replaces a unit that dies, and never gives up', async () => {
    const units: ReturnType<typeof fakeUnit>[] = [];
    const statuses: SupervisorStatus[] = [];
    let attempts = 0;
    const supervisor = superviseUnit({
      name: 'test unit',
      logger,
      backoff: { baseMs: 5, maxMs: 20 },
      stopTimeoutMs: 1_000,
      start: async () => {
        attempts++;
        if (attempts <= 12) throw new Error(`broker down (attempt ${attempts})`);
        const unit = fakeUnit(units.length);
        units.push(unit);
        return unit;
      },
      onStatus: (status) => statuses.push(status),
    });
    await supervisor.started;
    expect(attempts).toBe(13);
    expect(supervisor.current()).toBe(units[0]);
    expect(supervisor.status()).toMatchObject({ state: 'running', failures: 12, lastError: null });

    units[0]!.die(new Error('consumer crashed for good'));
    for (let i = 0; i < 100 && supervisor.current() === units[0]; i++) await sleep(5);
    for (let i = 0; i < 100 && supervisor.current() === null; i++) await sleep(5);
    expect(units[0]!.stops, 'the dead unit was stopped').toBe(1);
    expect(supervisor.current()).toBe(units[1]);
    expect(statuses.some((s) => s.state === 'restarting' && s.lastError === 'consumer crashed for good')).toBe(true);

    await supervisor.stop();
    await supervisor.stop();
    expect(units[1]!.stops).toBe(1);
    expect(supervisor.current()).toBeNull();
    expect(supervisor.status().state).toBe('stopped');
  });

  it('abandons a dead unit whose stop hangs and starts the next one', async () => {
    let started = 0;
    const first = fakeUnit(0);
    first.stop = () => new Promise<void>(() => undefined);
    const supervisor = superviseUnit({
      name: 'hanging unit',
      logger,
      backoff: { baseMs: 1, maxMs: 1 },
      stopTimeoutMs: 30,
      start: async () => (started++ === 0 ? first : fakeUnit(started)),
    });
    await supervisor.started;
    first.die(new Error('gone'));
    for (let i = 0; i < 200 && (supervisor.current() === null || supervisor.current() === first); i++) await sleep(5);
    expect(supervisor.current()).not.toBe(first);
    expect(supervisor.current()).not.toBeNull();
    await supervisor.stop();
  });

  it('stop abandons a running unit whose stop hangs after stopTimeoutMs', async () => {
    const unit = fakeUnit(0);
    unit.stop = () => new Promise<void>(() => undefined);
    const supervisor = superviseUnit({ name: 'hangs at shutdown', logger, backoff: { baseMs: 1, maxMs: 1 }, stopTimeoutMs: 50, start: async () => unit });
    await supervisor.started;
    const begun = Date.now();
    await supervisor.stop();
    expect(Date.now() - begun).toBeGreaterThanOrEqual(45);
    expect(Date.now() - begun).toBeLessThan(2_000);
    expect(supervisor.status().state).toBe('stopped');
    expect(supervisor.current()).toBeNull();
  });

  it('stop during a failing start loop ends the loop without a unit', async () => {
    const supervisor = superviseUnit({
      name: 'never starts',
      logger,
      backoff: { baseMs: 10_000, maxMs: 10_000 },
      stopTimeoutMs: 100,
      start: () => Promise.reject(new Error('registry down')),
    });
    await sleep(20);
    expect(supervisor.status()).toMatchObject({ state: 'restarting', lastError: 'registry down' });
    const begun = Date.now();
    await supervisor.stop();
    expect(Date.now() - begun, 'stop does not wait out the backoff').toBeLessThan(1_000);
    expect(supervisor.status().state).toBe('stopped');
  });
});
