import type { ThuliumApiUser } from './http/authenticator.ts';
import type { ThuliumFaultOptions } from './http/fault-injector.ts';
import type { AgentGroup } from './model/agent-roster.ts';
import type { ThuliumWorld } from './model/thulium-world.ts';

/**
 * How the simulated now moves: historical: now = `to` (a fixed, finished range); accelerated: now = from +
 * (realNow − startedAt) × speed; live: now = the wall clock. Always clamped to [from, to] and floored to a second.
 */
export type ThuliumClock = { mode: 'historical' } | { mode: 'accelerated'; speed: number; startedAt: number } | { mode: 'live' };

export interface ThuliumSimulatorOptions {
  seed: number;
  agents: number;
  /** The simulated range [from, to), epoch ms. */
  from: number;
  to: number;
  /** The tenant's IANA zone (shifts and every served date); default Europe/Warsaw. */
  zone?: string;
  /** Default: three groups (ids 1–3); agent i is in group i mod groups. */
  groups?: readonly AgentGroup[];
  clock: ThuliumClock;
  /** Wall clock, epoch ms; default Date.now. Drives the accelerated and live clocks. */
  realClock?: () => number;
  /** The API users; default one user with `credentials` allowed `*`. When given, `credentials` is ignored. */
  users?: readonly ThuliumApiUser[];
  credentials?: { username: string; password: string };
  faults?: Partial<ThuliumFaultOptions>;
  /** Default: `seed`. */
  faultSeed?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
}

export interface RunningThuliumSimulator {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:43121 (routes are /api/…). */
  readonly url: string;
  /** The simulated now, epoch ms. */
  now(): number;
  /** The generated tenant (what is served and exported). */
  readonly world: ThuliumWorld;
  /** Counters: `requests`, `route:<method>`, `status:<code>`, `fault:<kind>`. */
  stats(): Record<string, number>;
  /** Stops listening, cancels slow-answer timers, destroys open connections. Idempotent. */
  close(): Promise<void>;
}

/** The simulated now for a clock setting and the wall clock's `realNow`. */
export function simulatedNow(options: Pick<ThuliumSimulatorOptions, 'from' | 'to' | 'clock'>, realNow: number): number {
  const { clock } = options;
  const raw = clock.mode === 'historical' ? options.to : clock.mode === 'live' ? realNow : options.from + (realNow - clock.startedAt) * clock.speed;
  return Math.floor(Math.min(options.to, Math.max(options.from, raw)) / 1_000) * 1_000;
}
