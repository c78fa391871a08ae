import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { agentStatistic, agentHistory, agentStatus, agentStatusHistory, contactHistory, contactStatistic } from './http/endpoints/all-endpoints.ts';
import type { Endpoint } from './http/endpoint.ts';
import { FaultInjector } from './http/fault-injector.ts';
import { handleRaiRequest } from './http/rai-request-handler.ts';
import { SimulatorData } from './http/simulator-data.ts';
import { generateGroundTruth } from './model/generate-ground-truth.ts';
import type { GeneratedDay } from './model/generated-day.ts';
import type { GroundTruth, RunningSimulator, SimulatorOptions } from './simulator-options.ts';
import { resolveFaults } from './simulator-options.ts';

const ENDPOINTS: readonly Endpoint[] = [agentStatusHistory, contactHistory, contactStatistic, agentStatus, agentStatistic, agentHistory];

/** The exported ground truth of a generated day (rows as served; visibility kept separately). */
export function groundTruthOf(day: GeneratedDay): GroundTruth {
  return {
    agents: day.agents.map((a) => ({ userId: a.userId, userName: a.userName })),
    agentStatusHistory: day.agentStatusHistory.map((r) => ({ ...r.row })),
    contacts: day.contacts.map((c) => ({ ...c.record })),
    visibleAt: { agentStatusHistory: day.agentStatusHistory.map((r) => r.visibleAt), contacts: day.contacts.map((c) => c.visibleAt) },
  };
}

/** The simulated now for a clock setting: `to` when historical, accelerated wall-clock time otherwise. */
export function simulatedNow(options: Pick<SimulatorOptions, 'from' | 'to' | 'clock'>, realNow: number): number {
  if (options.clock.mode === 'historical') return options.to;
  return Math.floor(options.from + (realNow - options.clock.startedAt) * options.clock.speed);
}

/**
 * Generates the ground truth and serves it as the Sinch RAI API on node:http. Resolves once
 * listening. The only clock read is `realClock` (default Date.now), in accelerated mode.
 */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const faults = resolveFaults(options.faults);
  const day = generateGroundTruth({ seed: options.seed, agents: options.agents, from: options.from, to: options.to, changeLagMaxMs: faults.changeLagMaxMs, lateVisibilityMaxMs: faults.lateVisibilityMaxMs });
  const realClock = options.realClock ?? Date.now;
  const now = (): number => simulatedNow(options, realClock());
  const basePath = (options.basePath ?? '/RI/rai').replace(/\/+$/, '');
  const counters = new Map<string, number>();
  const count = (counter: string): void => void counters.set(counter, (counters.get(counter) ?? 0) + 1);
  const injector = new FaultInjector(faults, options.faultSeed ?? options.seed);
  const timers = new Set<NodeJS.Timeout>();
  const credentials = Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64');
  const setup = {
    endpoints: new Map(ENDPOINTS.map((e) => [`${basePath}${e.path}`, e])),
    data: new SimulatorData(day),
    authorization: `Basic ${credentials}`,
    retryAfterSeconds: faults.retryAfterSeconds,
    count,
  };
  const server = createServer((req, res) => {
    const requestNow = now();
    count('requests');
    const decided = injector.next();
    const answer = (): void => handleRaiRequest(setup, req, res, requestNow, decided);
    if (decided.latencyMs <= 0) return answer();
    count('fault:latency');
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer();
    }, decided.latencyMs);
    timers.add(timer);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}${basePath}`,
    now,
    groundTruth: () => groundTruthOf(day),
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
