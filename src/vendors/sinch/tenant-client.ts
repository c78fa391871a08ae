import type { SinchTenant } from '../../config/config.ts';
import type { PollerRuntime } from '../../ingest/poller-runtime.ts';
import { TokenBucket } from '../../ingest/token-bucket.ts';
import { RaiClient } from './rai-client.ts';

/** The vendor client of one tenant; every endpoint of the tenant shares its token bucket. */
export function createTenantClient(runtime: PollerRuntime, tenant: SinchTenant): RaiClient {
  return new RaiClient({
    tenant: tenant.id,
    baseUrl: tenant.baseUrl,
    credentials: tenant.credentials,
    requestTimeoutMs: tenant.requestTimeoutMs,
    maxAttempts: tenant.maxAttempts,
    backoff: { baseMs: tenant.backoffBaseMs, maxMs: tenant.backoffMaxMs },
    limiter: new TokenBucket(runtime.clock, tenant.rateLimitPerSecond, tenant.rateLimitBurst),
    clock: runtime.clock,
    metrics: runtime.metrics,
    logger: runtime.logger,
    ...(runtime.random === undefined ? {} : { random: runtime.random }),
  });
}
