import { parseArgs } from 'node:util';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parseConfig } from '../config/config.ts';
import { superviseAlertService } from '../processor/alert-service.ts';
import { startOpsServer } from '../runtime/ops-server.ts';
import type { RunningOpsServer } from '../runtime/ops-server.ts';
import { createLogger } from '../runtime/logger.ts';
import { setupTopology } from './setup-command.ts';

export const ALERTS_USAGE = `usage: agent-timelines alerts [--skip-setup]`;

/**
 * `agent-timelines alerts`: runs the alert service (docs/alerts.md: the evaluator, the Redis sink of `out.alerts`, the
 * webhook notifier when ALERT_WEBHOOK_URL is set) and its operations endpoint (ALERTS_METRICS_HOST:ALERTS_METRICS_PORT,
 * port 0: none; GET /metrics, /healthz, /readyz) until SIGTERM/SIGINT. Several instances may run; one evaluates, the
 * others stand by. A part that dies is started again with a capped backoff. Creates missing topics and registers
 * schemas first unless --skip-setup. Returns the exit code.
 */
export async function alertsCommand(argv: string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'skip-setup': { type: 'boolean', default: false } }, strict: true });
  const config = parseConfig(env);
  const logger = createLogger(config.logLevel, process.stderr, config.logFormat);
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  if (!values['skip-setup']) await setupTopology(config, logger);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const service = superviseAlertService(config, logger, { registry });
  let ops: RunningOpsServer | null = null;
  const { host, port } = config.alerts.metrics;
  if (port !== 0) {
    try {
      ops = await startOpsServer({ host, port, registry, logger, readiness: () => service.readiness() });
      logger.info({ url: `${ops.address}/metrics`, readyz: `${ops.address}/readyz` }, 'alert service operations endpoint listening');
    } catch (error) {
      logger.error({ err: error, host, port }, 'cannot serve the alert service metrics (set ALERTS_METRICS_PORT to a free port, or 0); going on without them');
    }
  }
  const signal = await stopped;
  logger.info({ signal }, 'shutting down the alert service');
  await ops?.close();
  await service.stop();
  logger.info({ signal }, 'alert service shut down');
  return 0;
}
