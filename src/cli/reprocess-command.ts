import { parseArgs } from 'node:util';
import { parseConfig } from '../config/config.ts';
import { Reprocessor } from '../processor/reprocessor.ts';
import { createLogger } from '../runtime/logger.ts';
import { processorSource } from './processor-sources.ts';
import { setupTopology } from './setup-command.ts';

export const REPROCESS_USAGE = `usage: agent-timelines reprocess [--skip-setup]`;

/**
 * `agent-timelines reprocess`: runs only the re-processor (the part of `process` that turns records too late for the
 * live engine into corrections, see docs/processor.md "Late history"), for deployments that scale it apart from the
 * live processor (then run `process` with PROCESSOR_REPROCESS=false). Only Sinch RAI sends re-process requests (Evo
 * Voice rows are never late, docs/processor.md "Sources"). Until SIGTERM/SIGINT; then the transaction in flight
 * finishes, the instance leaves its group and the process exits 0. A consumer that dies makes it exit 1.
 */
export async function reprocessCommand(argv: string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'skip-setup': { type: 'boolean', default: false } }, strict: true });
  const config = parseConfig(env);
  const logger = createLogger(config.logLevel, process.stderr, config.logFormat);
  if (!values['skip-setup']) await setupTopology(config, logger);
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  let reportFatal: (error: Error) => void = () => undefined;
  const fatal = new Promise<Error>((resolve) => {
    reportFatal = resolve;
  });
  const reprocessor = new Reprocessor({ config, source: processorSource(config, 'sinch-rai'), logger, onFatal: (error) => reportFatal(error) });
  await reprocessor.start();
  const outcome = await Promise.race([stopped, fatal]);
  if (outcome instanceof Error) logger.fatal({ err: outcome }, 'the re-processor consumer died; exiting so the supervisor restarts it');
  else logger.info({ signal: outcome }, 'shutting down the re-processor');
  await reprocessor.stop();
  logger.info({ counters: reprocessor.metrics.samples().filter((s) => s.kind === 'counter') }, 're-processor stopped');
  return outcome instanceof Error ? 1 : 0;
}
