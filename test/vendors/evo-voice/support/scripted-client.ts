import { Writable } from 'node:stream';
import { createLogger } from '../../../../src/runtime/logger.ts';
import { createPollerMetrics } from '../../../../src/ingest/metrics.ts';
import { TokenBucket } from '../../../../src/ingest/token-bucket.ts';
import { EvoVoiceClient } from '../../../../src/vendors/evo-voice/evo-voice-client.ts';
import type { FakeClock } from '../../../ingest/support/fake-clock.ts';

/** An EvoVoiceClient over `fetchImpl` and a fake clock; `logs` collects every debug line it writes. */
export function evoClient(clock: FakeClock, fetchImpl: typeof fetch, overrides: { maxAttempts?: number; maxDownloadBytes?: number; downloadTimeoutMs?: number } = {}) {
  const metrics = createPollerMetrics();
  const logs: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => { logs.push(chunk.toString('utf8')); done(); } });
  const client = new EvoVoiceClient({
    tenant: 't1',
    endpoint: 'evo-voice/agent-state',
    baseUrl: 'http://evo.invalid/',
    credentials: { username: 'poller@acme', password: 's3cret-pw' },
    requestTimeoutMs: 1000,
    downloadTimeoutMs: overrides.downloadTimeoutMs ?? 1000,
    maxDownloadBytes: overrides.maxDownloadBytes ?? 1_000_000,
    maxAttempts: overrides.maxAttempts ?? 4,
    backoff: { baseMs: 100, maxMs: 1000 },
    limiter: new TokenBucket(clock, 1000, 1000),
    clock,
    metrics,
    logger: createLogger('debug', sink),
    random: () => 0.5,
    fetch: fetchImpl,
  });
  return { client, metrics, logs };
}
