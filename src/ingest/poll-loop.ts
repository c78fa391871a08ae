import type { Logger } from 'pino';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { BackoffPolicy } from './backoff.ts';
import { backoffDelay } from './backoff.ts';
import type { Clock } from './clock.ts';
import type { PollerMetrics } from './metrics.ts';

export interface LoopStep {
  readonly name: string;
  readonly tenant: string;
  readonly endpoint: string;
  readonly intervalMs: number;
  /** One unit of work; resolves true when caught up (wait an interval), false to go again at once. */
  run(signal: AbortSignal): Promise<boolean>;
}

const FATAL_KAFKA_ERRORS = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'INVALID_TXN_STATE']);

/** A newer instance with the same transactional id took over (or we may not write): stop instead of retrying. */
function isFatal(error: unknown): boolean {
  const type = (error as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' && FATAL_KAFKA_ERRORS.has(type);
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof AgentTimelinesError && error.code === 'POLL_ABORTED') || (error instanceof Error && error.name === 'AbortError');
}

/**
 * Runs `step` until `signal` aborts (or, with `once`, until it is caught up). Failures are logged and counted
 * and the step is retried after a full-jitter backoff; with `once` the third failure in a row is rethrown, and a
 * fenced producer is rethrown at once. Resolves after the
 * in-flight step finished or was aborted.
 */
export async function runLoop(step: LoopStep, options: { signal: AbortSignal; once: boolean; clock: Clock; logger: Logger; metrics: PollerMetrics; backoff: BackoffPolicy }): Promise<void> {
  const { signal, clock, logger, metrics } = options;
  const labels = { tenant: step.tenant, endpoint: step.endpoint };
  let failures = 0;
  while (!signal.aborted) {
    let wait: number;
    try {
      const caughtUp = await step.run(signal);
      failures = 0;
      if (caughtUp && options.once) return;
      wait = caughtUp ? step.intervalMs : 0;
    } catch (error) {
      if (isAbort(error, signal)) return;
      if (isFatal(error)) {
        logger.error({ tenant: step.tenant, endpoint: step.endpoint, err: (error as Error).message }, `${step.name} stopped: this poller was fenced by a newer instance`);
        throw error;
      }
      failures++;
      metrics.inc('poll_failures', labels);
      const code = error instanceof AgentTimelinesError ? error.code : 'UNEXPECTED';
      logger.warn({ tenant: step.tenant, endpoint: step.endpoint, code, failures, err: error instanceof Error ? error.message : String(error) }, `${step.name} failed; will retry`);
      if (options.once && failures >= 3) throw error;
      wait = Math.max(backoffDelay(options.backoff, failures), options.backoff.baseMs);
    }
    if (wait > 0) {
      try {
        await clock.sleep(wait, signal);
      } catch {
        return;
      }
    }
  }
}
