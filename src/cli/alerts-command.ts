import { parseArgs } from 'node:util';
import { parseConfig } from '../config/config.ts';
import { AlertEvaluator } from '../processor/alert-evaluator.ts';
import { backoffDelay } from '../runtime/backoff.ts';
import { createLogger } from '../runtime/logger.ts';
import { setupTopology } from './setup-command.ts';

export const ALERTS_USAGE = `usage: agent-timelines alerts [--skip-setup]`;

/**
 * `agent-timelines alerts`: runs one alert evaluator instance (docs/alerts.md) until SIGTERM/SIGINT. Several
 * instances may run; one evaluates, the others stand by. An instance that dies (a consumer crash it cannot recover
 * from, a broker outage at start) is started again with a capped backoff. Creates missing topics and registers
 * schemas first unless --skip-setup. Returns the exit code.
 */
export async function alertsCommand(argv: string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'skip-setup': { type: 'boolean', default: false } }, strict: true });
  const config = parseConfig(env);
  const logger = createLogger(config.logLevel, process.stderr, config.logFormat);
  let signal: string | null = null;
  const stopped = new Promise<string>((resolve) => {
    const stop = (name: string) => () => {
      signal = name;
      resolve(name);
    };
    process.once('SIGTERM', stop('SIGTERM'));
    process.once('SIGINT', stop('SIGINT'));
  });
  if (!values['skip-setup']) await setupTopology(config, logger);
  const { backoffBaseMs, backoffMaxMs } = config.processor.supervisor;
  for (let attempt = 1; signal === null; attempt++) {
    let fatal: (error: Error) => void = () => undefined;
    const died = new Promise<Error>((resolve) => {
      fatal = resolve;
    });
    const evaluator = new AlertEvaluator({ config, logger, onFatal: (error) => fatal(error) });
    try {
      await evaluator.start();
      attempt = 1;
      const ended = await Promise.race([stopped, died]);
      if (typeof ended === 'string') break;
      logger.error({ err: ended }, 'alert evaluator died; restarting it');
    } catch (error) {
      logger.error({ err: error, attempt }, 'alert evaluator could not start; retrying');
    } finally {
      await evaluator.stop();
    }
    await Promise.race([new Promise((resolve) => setTimeout(resolve, backoffDelay({ baseMs: backoffBaseMs, maxMs: backoffMaxMs }, attempt))), stopped]);
  }
  logger.info({ signal }, 'alert evaluator shut down');
  return 0;
}
