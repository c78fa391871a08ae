import type { EvoSimulatorOptions } from '../../../../src/vendors/evo-voice/simulator/index.ts';

const HOUR = 3_600_000;

export const CREDENTIALS = { username: 'poller@northwind', password: 'evo-s3cret' };

/** A simulated day ending at the last full hour (historical clock: the simulator's now is `to`). */
export function simulatedDay(overrides: Partial<EvoSimulatorOptions> = {}): EvoSimulatorOptions {
  const to = Math.floor(Date.now() / HOUR) * HOUR;
  return { seed: 31, agents: 8, from: to - 24 * HOUR, to, clock: { mode: 'historical' }, credentials: CREDENTIALS, jobs: { queuedMs: 10, runningMs: 30 }, ...overrides };
}

/**
 * The safety lag that makes every window of the day due now (its last one ends at `to`) and the next one due only
 * an hour from now, whatever the minute the test runs at.
 */
export function safetyLagFor(options: EvoSimulatorOptions): number {
  return Math.max(0, Date.now() - options.to - 60_000);
}
