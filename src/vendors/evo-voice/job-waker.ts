import type { Clock } from '../../ingest/clock.ts';

/** How long a wake for a job nobody waits on yet is remembered (a webhook that overtakes the status poll). */
const EARLY_WAKE_TTL_MS = 60_000;

/**
 * Lets a webhook cut short the wait between two status polls of a report job. {@link wait} sleeps on the clock
 * until `ms` pass, the job is woken, or `signal` aborts (then it rejects with the signal's reason). A wake that
 * arrives while nobody waits on that job is kept for a minute, so the next wait returns at once. A wake only ever
 * makes the poller look at the job sooner; it carries no data.
 */
export class JobWaker {
  readonly #clock: Clock;
  readonly #waiting = new Map<string, Set<() => void>>();
  readonly #early = new Map<string, number>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Wakes whoever waits on `jobId`; returns whether someone did. */
  wake(jobId: string): boolean {
    const waiters = this.#waiting.get(jobId);
    if (waiters === undefined || waiters.size === 0) {
      this.#early.set(jobId, this.#clock.now());
      return false;
    }
    for (const resolve of waiters) resolve();
    return true;
  }

  async wait(jobId: string, ms: number, signal?: AbortSignal): Promise<void> {
    const now = this.#clock.now();
    for (const [id, at] of this.#early) if (now - at > EARLY_WAKE_TTL_MS) this.#early.delete(id);
    if (this.#early.delete(jobId)) return;
    const woken = new AbortController();
    const onWake = () => woken.abort();
    const waiters = this.#waiting.get(jobId) ?? new Set<() => void>();
    waiters.add(onWake);
    this.#waiting.set(jobId, waiters);
    try {
      await this.#clock.sleep(ms, signal === undefined ? woken.signal : AbortSignal.any([signal, woken.signal]));
    } catch (error) {
      if (!woken.signal.aborted || signal?.aborted === true) throw error;
    } finally {
      waiters.delete(onWake);
      if (waiters.size === 0) this.#waiting.delete(jobId);
    }
  }
}
