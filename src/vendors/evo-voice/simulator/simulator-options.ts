import type { EvoWorld } from './model/evo-world.ts';
import type { EvoAccount, EvoUser } from './model/tenant.ts';

/** Faults the simulator injects, all drawn from one PRNG seeded by `faultSeed` and counted in `stats()`. */
export interface EvoFaultOptions {
  /** Share of requests answered 429 `TooManyRequests` with `Retry-After: retryAfterSeconds`. */
  rate429: number;
  retryAfterSeconds: number;
  /** Share of requests answered 500, 502 or 503 (equally likely). */
  rate5xx: number;
  /** Share of report jobs that stay Running for ever. */
  stuckRate: number;
  /** Share of report jobs that end in Error with a statusMessage. */
  errorRate: number;
  /** Share of downloads streamed in `slowChunkBytes` chunks with `slowPauseMs` pauses. */
  slowDownloadRate: number;
  slowChunkBytes: number;
  slowPauseMs: number;
  /** Share of downloads cut short: a 200 whose body is a prefix (30–90%) of the workbook, so the ZIP does not parse. */
  truncatedRate: number;
}

export const NO_FAULTS: EvoFaultOptions = Object.freeze({
  rate429: 0,
  retryAfterSeconds: 1,
  rate5xx: 0,
  stuckRate: 0,
  errorRate: 0,
  slowDownloadRate: 0,
  slowChunkBytes: 1024,
  slowPauseMs: 50,
  truncatedRate: 0,
});

/** How long a job stays in each state (real milliseconds, not simulated time). */
export interface JobTimings {
  queuedMs: number;
  runningMs: number;
}

export const DEFAULT_JOB_TIMINGS: JobTimings = Object.freeze({ queuedMs: 200, runningMs: 800 });

/** Webhook delivery: a POST gets `timeoutMs`; a non-2xx answer or none is retried up to `retries` times, `retryDelayMs` apart. */
export interface WebhookPolicy {
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
}

export const DEFAULT_WEBHOOK_POLICY: WebhookPolicy = Object.freeze({ timeoutMs: 5_000, retries: 3, retryDelayMs: 1_000 });

export type SimulatedClock = { mode: 'historical' } | { mode: 'accelerated'; speed: number; startedAt: number };

export interface EvoSimulatorOptions {
  seed: number;
  /** Agents per account. */
  agents: number;
  /** The simulated range [from, to), epoch ms. */
  from: number;
  to: number;
  /** IANA zone of the agents' working hours (shifts follow its local time, DST included); default UTC. */
  zone?: string;
  /** historical: now = `to`; accelerated: now = from + (realNow - startedAt) × speed. */
  clock: SimulatedClock;
  /** Wall clock, epoch ms; default Date.now. Stamps ReportInfo dates and drives the accelerated clock. */
  realClock?: () => number;
  /** The tenant's accounts; default one account derived from the seed. */
  accounts?: readonly EvoAccount[];
  /**
   * The logins. Default: one user with `credentials`, role Manager, reaching every account. When given,
   * `credentials` is ignored.
   */
  users?: readonly EvoUser[];
  credentials?: { username: string; password: string };
  faults?: Partial<EvoFaultOptions>;
  /** Default: `seed`. */
  faultSeed?: number;
  jobs?: Partial<JobTimings>;
  webhook?: Partial<WebhookPolicy>;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
}

export interface RunningEvoSimulator {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:43121 (routes are /auth/…, /reports/…). */
  readonly url: string;
  /** The simulated now, epoch ms. */
  now(): number;
  readonly accounts: readonly EvoAccount[];
  /** The generated tenant (what the reports show); `truthLines(world, now())` is the truth at this moment. */
  readonly world: EvoWorld;
  /** Counters: `requests`, `route:<name>`, `status:<code>`, `fault:<kind>`, `job:<status>`, `webhook:<outcome>`. */
  stats(): Record<string, number>;
  /** Stops listening, cancels job timers and webhook retries, destroys open connections. Idempotent. */
  close(): Promise<void>;
}

/** The simulated now for a clock setting. */
export function simulatedNow(options: Pick<EvoSimulatorOptions, 'from' | 'to' | 'clock'>, realNow: number): number {
  if (options.clock.mode === 'historical') return options.to;
  return Math.floor(options.from + (realNow - options.clock.startedAt) * options.clock.speed);
}
