import type { EvoVoiceTenant } from '../../config/config.ts';
import type { PollerRuntime } from '../../ingest/poller-runtime.ts';
import type { TokenBucket } from '../../ingest/token-bucket.ts';
import { EvoVoiceClient } from './evo-voice-client.ts';

/** The client of one tenant for one report kind (its metric label); every kind of a tenant shares `limiter`. */
export function createEvoVoiceClient(runtime: PollerRuntime, tenant: EvoVoiceTenant, endpoint: string, limiter: TokenBucket): EvoVoiceClient {
  return new EvoVoiceClient({
    tenant: tenant.id,
    endpoint,
    baseUrl: tenant.baseUrl,
    credentials: tenant.credentials,
    requestTimeoutMs: tenant.requestTimeoutMs,
    downloadTimeoutMs: tenant.downloadTimeoutMs,
    maxDownloadBytes: tenant.maxDownloadBytes,
    maxAttempts: tenant.maxAttempts,
    backoff: { baseMs: tenant.backoffBaseMs, maxMs: tenant.backoffMaxMs },
    limiter,
    clock: runtime.clock,
    metrics: runtime.metrics,
    logger: runtime.logger,
    ...(runtime.random === undefined ? {} : { random: runtime.random }),
  });
}
