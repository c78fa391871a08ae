import type { z } from 'zod';
import type { DemoSimulatorOptions } from './demo-simulator-options.ts';
import type { evoVoiceTenantSchema } from '../config/config-schema.ts';
import type { RunningEvoSimulator } from '../vendors/evo-voice/simulator/index.ts';
import { startEvoSimulator } from '../vendors/evo-voice/simulator/index.ts';

/** Where the demo's Evo Voice agents work: their shifts follow its local hours, and the workbooks render times with its offsets. */
export const DEMO_EVO_ZONE = 'Europe/Helsinki';

const MINUTE = 60_000;
/** Agent-state report windows of the demo's Evo Voice tenant: a quarter hour of simulated time (15 s at 60×). */
export const DEMO_EVO_WINDOW_MS = 15 * MINUTE;

/**
 * Starts the demo's Evo Voice simulator: one account of `agents` agents working in {@link DEMO_EVO_ZONE}, no faults,
 * on the accelerated clock the Sinch simulator runs on. Resolves once it listens; the caller closes it.
 */
export function startDemoEvoSimulator(options: DemoSimulatorOptions): Promise<RunningEvoSimulator> {
  return startEvoSimulator({
    seed: options.seed,
    agents: options.agents,
    from: options.from,
    to: options.to,
    zone: DEMO_EVO_ZONE,
    clock: { mode: 'accelerated', speed: options.speed, startedAt: options.startedAt },
    port: options.port,
    credentials: { ...options.credentials },
  });
}

/**
 * The EVO_VOICE_TENANTS entry of the demo's Evo Voice tenant `id`, polling the simulator's first account. The pollers
 * run on simulated time with sleeps shortened by `speed` (like the Sinch ones), so every duration here is simulated:
 *
 * - quarter-hour windows ({@link DEMO_EVO_WINDOW_MS}), each requested one simulated minute after it ends
 *   (`safetyLagMs`), so the Evo statistics follow the simulated day about a quarter hour behind;
 * - no `startAt` (it would also start billing at today, which is over only when the demo is): the first window starts
 *   `initialLookbackMs` before the pollers' start, which covers the demo's start-up (up to one real minute) and thus
 *   the simulator's `from`; billing starts one day earlier, so yesterday's billing comes at once;
 * - a job is stuck after `maxWaitForJobMs`, at least one real minute, however fast the simulated time runs;
 * - billing on, with customer ids; no webhook (the poll path finds every report).
 */
export function demoEvoTenant(id: string, simulator: Pick<RunningEvoSimulator, 'url' | 'accounts'>, speed: number, credentials: { readonly username: string; readonly password: string }): z.input<typeof evoVoiceTenantSchema> {
  const account = simulator.accounts[0];
  if (account === undefined) throw new Error('the Evo Voice simulator has no account');
  const realMinute = Math.ceil(speed * MINUTE);
  return {
    id,
    baseUrl: simulator.url,
    accountId: account.id,
    credentials: { ...credentials },
    timeZoneId: DEMO_EVO_ZONE,
    windowMs: DEMO_EVO_WINDOW_MS,
    safetyLagMs: MINUTE,
    initialLookbackMs: realMinute,
    maxWaitForJobMs: Math.max(15 * MINUTE, realMinute),
    billing: { enabled: true, includeCustomerIds: true },
  };
}
