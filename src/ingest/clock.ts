import { setTimeout as delay } from 'node:timers/promises';

/** Time as the pollers see it. Injected so backoff, rate limiting and poll ranges are testable without waiting. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await delay(Math.max(0, ms), undefined, signal === undefined ? undefined : { signal });
  },
};
