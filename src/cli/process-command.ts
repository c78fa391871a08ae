import { parseArgs } from 'node:util';
import { parseConfig } from '../config/config.ts';
import { startProcessorInstance } from '../processor/processor-instance.ts';
import { createLogger } from '../runtime/logger.ts';
import { setupTopology } from './setup-command.ts';

export const PROCESS_USAGE = `usage: agent-timelines process [--skip-setup]`;

/**
 * `agent-timelines process`: runs one timeline processor instance (and, unless PROCESSOR_REDIS_SINK=false, the
 * Redis sink) until SIGTERM/SIGINT; then the transactions in flight finish, the instance leaves its groups and the
 * process exits 0. Creates missing topics and registers schemas first unless --skip-setup. Returns the exit code.
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
  const instance = await startProcessorInstance(config, logger);
  const outcome = await Promise.race([stopped, instance.fatal.catch((error: unknown) => error as Error)]);
  if (outcome instanceof Error) logger.fatal({ err: outcome }, 'a consumer died; exiting so the supervisor restarts the processor');
  else logger.info({ signal: outcome }, 'shutting down the processor');
  await instance.stop();
  logger.info({ counters: instance.processor.metrics.samples().filter((s) => s.kind === 'counter') }, 'processor stopped');
  return outcome instanceof Error ? 1 : 0;
}
