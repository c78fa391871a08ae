import type { HostedSuiteTenant } from '../../config/config.ts';
import { incrementalStep } from '../../ingest/incremental-step.ts';
import type { LoopStep } from '../../ingest/poll-loop.ts';
import { runLoops } from '../../ingest/poll-loop.ts';
import type { PollerHealth } from '../../ingest/poller-health.ts';
import type { PollerRuntime } from '../../ingest/poller-runtime.ts';
import type { OpenedStep } from '../../ingest/reopening-step.ts';
import { TokenBucket } from '../../ingest/token-bucket.ts';
import { CALL_RECORDS } from './endpoint-specs.ts';
import { HostedSuiteClient } from './hostedsuite-client.ts';

/** The call-records client of one tenant. */
export function createHostedSuiteClient(runtime: PollerRuntime, tenant: HostedSuiteTenant): HostedSuiteClient {
  return new HostedSuiteClient({
    tenant: tenant.id,
    endpoint: CALL_RECORDS.endpoint,
    baseUrl: tenant.baseUrl,
    credentials: { customerName: tenant.credentials.customerName, userName: tenant.credentials.username, password: tenant.credentials.password },
    timeZone: tenant.timeZone,
    agentAliases: tenant.agentAliases,
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

function callsStep(runtime: PollerRuntime, tenant: HostedSuiteTenant, publishers: Set<OpenedStep['publisher']>): LoopStep {
  const spec = CALL_RECORDS;
  const names = { transactional: `hostedsuite.${spec.endpoint}`, loop: 'hostedsuite calls poll', endpoint: spec.source };
  return incrementalStep(runtime, tenant, createHostedSuiteClient(runtime, tenant), spec, names, tenant.pollIntervalMs, publishers);
}

/**
 * Runs the call-record poller of every HostedSuite tenant until `signal` aborts (or, with `once`, until each is caught
 * up). Each poll queries [highMark − overlapMs, now − safetyLagMs) by StartTime, every page, and publishes in ONE
 * transaction the records whose content it has not published before (record key = hash of the whole record, so a
 * call whose WorkTimeInSeconds or Notes changed is published again and an unchanged one never), dead letters for
 * unusable records, the watermark and the checkpoint (docs/pollers.md, "HostedSuite").
 */
export async function runHostedSuitePollers(runtime: PollerRuntime, tenants: readonly HostedSuiteTenant[], options: { signal: AbortSignal; once: boolean; health?: PollerHealth }): Promise<void> {
  const publishers = new Set<OpenedStep['publisher']>();
  try {
    const steps = tenants.map((tenant) => callsStep(runtime, tenant, publishers));
    const backoffOf = (tenantId: string) => {
      const t = tenants.find((x) => x.id === tenantId);
      return { baseMs: t?.backoffBaseMs ?? 500, maxMs: t?.backoffMaxMs ?? 30_000 };
    };
    await runLoops(steps, { signal: options.signal, once: options.once, clock: runtime.clock, logger: runtime.logger, metrics: runtime.metrics, backoffOf, ...(options.health === undefined ? {} : { health: options.health }) });
  } finally {
    await Promise.allSettled([...publishers].map((p) => p.disconnect()));
  }
}
