import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';

export interface QueryAdmissionLimits {
  /** Queries computed at the same time. */
  readonly concurrent: number;
  /** Queries allowed to wait for a slot; one more is refused with {@link AgentTimelinesError} SERVICE_UNAVAILABLE. */
  readonly queued: number;
  /**
   * The deadline of one query in ms, waiting for a slot included: past it the caller gets SERVICE_UNAVAILABLE and
   * the query's signal is aborted. Default: none.
   */
  readonly timeoutMs?: number;
}

/**
 * Bounds the memory and time of heavy store queries: at most `concurrent` run at once and at most `queued` wait, in
 * arrival order. A query over the bound is refused at once (the route answers 503 with Retry-After) instead of piling
 * up until the heap runs out. With `timeoutMs`, a query still waiting at its deadline leaves the queue without running,
 * and a query still running is answered SERVICE_UNAVAILABLE at once while it keeps its slot until it settles (so the
 * bound on queries in memory holds); its signal is aborted so it can stop at its next step. One instance per server,
 * shared by every route that reads many rows.
 */
export class QueryAdmission {
  readonly #limits: QueryAdmissionLimits;
  readonly #waiting: Array<() => void> = [];
  #running = 0;

  constructor(limits: QueryAdmissionLimits) {
    if (limits.concurrent < 1 || limits.queued < 0) throw new RangeError('QueryAdmission needs concurrent ≥ 1 and queued ≥ 0');
    if (limits.timeoutMs !== undefined && !(limits.timeoutMs > 0)) throw new RangeError('QueryAdmission needs timeoutMs > 0');
    this.#limits = limits;
  }

  /** Queries running now and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }

  /**
   * Runs `query` when a slot is free; rejects without running it when the queue is full, or when `signal` (the client
   * went away) or the deadline fires first. `query` gets a signal that aborts at the deadline or with `signal`.
   */
  async run<T>(query: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.#running >= this.#limits.concurrent && this.#waiting.length >= this.#limits.queued) {
      throw new AgentTimelinesError('SERVICE_UNAVAILABLE', `too many concurrent statistic queries (${this.#running} running, ${this.#waiting.length} waiting); retry shortly`);
    }
    const controller = new AbortController();
    const { timeoutMs } = this.#limits;
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => controller.abort(new AgentTimelinesError('SERVICE_UNAVAILABLE', `the query did not finish within its deadline of ${timeoutMs} ms; narrow it (fewer users, a shorter range) or retry later`)), timeoutMs);
    const abortWith = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', abortWith, { once: true });
    if (signal?.aborted === true) abortWith();
    const aborted = new Promise<never>((_, reject) => {
      if (controller.signal.aborted) reject(controller.signal.reason as Error);
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true });
    });
    aborted.catch(() => undefined);
    try {
      await this.#slot(aborted);
      const running = (async () => {
        try {
          return await query(controller.signal);
        } finally {
          this.#release();
        }
      })();
      return await Promise.race([running, aborted]);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abortWith);
    }
  }

  /** Takes a free slot, or waits in line for one until `aborted` rejects (then leaves the line). */
  async #slot(aborted: Promise<never>): Promise<void> {
    if (this.#running < this.#limits.concurrent) {
      this.#running += 1;
      return;
    }
    let waiter: (() => void) | undefined;
    const granted = new Promise<void>((start) => {
      waiter = start;
      this.#waiting.push(start);
    });
    try {
      await Promise.race([granted, aborted]);
    } catch (error) {
      const index = waiter === undefined ? -1 : this.#waiting.indexOf(waiter);
      if (index >= 0) this.#waiting.splice(index, 1);
      else await granted.then(() => this.#release());
      throw error;
    }
  }

  /** Hands the slot to the next in line, or frees it. */
  #release(): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#running -= 1;
    else next();
  }
}
