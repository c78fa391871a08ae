import type { Logger } from 'pino';
import type { BackoffPolicy } from './backoff.ts';
import { retryDelay } from './backoff.ts';
import type { Clock } from './clock.ts';
import type { PollerMetrics } from './metrics.ts';
import type { TokenBucket } from './token-bucket.ts';
import { VendorError } from './vendor-error.ts';

/** How a vendor client retries: shared by every vendor's client, whatever its protocol. */
export interface VendorRetryPolicy {
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  readonly limiter: TokenBucket;
  readonly clock: Clock;
  readonly metrics: PollerMetrics;
  readonly logger: Logger;
  readonly random?: () => number;
}

/**
 * Runs `attempt` up to `maxAttempts` times. Each attempt takes a rate-limiter token and counts in `requests`; a
 * retriable {@link VendorError} (429, 5xx, network, timeout, malformed answer) is counted by kind and retried after
 * full-jitter backoff that honours Retry-After; anything else, and an abort of `signal`, is rethrown at once. After
 * the last attempt its error is thrown. `request` names the request in logs and errors.
 */
export async function withVendorRetries<T>(policy: VendorRetryPolicy, labels: { readonly tenant: string; readonly endpoint: string }, request: string, signal: AbortSignal | undefined, attempt: () => Promise<T>): Promise<T> {
  let last: VendorError | undefined;
  for (let n = 1; n <= policy.maxAttempts; n++) {
    if (n > 1 && last !== undefined) {
      policy.metrics.inc('retries', labels);
      const wait = retryDelay(policy.backoff, n - 1, last.retryAfterMs, policy.random);
      policy.logger.debug({ tenant: labels.tenant, request, attempt: n, wait, code: last.code, status: last.status }, 'retrying vendor request');
      await policy.clock.sleep(wait, signal);
    }
    await policy.limiter.take(signal);
    policy.metrics.inc('requests', labels);
    try {
      return await attempt();
    } catch (error) {
      if (signal?.aborted === true) throw error;
      if (!(error instanceof VendorError) || !error.retriable) throw error;
      last = error;
      const counter = error.status === 429 ? 'http_429' : error.status !== undefined && error.status >= 500 ? 'http_5xx' : error.code === 'VENDOR_MALFORMED_RESPONSE' ? 'malformed_pages' : 'network_errors';
      policy.metrics.inc(counter, labels);
    }
  }
  throw last ?? new VendorError('VENDOR_UNAVAILABLE', `no attempt made for ${request}`, { request });
}
