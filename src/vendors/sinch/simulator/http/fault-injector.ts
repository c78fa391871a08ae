import { Prng } from '../../../../core/random/prng.ts';
import type { FaultOptions } from '../simulator-options.ts';

/** How the server fails a request before routing it, if at all. */
export type RequestFault = { kind: 'none' } | { kind: 'reset' } | { kind: 'timeout' } | { kind: 'tooManyRequests' } | { kind: 'serverError'; status: 500 | 503 };

/** The faults decided for one request. */
export interface RequestFaults {
  readonly latencyMs: number;
  readonly fault: RequestFault;
  /** A successful answer gets a truncated JSON body. */
  readonly malformed: boolean;
  /** Rows of the previous page to repeat (0: none), when the request has offset > 0. */
  readonly repeatRows: number;
  /** At most this many rows in the answer (null: no cap); not drawn, the same for every request. */
  readonly pageCap: number | null;
}

const DRAWS_PER_REQUEST = 9;

/**
 * Decides each request's faults from its own PRNG stream: every request consumes the same number
 * of draws, so decisions depend only on the seed and the request's position in arrival order.
 */
export class FaultInjector {
  private readonly options: FaultOptions;
  private readonly rng: Prng;
  private burstLeft = 0;

  constructor(options: FaultOptions, seed: number) {
    this.options = options;
    this.rng = new Prng(seed);
  }

  next(): RequestFaults {
    const draws = Array.from({ length: DRAWS_PER_REQUEST }, () => this.rng.next());
    const [latency = 0, reset = 1, timeout = 1, limited = 1, burst = 1, status = 0, malformed = 1, repeat = 1, repeatCount = 0] = draws;
    const o = this.options;
    const [minLatency, maxLatency] = o.latencyMs;
    let fault: RequestFault = { kind: 'none' };
    const serverError: RequestFault = { kind: 'serverError', status: status < 0.5 ? 500 : 503 };
    if (this.burstLeft > 0) {
      this.burstLeft--;
      fault = serverError;
    } else if (reset < o.resetRate) fault = { kind: 'reset' };
    else if (timeout < o.timeoutRate) fault = { kind: 'timeout' };
    else if (limited < o.rate429) fault = { kind: 'tooManyRequests' };
    else if (burst < o.burst5xx.probability && o.burst5xx.length > 0) {
      this.burstLeft = o.burst5xx.length - 1;
      fault = serverError;
    }
    return {
      latencyMs: Math.round(minLatency + (maxLatency - minLatency) * latency),
      fault,
      malformed: malformed < o.malformedRate,
      repeatRows: repeat < o.repeatRowsRate ? 1 + Math.floor(repeatCount * 5) : 0,
      pageCap: o.pageCap,
    };
  }
}
