import type { Clock } from './clock.ts';

/**
 * A token bucket per tenant: `ratePerSecond` tokens refill continuously up to `burst`; each request takes one.
 * Waiters are served in arrival order. Time comes from the injected {@link Clock}.
 */
export class TokenBucket {
  readonly #clock: Clock;
  readonly #ratePerMs: number;
  readonly #burst: number;
  #tokens: number;
  #updatedAt: number;
  #queue: Promise<void> = Promise.resolve();

  constructor(clock: Clock, ratePerSecond: number, burst: number) {
    this.#clock = clock;
    this.#ratePerMs = ratePerSecond / 1000;
    this.#burst = burst;
    this.#tokens = burst;
    this.#updatedAt = clock.now();
  }

  /** Tokens available now (fractional), after refilling. */
  available(): number {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#updatedAt) * this.#ratePerMs);
    this.#updatedAt = now;
    return this.#tokens;
  }

  /** Waits until a token is available and takes it. Rejects if `signal` aborts while waiting. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.#queue.then(() => this.#takeNow(signal));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #takeNow(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const tokens = this.available();
      if (tokens >= 1) {
        this.#tokens = tokens - 1;
        return;
      }
      await this.#clock.sleep(Math.ceil((1 - tokens) / this.#ratePerMs), signal);
    }
  }
}
