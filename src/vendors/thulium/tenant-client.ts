import type { ThuliumTenant } from '../../config/config.ts';
import type { PollerRuntime } from '../../ingest/poller-runtime.ts';
import type { TokenBucket } from '../../ingest/token-bucket.ts';
import { ThuliumClient } from './thulium-client.ts';

/** The client of one tenant for one poller (its metric label); every poller of a tenant shares `limiter`. */
export function createThuliumClient(runtime: PollerRuntime, tenant: ThuliumTenant, endpoint: string, limiter: TokenBucket): ThuliumClient {
  return new ThuliumClient({
    tenant: tenant.id,
    endpoint,
    baseUrl: tenant.baseUrl,
    credentials: tenant.credentials,
    requestTimeoutMs: tenant.requestTimeoutMs,
    maxAttempts: tenant.maxAttempts,
    backoff: { baseMs: tenant.backoffBaseMs, maxMs: tenant.backoffMaxMs },
    limiter,
    clock: runtime.clock,
    metrics: runtime.metrics,
    logger: runtime.logger,
    ...(runtime.random === undefined ? {} : { random: runtime.random }),
  });
}
