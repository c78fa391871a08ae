/** Faults injected per request, deterministic for a faultSeed and the order requests arrive in. */
export interface FaultOptions {
  /** Uniform extra latency per request, [min, max] ms. */
  latencyMs: readonly [number, number];
  /** Probability of a 429 with `Retry-After: retryAfterSeconds`. */
  rate429: number;
  retryAfterSeconds: number;
  /** Probability that a burst of `length` consecutive 500/503 answers starts. */
  burst5xx: { probability: number; length: number };
  /** Probability that the socket is destroyed without a response. */
  resetRate: number;
  /** Probability that the request is never answered (until the client gives up or the server closes). */
  timeoutRate: number;
  /** Probability of a 200 whose JSON body is truncated. */
  malformedRate: number;
  /** Probability that a page with offset > 0 also repeats up to 5 rows of the previous page. */
  repeatRowsRate: number;
  /** At most this many rows per answer, whatever `limit` says (a vendor or gateway page cap); null: no cap. */
  pageCap: number | null;
  /** changeTimestamp lags statusTimestamp/userStatusTimestamp by up to this (ground truth). */
  changeLagMaxMs: number;
  /** Some rows (10%) become visible only up to this long after their changeTimestamp (ground truth). */
  lateVisibilityMaxMs: number;
}

/** No injected faults; changeTimestamp keeps the seed document's natural sub-second lag. */
export const NO_FAULTS: FaultOptions = Object.freeze({
  latencyMs: Object.freeze([0, 0] as const),
  rate429: 0,
  retryAfterSeconds: 1,
  burst5xx: Object.freeze({ probability: 0, length: 0 }),
  resetRate: 0,
  timeoutRate: 0,
  malformedRate: 0,
  repeatRowsRate: 0,
  pageCap: null,
  changeLagMaxMs: 1_000,
  lateVisibilityMaxMs: 0,
});

export type SimulatedClock = { mode: 'historical' } | { mode: 'accelerated'; speed: number; startedAt: number };

export interface SimulatorOptions {
  seed: number;
  agents: number;
  /** Ground-truth range [from, to), epoch ms. */
  from: number;
  to: number;
  /** historical: now = `to`; accelerated: now = from + (realNow - startedAt) * speed. */
  clock: SimulatedClock;
  /** Wall clock in epoch ms; default Date.now. Read only by the HTTP adapter. */
  realClock?: () => number;
  faults?: Partial<FaultOptions>;
  faultSeed?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Default '/RI/rai'. */
  basePath?: string;
  credentials: { username: string; password: string };
}

/**
 * The ground truth as served: agentStatusHistory rows and contactHistory records (full detail:
 * `showDetails=true&showUser=true` plus countOfArrivedContacts), each list in API order, with the
 * time each entry becomes visible kept separately in `visibleAt` (same indices).
 */
export interface GroundTruth {
  agents: Array<{ userId: string; userName: string }>;
  agentStatusHistory: Array<Record<string, unknown>>;
  contacts: Array<Record<string, unknown>>;
  visibleAt: { agentStatusHistory: number[]; contacts: number[] };
}

export interface RunningSimulator {
  /** Base URL, e.g. http://127.0.0.1:43121/RI/rai */
  readonly url: string;
  /** The simulated now, epoch ms. */
  now(): number;
  /** Everything generated in [from, to); deterministic for (seed, agents, from, to, changeLagMaxMs, lateVisibilityMaxMs). */
  groundTruth(): GroundTruth;
  /** Request counters: `requests`, `endpoint:<path>`, `status:<code>` and `fault:<kind>`. */
  stats(): Record<string, number>;
  /** Stops listening and destroys open connections (including hung ones). Idempotent. */
  close(): Promise<void>;
}

export function resolveFaults(faults: Partial<FaultOptions> | undefined): FaultOptions {
  return { ...NO_FAULTS, ...faults };
}
