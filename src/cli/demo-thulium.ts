import type { z } from 'zod';
import type { DemoSimulatorOptions } from './demo-simulator-options.ts';
import type { thuliumTenantSchema } from '../config/config-schema.ts';
import type { Period } from '../core/rollup/period.ts';
import type { RunningThuliumSimulator } from '../vendors/thulium/simulator/index.ts';
import { startThuliumSimulator } from '../vendors/thulium/simulator/index.ts';
import type { DemoLink } from './demo-console.ts';

/** Where the demo's Thulium agents work: their shifts follow its local hours, and the API serves its local times. */
export const DEMO_THULIUM_ZONE = 'Europe/Warsaw';

const MINUTE = 60_000;
/** Work-report chunks of the demo's Thulium tenant: a quarter hour of simulated time (15 s at 60×). */
export const DEMO_THULIUM_CHUNK_MS = 15 * MINUTE;

/**
 * Starts the demo's Thulium simulator: `agents` agents working in {@link DEMO_THULIUM_ZONE}, one API user allowed every
 * method, no faults, on the accelerated clock the other simulators run on. Resolves once it listens; the caller closes it.
 */
export function startDemoThuliumSimulator(options: DemoSimulatorOptions): Promise<RunningThuliumSimulator> {
  return startThuliumSimulator({
    seed: options.seed,
    agents: options.agents,
    from: options.from,
    to: options.to,
    zone: DEMO_THULIUM_ZONE,
    clock: { mode: 'accelerated', speed: options.speed, startedAt: options.startedAt },
    port: options.port,
    credentials: { ...options.credentials },
  });
}

/**
 * The THULIUM_TENANTS entry of the demo's Thulium tenant `id`. The pollers run on simulated time (sleeps shortened by
 * the speed), so every duration here is simulated: quarter-hour chunks ({@link DEMO_THULIUM_CHUNK_MS}) read one
 * simulated minute after they end, so the Thulium statistics follow the simulated day about a quarter hour behind,
 * from `from` on; the statuses read every simulated minute (one real second at 60×).
 */
export function demoThuliumTenant(id: string, simulator: Pick<RunningThuliumSimulator, 'url'>, from: number, credentials: { readonly username: string; readonly password: string }): z.input<typeof thuliumTenantSchema> {
  return {
    id,
    baseUrl: simulator.url,
    credentials: { ...credentials },
    timeZone: DEMO_THULIUM_ZONE,
    startAt: new Date(from).toISOString(),
    chunkMs: DEMO_THULIUM_CHUNK_MS,
    safetyLagMs: MINUTE,
    pollIntervalMs: MINUTE,
    statusPollIntervalMs: MINUTE,
  };
}

/** What the demo shows of its Thulium tenant. */
export interface ThuliumDemoSubject {
  readonly tenant: string;
  /** The simulated local day. */
  readonly day: Period;
  readonly date: string;
  readonly agent: { readonly login: string; readonly name: string } | undefined;
  /** Every agent's login: the work report lists the agents asked for (a login without data yet has no rows). */
  readonly logins: readonly string[];
}

/** The URLs about the demo's Thulium tenant: its states, its statistics, and our answer in Thulium's own report shape. */
export function thuliumDemoLinks(api: string, subject: ThuliumDemoSubject): DemoLink[] {
  const tenant = `tenant=${subject.tenant}`;
  const localDay = `startTime=${new Date(subject.day.start).toISOString()}&endTime=${new Date(subject.day.end).toISOString()}`;
  return [
    { url: `${api}/agentStatus?${tenant}`, shows: 'every agent\'s state now (sampled from agents_statuses)' },
    { url: `${api}/agentStatistic?${tenant}&${localDay}&timeCategory=day&timeZone=${DEMO_THULIUM_ZONE}`, shows: 'the day per agent (null = unknown, extraFields = per-reason pauses …)' },
    ...(subject.agent === undefined
      ? []
      : [
          { url: `${api}/agents/${subject.agent.login}/timeline?${tenant}&${localDay}`, shows: `${subject.agent.name}'s sampled timeline` },
        ]),
    {
      url: `${api}/api/agents_work_report?${tenant}&${subject.logins.map((login) => `agent_logins[]=${login}`).join('&')}&date_from=${subject.date}&date_to=${subject.date}&aggregate_by=hour`,
      shows: 'the agents\' hours in Thulium\'s own report shape',
    },
  ];
}
