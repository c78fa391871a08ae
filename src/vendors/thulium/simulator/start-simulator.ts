import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deriveSeed, Prng } from '../../../core/random/prng.ts';
import type { ThuliumApiUser } from './http/authenticator.ts';
import { Authenticator } from './http/authenticator.ts';
import { FaultInjector, NO_FAULTS } from './http/fault-injector.ts';
import { handleThuliumRequest } from './http/request-handler.ts';
import type { ThuliumWorld } from './model/thulium-world.ts';
import { generateWorld } from './model/thulium-world.ts';
import type { RunningThuliumSimulator, ThuliumSimulatorOptions } from './simulator-options.ts';
import { simulatedNow } from './simulator-options.ts';

/** The world an options object generates (what the server serves and the truth export states). */
export function worldOf(options: ThuliumSimulatorOptions): ThuliumWorld {
  return generateWorld({ seed: options.seed, agents: options.agents, from: options.from, to: options.to, ...(options.zone === undefined ? {} : { zone: options.zone }), ...(options.groups === undefined ? {} : { groups: options.groups }) });
}

function usersOf(options: ThuliumSimulatorOptions): readonly ThuliumApiUser[] {
  if (options.users !== undefined) return options.users;
  const { username, password } = options.credentials ?? { username: 'thulium', password: 'thulium' };
  return [{ login: username, password, methods: ['*'] }];
}

/**
 * Generates the tenant and serves it as Thulium's REST API (docs/vendors/thulium-contract.md) on node:http.
 * Resolves once listening. The only clock read is `realClock` (default Date.now), in accelerated and live mode.
 */
export async function startThuliumSimulator(options: ThuliumSimulatorOptions): Promise<RunningThuliumSimulator> {
  const world = worldOf(options);
  const faults = { ...NO_FAULTS, ...options.faults };
  const realClock = options.realClock ?? Date.now;
  const now = (): number => simulatedNow(options, realClock());
  const counters = new Map<string, number>();
  const count = (counter: string): void => void counters.set(counter, (counters.get(counter) ?? 0) + 1);
  const ids = new Prng(deriveSeed(options.seed, 'thulium-request-id'));
  const timers = new Set<NodeJS.Timeout>();
  const delay = (ms: number): Promise<void> => new Promise((resolve) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      resolve();
    }, ms);
    timers.add(timer);
  });
  const setup = {
    world, now, count, delay,
    auth: new Authenticator(usersOf(options)),
    faults: new FaultInjector(faults, options.faultSeed ?? options.seed),
    retryAfterSeconds: faults.retryAfterSeconds,
    requestId: () => ids.hex(13),
  };
  const server = createServer((req, res) => void handleThuliumRequest(setup, req, res));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    now,
    world,
    stats: () => Object.fromEntries([...counters].sort(([a], [b]) => (a < b ? -1 : 1))),
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
