import { createLogger } from '../../../src/runtime/logger.ts';
import { createPollerMetrics } from '../../../src/ingest/metrics.ts';
import { RaiClient } from '../../../src/vendors/sinch/rai-client.ts';
import { TokenBucket } from '../../../src/ingest/token-bucket.ts';
import type { FakeClock } from './fake-clock.ts';

/** A RaiClient over a scripted fetch and a fake clock (no real waiting). */
export function scriptedClient(clock: FakeClock, fetchImpl: typeof fetch, maxAttempts = 4) {
  const metrics = createPollerMetrics();
  const client = new RaiClient({
    tenant: 't1',
    baseUrl: 'http://vendor.invalid/RI/rai/',
    credentials: { username: 'api', password: 'pw' },
    requestTimeoutMs: 1000,
    maxAttempts,
    backoff: { baseMs: 100, maxMs: 1000 },
    limiter: new TokenBucket(clock, 1000, 1000),
    clock,
    metrics,
    logger: createLogger('silent'),
    random: () => 0.5,
    fetch: fetchImpl,
  });
  return { client, metrics };
}
