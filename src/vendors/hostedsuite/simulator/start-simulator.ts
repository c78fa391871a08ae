import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector } from './http/fault-injector.ts';
import { handleHostedSuiteRequest } from './http/request-handler.ts';
import type { SimCall } from './model/call-model.ts';
import { generateCalls } from './model/generate-calls.ts';
import type { Operator } from './model/operators.ts';
import { generateOperators } from './model/operators.ts';
import type { HostedSuiteSimulatorOptions, RunningHostedSuiteSimulator } from './simulator-options.ts';
import { DEFAULT_CREDENTIALS, DEFAULT_LATE_WORK_SHARE, DEFAULT_ZONE, NO_FAULTS } from './simulator-options.ts';

/** The center an options object generates: its operators and every call (what the API serves and the truth states). */
export function centerOf(options: HostedSuiteSimulatorOptions): { operators: Operator[]; calls: SimCall[]; zone: string } {
  const zone = options.zone ?? DEFAULT_ZONE;
  const operators = generateOperators(options.seed, options.agents);
  const calls = generateCalls({ seed: options.seed, operators, from: options.from, to: options.to, zone, lateWorkShare: options.lateWorkShare ?? DEFAULT_LATE_WORK_SHARE });
  return { operators, calls, zone };
}

/** The simulated now of a clock setting at `realNow` (manual: the value given). */
function clockNow(options: HostedSuiteSimulatorOptions, realNow: number, manual: number): number {
  const clock = options.clock;
  if (clock.mode === 'historical') return options.to;
  if (clock.mode === 'manual') return manual;
  return Math.floor(options.from + (realNow - clock.startedAt) * clock.speed);
}

/** Generates the center and serves it as the HostedSuite v2 call-records API on node:http; resolves once listening. */
export async function startHostedSuiteSimulator(options: HostedSuiteSimulatorOptions): Promise<RunningHostedSuiteSimulator> {
  const { operators, calls, zone } = centerOf(options);
  const faults = { ...NO_FAULTS, ...options.faults };
  const realClock = options.realClock ?? Date.now;
  let manual = options.clock.mode === 'manual' ? options.clock.now : options.to;
  const now = (): number => clockNow(options, realClock(), manual);
  const counters = new Map<string, number>();
  const count = (counter: string): void => void counters.set(counter, (counters.get(counter) ?? 0) + 1);
  const setup = {
    calls, zone, now, credentials: options.credentials ?? DEFAULT_CREDENTIALS, faults: new FaultInjector(faults, options.faultSeed ?? options.seed),
    retryAfterSeconds: faults.retryAfterSeconds, count,
  };
  const server = createServer((req, res) => void handleHostedSuiteRequest(setup, req, res));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url, now, zone, operators, calls,
    setNow(value) {
      if (options.clock.mode !== 'manual') throw new Error('setNow needs the manual clock');
      manual = value;
    },
    stats: () => Object.fromEntries([...counters].sort(([a], [b]) => (a < b ? -1 : 1))),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
