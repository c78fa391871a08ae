import type { SinchTenant } from '../config/config.ts';
import { checkpointKey } from './checkpoint.ts';
import { AGENT_STATUS, AGENT_STATUS_HISTORY, CONTACT_HISTORY, CONTACT_STATISTIC } from './endpoint-specs.ts';
import type { EndpointSpec } from './endpoint-specs.ts';
import { IncrementalPoller } from './incremental-poller.ts';
import type { LoopStep } from './poll-loop.ts';
import { runLoop } from './poll-loop.ts';
import type { PollerRuntime } from './poller-runtime.ts';
import { createTenantClient, openPoller } from './poller-runtime.ts';
import type { RaiClient } from './rai-client.ts';
import { SnapshotPoller } from './snapshot-poller.ts';
import type { TransactionalPublisher } from './transactional-publisher.ts';

const AGENT_STATUS_LOOKBACK_MS = 86_400_000;

async function incrementalStep(runtime: PollerRuntime, tenant: SinchTenant, client: RaiClient, spec: EndpointSpec, intervalMs: number, publishers: TransactionalPublisher[]): Promise<LoopStep> {
  const key = checkpointKey(tenant.id, spec.endpoint);
  const { ctx, restored } = await openPoller(runtime, tenant, client, spec, spec.endpoint, key);
  publishers.push(ctx.publisher);
  const poller = new IncrementalPoller(
    spec,
    ctx,
    {
      overlapMs: tenant.overlapMs,
      safetyLagMs: tenant.safetyLagMs,
      maxRangeMs: tenant.maxRangeMs,
      granularityMs: spec.granularityMs,
      initialStart: tenant.startAt === undefined ? runtime.clock.now() - tenant.safetyLagMs - tenant.initialLookbackMs : Date.parse(tenant.startAt),
      checkpointKey: key,
      emitWatermark: true,
      clockCheck: { maxLeadMs: runtime.config.time.maxClockLeadMs, lookbackMs: tenant.initialLookbackMs },
    },
    restored,
  );
  runtime.logger.info({ tenant: tenant.id, endpoint: spec.endpoint, highMark: restored === undefined ? null : new Date(restored.highMark).toISOString() }, 'poller started');
  return {
    name: `${spec.endpoint} poll`,
    tenant: tenant.id,
    endpoint: spec.endpoint,
    intervalMs,
    run: async (signal) => {
      const result = await poller.pollOnce(signal);
      if (result.kind === 'idle') return true;
      runtime.logger.debug({ tenant: tenant.id, endpoint: spec.endpoint, start: new Date(result.poll.range.start).toISOString(), end: new Date(result.poll.range.end).toISOString(), published: result.published, duplicates: result.duplicates, late: result.late }, 'poll committed');
      return result.caughtUp;
    },
  };
}

async function snapshotStep(runtime: PollerRuntime, tenant: SinchTenant, client: RaiClient, spec: EndpointSpec, intervalMs: number, changesOnly: boolean, publishers: TransactionalPublisher[]): Promise<LoopStep> {
  const key = checkpointKey(tenant.id, spec.endpoint);
  const { ctx, restored } = await openPoller(runtime, tenant, client, spec, spec.endpoint, key);
  publishers.push(ctx.publisher);
  const window = changesOnly ? ({ kind: 'current-day' } as const) : ({ kind: 'lookback', lookbackMs: AGENT_STATUS_LOOKBACK_MS } as const);
  const poller = new SnapshotPoller(spec, ctx, { checkpointKey: key, changesOnly, window }, restored);
  return {
    name: `${spec.endpoint} snapshot`,
    tenant: tenant.id,
    endpoint: spec.endpoint,
    intervalMs,
    run: async (signal) => {
      await poller.pollOnce(signal);
      return true;
    },
  };
}

/**
 * Runs every enabled poller of every tenant until `signal` aborts (or, with `once`, until each is caught up):
 * agentStatusHistory and contactHistory incrementally, contactStatistic (changes only) and agentStatus
 * (snapshots) at their intervals. If one loop fails for good (fenced, or --once giving up) all loops stop and
 * the error is rethrown. On abort, in-flight requests are cancelled, an in-flight commit finishes, and
 * all producers disconnect before this resolves.
 */
export async function runPollers(runtime: PollerRuntime, tenants: readonly SinchTenant[], options: { signal: AbortSignal; once: boolean }): Promise<void> {
  const publishers: TransactionalPublisher[] = [];
  try {
    const steps: LoopStep[] = [];
    for (const tenant of tenants) {
      const client = createTenantClient(runtime, tenant);
      if (tenant.endpoints.includes('agentStatusHistory')) steps.push(await incrementalStep(runtime, tenant, client, AGENT_STATUS_HISTORY, tenant.pollIntervalMs, publishers));
      if (tenant.endpoints.includes('contacts')) {
        steps.push(await incrementalStep(runtime, tenant, client, CONTACT_HISTORY, tenant.contactPollIntervalMs, publishers));
        steps.push(await snapshotStep(runtime, tenant, client, CONTACT_STATISTIC, tenant.contactPollIntervalMs, true, publishers));
      }
      if (tenant.endpoints.includes('agentStatus')) steps.push(await snapshotStep(runtime, tenant, client, AGENT_STATUS, tenant.agentStatusIntervalMs, false, publishers));
    }
    const backoff = (tenantId: string) => {
      const t = tenants.find((x) => x.id === tenantId);
      return { baseMs: t?.backoffBaseMs ?? 500, maxMs: t?.backoffMaxMs ?? 30_000 };
    };
    const stopAll = new AbortController();
    const signal = AbortSignal.any([options.signal, stopAll.signal]);
    const loops = steps.map((step) =>
      runLoop(step, { signal, once: options.once, clock: runtime.clock, logger: runtime.logger, metrics: runtime.metrics, backoff: backoff(step.tenant) }).catch((error: unknown) => {
        stopAll.abort(error);
        throw error;
      }),
    );
    const results = await Promise.allSettled(loops);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  } finally {
    await Promise.allSettled(publishers.map((p) => p.disconnect()));
  }
}
