import { execFileSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { parseConfig } from '../../src/config/config.ts';
import type { Config } from '../../src/config/config.ts';

/**
 * How tests get real services:
 *   1. KAFKA_BROKERS / SCHEMA_REGISTRY_URL / REDIS_URL set → use them;
 *   2. otherwise, the local stack (`npm run stack -- up`, which `npm test` runs first) on the default ports;
 *   3. otherwise, if a Docker engine answers, testcontainers (see test/support/containers.ts).
 * A test that needs a service and cannot reach one FAILS with a message naming the service; it never skips.
 */
export class ServiceUnavailableError extends Error {
  constructor(service: string, where: string, hint: string) {
    super(`${service} is not reachable at ${where}. ${hint}`);
    this.name = 'ServiceUnavailableError';
  }
}

const HINT = 'Start the local stack with `npm run stack -- up` (see README), or set KAFKA_BROKERS, SCHEMA_REGISTRY_URL and REDIS_URL.';

function tcpReachable(hostPort: string, timeoutMs = 2000): Promise<boolean> {
  const separator = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, separator);
  const port = Number(hostPort.slice(separator + 1));
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function dockerAvailable(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

let resolved: Promise<Config> | undefined;

/** Resolves the config of reachable services once per test file, or throws {@link ServiceUnavailableError}. */
export function requireServices(): Promise<Config> {
  resolved ??= resolveServices(process.env);
  return resolved;
}

/** One resolution attempt against `env`; exported so the failure path itself is tested. */
export async function resolveServices(env: Readonly<Record<string, string | undefined>>): Promise<Config> {
  const config = parseConfig({ ...env, LOG_LEVEL: env.LOG_LEVEL ?? 'warn' });
  const explicit = env.KAFKA_BROKERS !== undefined || env.SCHEMA_REGISTRY_URL !== undefined || env.REDIS_URL !== undefined;
  const broker = config.kafka.brokers[0] ?? '';
  const registry = new URL(config.schemaRegistry.url);
  const redis = new URL(config.redis.url);
  const checks: Array<[string, string, Promise<boolean>]> = [
    ['Kafka', broker, tcpReachable(broker)],
    ['Schema registry', config.schemaRegistry.url, tcpReachable(`${registry.hostname}:${registry.port || 80}`)],
    ['Redis', config.redis.url, tcpReachable(`${redis.hostname}:${redis.port || 6379}`)],
  ];
  const down: Array<[string, string]> = [];
  for (const [name, where, reachable] of checks) if (!(await reachable)) down.push([name, where]);
  if (down.length === 0) return config;
  if (!explicit && dockerAvailable()) {
    const { startContainers } = await import('./containers.ts');
    return startContainers(config);
  }
  const [name, where] = down[0] ?? ['?', '?'];
  throw new ServiceUnavailableError(name, where, `${down.length > 1 ? `(also down: ${down.slice(1).map(([n]) => n).join(', ')}) ` : ''}${HINT}`);
}
