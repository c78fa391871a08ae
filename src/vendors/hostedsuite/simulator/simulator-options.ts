import type { SimCall } from './model/call-model.ts';
import type { Operator } from './model/operators.ts';

/** Faults the simulator injects (as the Sinch simulator's), drawn from one PRNG seeded by `faultSeed`, counted in `stats()`. */
export interface HostedSuiteFaultOptions {
  /** Uniform extra latency per request, [min, max] ms. */
  latencyMs: readonly [number, number];
  /** Share of requests answered 429 with `Retry-After: retryAfterSeconds`. */
  rate429: number;
  retryAfterSeconds: number;
  /** Share of requests answered 500, 502 or 503. */
  rate5xx: number;
  /** Share of requests whose socket is destroyed without an answer. */
  resetRate: number;
  /** Share of 200 answers whose JSON body is cut short. */
  malformedRate: number;
  /** Share of pages that carry one extra corrupt record (StartTime not a date): the poller dead-letters it. */
  junkRowRate: number;
}

export const NO_FAULTS: HostedSuiteFaultOptions = Object.freeze({
  latencyMs: Object.freeze([0, 0] as const),
  rate429: 0,
  retryAfterSeconds: 1,
  rate5xx: 0,
  resetRate: 0,
  malformedRate: 0,
  junkRowRate: 0,
});

/** historical: now = `to`; accelerated: now = from + (realNow − startedAt) × speed; manual: now is what `setNow` last set. */
export type HostedSuiteClock = { mode: 'historical' } | { mode: 'accelerated'; speed: number; startedAt: number } | { mode: 'manual'; now: number };

export interface HostedSuiteSimulatorOptions {
  seed: number;
  /** Operators (agents) of the center. */
  agents: number;
  /** The simulated range [from, to), epoch ms. */
  from: number;
  to: number;
  /** IANA zone of the center (shifts and every rendered time); default America/Chicago. */
  zone?: string;
  clock: HostedSuiteClock;
  realClock?: () => number;
  /** Share of work times recorded 30–120 minutes after the work ended; default 0.15. */
  lateWorkShare?: number;
  /** The login the body must carry; default customer `sim`, user `hs`, password `hs`. */
  credentials?: { customerName: string; userName: string; password: string };
  faults?: Partial<HostedSuiteFaultOptions>;
  faultSeed?: number;
  host?: string;
  port?: number;
}

export interface RunningHostedSuiteSimulator {
  /** Base URL without a trailing slash (routes are /api/calls, /api/json/reply/ListCallRecordsRequest). */
  readonly url: string;
  now(): number;
  /** Sets the simulated now (manual clock only). */
  setNow(now: number): void;
  readonly zone: string;
  readonly operators: readonly Operator[];
  readonly calls: readonly SimCall[];
  /** Counters: `requests`, `status:<code>`, `fault:<kind>`, `rows`. */
  stats(): Record<string, number>;
  close(): Promise<void>;
}

export const DEFAULT_ZONE = 'America/Chicago';
export const DEFAULT_LATE_WORK_SHARE = 0.15;
export const DEFAULT_CREDENTIALS = Object.freeze({ customerName: 'sim', userName: 'hs', password: 'hs' });
