import type { Logger } from 'pino';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { BackoffPolicy } from './backoff.ts';
import { backoffDelay } from './backoff.ts';
import type { Clock } from './clock.ts';
import type { PollerMetrics } from './metrics.ts';
import type { PollerHealth } from './poller-health.ts';

export interface LoopStep {
  readonly name: string;
  readonly tenant: string;
  readonly endpoint: string;
  readonly intervalMs: number;
  /** One unit of work; resolves true when caught up (wait an interval), false to go again at once. */
  run(signal: AbortSignal): Promise<boolean>;
}

const FENCING_ERRORS = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'INVALID_TXN_STATE']);

/** A newer instance with the same transactional id took over, or the coordinator bumped the epoch (or we may not write). */
function isFenced(error: unknown): boolean {
  const type = (error as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' && FENCING_ERRORS.has(type);
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof AgentTimelinesError && error.code === 'POLL_ABORTED') || (error instanceof Error && error.name === 'AbortError');
}

/**
 * Runs `step` until `signal` aborts (or, with `once`, until it is caught up). Failures of any kind — vendor,
 * broker, registry, and fencing (a transaction the coordinator aborted after a long outage bumps the epoch) — are
 * logged, counted and written to `health`, and the step is retried after a capped full-jitter backoff, for as long
 * as it takes; the step itself reopens its producer and checkpoint after a failure. With `once` the third failure in
 * a row, or a fencing, is rethrown. Resolves after the in-flight step finished or was aborted.
 */
export async function runLoop(step: LoopStep, options: { signal: AbortSignal; once: boolean; clock: Clock; logger: Logger; metrics: PollerMetrics; backoff: BackoffPolicy; health?: PollerHealth }): Promise<void> {
  const { signal, clock, logger, metrics, health } = options;
  const labels = { tenant: step.tenant, endpoint: step.endpoint };
  health?.register(step.tenant, step.endpoint);
  let failures = 0;
  while (!signal.aborted) {
    let wait: number;
    try {
      const caughtUp = await step.run(signal);
      failures = 0;
      health?.succeeded(step.tenant, step.endpoint, clock.now());
      if (caughtUp && options.once) return;
      wait = caughtUp ? step.intervalMs : 0;
    } catch (error) {
      if (isAbort(error, signal)) return;
      failures++;
      const fenced = isFenced(error);
      const code = error instanceof AgentTimelinesError ? error.code : fenced ? 'FENCED' : 'UNEXPECTED';
      health?.failed(step.tenant, step.endpoint, code);
      if (fenced) {
        metrics.inc('poll_fenced', labels);
        logger.error(
          { tenant: step.tenant, endpoint: step.endpoint, err: (error as Error).message },
          `${step.name} was fenced (another instance with the same tenant and endpoint, or a transaction the broker timed out); reopening from the committed checkpoint`,
        );
        if (options.once) throw error;
      }
      metrics.inc('poll_failures', labels);
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

/** What {@link runLoops} needs besides the steps: each step's backoff comes from its tenant. */
export interface LoopsOptions {
  readonly signal: AbortSignal;
  readonly once: boolean;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: PollerMetrics;
  readonly backoffOf: (tenant: string) => BackoffPolicy;
  readonly health?: PollerHealth;
}

/**
 * Runs every step in its own {@link runLoop} until `signal` aborts. Only with `once` can a loop give up; then all
 * loops are stopped and the first error is rethrown once every loop has finished.
 */
export async function runLoops(steps: readonly LoopStep[], options: LoopsOptions): Promise<void> {
  const stopAll = new AbortController();
  const signal = AbortSignal.any([options.signal, stopAll.signal]);
  const { once, clock, logger, metrics, health } = options;
  const loops = steps.map((step) =>
    runLoop(step, { signal, once, clock, logger, metrics, backoff: options.backoffOf(step.tenant), ...(health === undefined ? {} : { health }) }).catch((error: unknown) => {
      stopAll.abort(error);
      throw error;
    }),
  );
  const results = await Promise.allSettled(loops);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}
