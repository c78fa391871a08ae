import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parseConfig } from '../config/config.ts';
import type { Config } from '../config/config.ts';
import { superviseProcessor } from '../processor/supervised-processor.ts';
import type { ProcessorReadiness } from '../processor/supervised-processor.ts';
import { backoffDelay } from '../runtime/backoff.ts';
import { startOpsServer } from '../runtime/ops-server.ts';
import type { RunningOpsServer } from '../runtime/ops-server.ts';
import { createLogger } from '../runtime/logger.ts';
import { processorSources } from './processor-sources.ts';
import { setupTopology } from './setup-command.ts';

export const PROCESS_USAGE = `usage: agent-timelines process [--skip-setup]`;

/**
 * The processor's own endpoint (PROCESSOR_METRICS_HOST:PROCESSOR_METRICS_PORT; port 0 disables it): /metrics,
 * /healthz and /readyz. A port that cannot be bound (say, a second instance on one host) is logged and processing
 * goes on without the endpoint.
 */
async function serveOps(config: Config, registry: Registry, readiness: () => ProcessorReadiness, logger: Logger): Promise<RunningOpsServer | null> {
  const { host, port } = config.processor.metrics;
  if (port === 0) return null;
  try {
    const server = await startOpsServer({ host, port, registry, logger, readiness });
    logger.info({ url: `${server.address}/metrics`, readyz: `${server.address}/readyz` }, 'processor operations endpoint listening');
    return server;
  } catch (error) {
    logger.error({ err: error, host, port }, 'cannot serve processor metrics (set PROCESSOR_METRICS_PORT to a free port, or 0); processing without them');
    return null;
  }
}

/** Topic setup, retried with a capped backoff until the broker and registry answer or a signal arrives. */
async function setupUntilDone(config: Config, logger: Logger, stopped: Promise<string>): Promise<boolean> {
  let halted = false;
  void stopped.then(() => {
    halted = true;
  });
  const { backoffBaseMs, backoffMaxMs } = config.processor.supervisor;
  for (let attempt = 1; !halted; attempt++) {
    try {
      await setupTopology(config, logger);
      return true;
    } catch (error) {
      const wait = Math.max(backoffBaseMs, backoffDelay({ baseMs: backoffBaseMs, maxMs: backoffMaxMs }, attempt));
      logger.error({ err: error, attempt, retryInMs: wait }, 'topic setup failed; retrying');
      await Promise.race([new Promise((resolve) => setTimeout(resolve, wait)), stopped]);
    }
  }
  return false;
}

/**
 * `agent-timelines process`: runs one supervised timeline processor instance per source of PROCESSOR_SOURCES (and,
 * unless PROCESSOR_REDIS_SINK=false, the one Redis sink of them all) and the operations endpoint until SIGTERM/SIGINT;
 * then the transactions in flight finish, the instances leave their groups and the process exits 0. A broker, registry or Redis outage never ends the process: the
 * instance is restarted with a capped backoff and /readyz answers 503 until it is back. Creates missing topics and
 * registers schemas first unless --skip-setup. Returns the exit code.
 */
export async function processCommand(argv: string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'skip-setup': { type: 'boolean', default: false } }, strict: true });
  const config = parseConfig(env);
  const logger = createLogger(config.logLevel, process.stderr, config.logFormat);
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  if (!values['skip-setup'] && !(await setupUntilDone(config, logger, stopped))) return 0;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const supervised = superviseProcessor(config, processorSources(config), logger, { registry });
  const ops = await serveOps(config, registry, supervised.readiness, logger);
  const signal = await stopped;
  logger.info({ signal }, 'shutting down the processor');
  await ops?.close();
  await supervised.stop();
  for (const [source, metrics] of supervised.metrics) logger.info({ source, counters: metrics.samples().filter((s) => s.kind === 'counter') }, 'processor stopped');
  return 0;
}
