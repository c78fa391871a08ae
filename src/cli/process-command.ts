import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parseConfig } from '../config/config.ts';
import type { Config } from '../config/config.ts';
import { startMetricsServer } from '../processor/metrics-server.ts';
import type { RunningMetricsServer } from '../processor/metrics-server.ts';
import { startProcessorInstance } from '../processor/processor-instance.ts';
import { createLogger } from '../runtime/logger.ts';
import { setupTopology } from './setup-command.ts';

export const PROCESS_USAGE = `usage: agent-timelines process [--skip-setup]`;

/**
 * The processor's own /metrics endpoint (PROCESSOR_METRICS_HOST:PROCESSOR_METRICS_PORT; port 0 disables it). A port
 * that cannot be bound (say, a second instance on one host) is logged and processing goes on without the endpoint.
 */
async function serveMetrics(config: Config, registry: Registry, logger: Logger): Promise<RunningMetricsServer | null> {
  const { host, port } = config.processor.metrics;
  if (port === 0) return null;
  try {
    const server = await startMetricsServer({ host, port, registry, logger });
    logger.info({ url: `${server.address}/metrics` }, 'processor metrics endpoint listening');
    return server;
  } catch (error) {
    logger.error({ err: error, host, port }, 'cannot serve processor metrics (set PROCESSOR_METRICS_PORT to a free port, or 0); processing without them');
    return null;
  }
}

/**
 * `agent-timelines process`: runs one timeline processor instance (and, unless PROCESSOR_REDIS_SINK=false, the
 * Redis sink) and its metrics endpoint until SIGTERM/SIGINT; then the transactions in flight finish, the instance
 * leaves its groups and the process exits 0. Creates missing topics and registers schemas first unless
 * --skip-setup. Returns the exit code.
 */
export async function processCommand(argv: string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'skip-setup': { type: 'boolean', default: false } }, strict: true });
  const config = parseConfig(env);
  const logger = createLogger(config.logLevel, process.stderr);
  if (!values['skip-setup']) await setupTopology(config, logger);
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const instance = await startProcessorInstance(config, logger, { registry });
  const metrics = await serveMetrics(config, registry, logger);
  const outcome = await Promise.race([stopped, instance.fatal.catch((error: unknown) => error as Error)]);
  if (outcome instanceof Error) logger.fatal({ err: outcome }, 'a consumer died; exiting so the supervisor restarts the processor');
  else logger.info({ signal: outcome }, 'shutting down the processor');
  await metrics?.close();
  await instance.stop();
  logger.info({ counters: instance.processor.metrics.samples().filter((s) => s.kind === 'counter') }, 'processor stopped');
  return outcome instanceof Error ? 1 : 0;
}
