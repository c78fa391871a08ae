import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = new URL('../../../', import.meta.url).pathname;
const KAFKA_PID = `${REPO}.stack/run/kafka.pid`;

const stackKafka = async (steps: string): Promise<void> => {
  await run('bash', ['-c', `set -euo pipefail; source stack/lib/common.sh; source "$STACK_HOME/lib/kafka.sh"; ${steps}`], { cwd: REPO, timeout: 180_000 });
};

/** Stops the local broker with the stack's own helpers (TERM, then wait until it is gone). Only a broker stack.sh started. */
export async function stopKafka(): Promise<void> {
  if (!existsSync(KAFKA_PID)) throw new Error('the broker was not started by stack/stack.sh; refusing to stop it');
  await stackKafka('kafka_stop');
}

/** Starts the local broker again (after {@link stopKafka}) and waits until it answers; returns how long that took (ms). */
export async function startKafka(): Promise<number> {
  const started = Date.now();
  await stackKafka('kafka_start; kafka_wait');
  return Date.now() - started;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The machine's own Redis command line (see the CI image); Redis keeps nothing across this restart. */
const REDIS_ARGS = ['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', '6379', '--save', '', '--appendonly', 'no', '--dir', '/var/lib/redis', '--logfile', '/var/log/redis/ci.log'];

export async function restartRedis(): Promise<number> {
  const started = Date.now();
  await run('redis-cli', ['shutdown', 'nosave']).catch(() => undefined);
  for (let i = 0; i < 50; i++) {
    const down = await run('redis-cli', ['ping']).then(() => false, () => true);
    if (down) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await run('redis-server', REDIS_ARGS);
  for (let i = 0; i < 100; i++) {
    const up = await run('redis-cli', ['ping']).then(({ stdout }) => stdout.trim() === 'PONG', () => false);
    if (up) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('redis-server did not come back');
}

/** A `node src/bin/cli.ts process` child; its stderr is kept for diagnostics. */
export interface ProcessorChild {
  readonly child: ChildProcess;
  /** Base URL of the child's /metrics, /healthz and /readyz (when started with a port). */
  readonly url: string;
  readonly exited: Promise<number | null>;
  readonly log: string[];
}

export function spawnProcessor(env: Record<string, string>, instanceId: string, metricsPort = 0): ProcessorChild {
  const child = spawn(process.execPath, ['src/bin/cli.ts', 'process', '--skip-setup'], {
    cwd: REPO,
    env: { ...process.env, ...env, PROCESSOR_INSTANCE_ID: instanceId, PROCESSOR_METRICS_PORT: String(metricsPort), LOG_LEVEL: process.env.FAULT_LOG_DIR === undefined ? 'warn' : (process.env.FAULT_LOG_LEVEL ?? 'info') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log: string[] = [];
  if (process.env.FAULT_LOG_DIR !== undefined) {
    mkdirSync(process.env.FAULT_LOG_DIR, { recursive: true });
    child.stderr?.pipe(createWriteStream(`${process.env.FAULT_LOG_DIR}/${instanceId}.log`));
  }
  child.stderr?.on('data', (chunk: Buffer) => {
    log.push(chunk.toString('utf8'));
    if (log.length > 400) log.splice(0, log.length - 400);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, log, url: `http://127.0.0.1:${metricsPort}` };
}
