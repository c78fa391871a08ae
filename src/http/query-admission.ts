import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';

export interface QueryAdmissionLimits {
  /** Queries computed at the same time. */
  readonly concurrent: number;
  /** Queries allowed to wait for a slot; one more is refused with {@link AgentTimelinesError} SERVICE_UNAVAILABLE. */
  readonly queued: number;
}

/**
 * Bounds the memory of heavy store queries: at most `concurrent` run at once and at most `queued` wait, in arrival
 * order. A query over the bound is refused at once (the route answers 503 with Retry-After) instead of piling up
 * until the heap runs out. One instance per server.
 */
export class QueryAdmission {
  readonly #limits: QueryAdmissionLimits;
  readonly #waiting: Array<() => void> = [];
  #running = 0;

  constructor(limits: QueryAdmissionLimits) {
    if (limits.concurrent < 1 || limits.queued < 0) throw new RangeError('QueryAdmission needs concurrent ≥ 1 and queued ≥ 0');
    this.#limits = limits;
  }

  /** Queries running now and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }

  /** Runs `query` when a slot is free; rejects without running it when the queue is full. */
  async run<T>(query: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#limits.concurrent) {
      if (this.#waiting.length >= this.#limits.queued) {
        throw new AgentTimelinesError('SERVICE_UNAVAILABLE', `too many concurrent statistic queries (${this.#running} running, ${this.#waiting.length} waiting); retry shortly`);
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running += 1;
    }
    try {
      return await query();
    } finally {
      const next = this.#waiting.shift();
      if (next === undefined) this.#running -= 1;
      else next();
    }
  }
}
