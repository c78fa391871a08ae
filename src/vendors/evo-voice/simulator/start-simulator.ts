import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Authenticator } from './http/authenticator.ts';
import { handleEvoRequest } from './http/evo-request-handler.ts';
import { FaultInjector } from './http/fault-injector.ts';
import { ReportJobs } from './http/report-jobs.ts';
import { WebhookSender } from './http/webhook-sender.ts';
import type { EvoWorld } from './model/evo-world.ts';
import { generateWorld } from './model/evo-world.ts';
import type { EvoUser } from './model/tenant.ts';
import type { EvoSimulatorOptions, RunningEvoSimulator } from './simulator-options.ts';
import { DEFAULT_JOB_TIMINGS, DEFAULT_WEBHOOK_POLICY, NO_FAULTS, simulatedNow } from './simulator-options.ts';

/** The world an options object generates (what the server serves and the truth export states). */
export function worldOf(options: EvoSimulatorOptions): EvoWorld {
  return generateWorld({ seed: options.seed, agents: options.agents, from: options.from, to: options.to, zone: options.zone, accounts: options.accounts });
}

/** The default login: `credentials` (default evo/evo) as a Manager of every account. */
function usersOf(options: EvoSimulatorOptions, world: EvoWorld): readonly EvoUser[] {
  if (options.users !== undefined) return options.users;
  const { username, password } = options.credentials ?? { username: 'evo', password: 'evo' };
  return [{ userName: username, password, displayName: 'Report Runner', roles: ['Manager'], accountIds: world.accounts.map((a) => a.account.id) }];
}

/**
 * Generates the tenant and serves it as the Evo Voice report API on node:http. Resolves once listening. The only
 * clock read is `realClock` (default Date.now): ReportInfo dates, and now in accelerated mode.
 */
export async function startEvoSimulator(options: EvoSimulatorOptions): Promise<RunningEvoSimulator> {
  const world = worldOf(options);
  const faults = { ...NO_FAULTS, ...options.faults };
  const realClock = options.realClock ?? Date.now;
  const now = (): number => simulatedNow(options, realClock());
  const counters = new Map<string, number>();
  const count = (counter: string): void => void counters.set(counter, (counters.get(counter) ?? 0) + 1);
  const injector = new FaultInjector(faults, options.faultSeed ?? options.seed);
  const webhook = new WebhookSender({ ...DEFAULT_WEBHOOK_POLICY, ...options.webhook }, count);
  let baseUrl = '';
  const jobs = new ReportJobs({ world, now, realClock, timings: { ...DEFAULT_JOB_TIMINGS, ...options.jobs }, faults: injector, webhook, count, seed: options.seed, baseUrl: () => baseUrl });
  const accounts = world.accounts.map((a) => a.account);
  const downloadTimers = new Set<NodeJS.Timeout>();
  const setup = {
    accounts,
    auth: new Authenticator(usersOf(options, world)),
    jobs,
    faults: injector,
    retryAfterSeconds: faults.retryAfterSeconds,
    slowDownload: { chunkBytes: faults.slowChunkBytes, pauseMs: faults.slowPauseMs },
    downloadTimers,
    count,
  };
  const server = createServer((req, res) => void handleEvoRequest(setup, req, res));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url: baseUrl,
    now,
    accounts,
    world,
    stats: () => Object.fromEntries([...counters].sort(([a], [b]) => (a < b ? -1 : 1))),
    close() {
      closing ??= new Promise<void>((resolve) => {
        jobs.close();
        webhook.close();
        for (const timer of downloadTimers) clearTimeout(timer);
        downloadTimers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
