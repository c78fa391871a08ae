import type { SinchTenant } from '../config/config.ts';
import { checkpointKey } from './checkpoint.ts';
import { AGENT_STATUS, AGENT_STATUS_HISTORY, CONTACT_HISTORY, CONTACT_STATISTIC } from './endpoint-specs.ts';
import type { EndpointSpec } from './endpoint-specs.ts';
import { IncrementalPoller } from './incremental-poller.ts';
import type { LoopStep } from './poll-loop.ts';
import { runLoop } from './poll-loop.ts';
import type { OpenedPoller, PollerRequest, PollerRuntime } from './poller-runtime.ts';
import { createTenantClient, openPollers } from './poller-runtime.ts';
import type { RaiClient } from './rai-client.ts';
import { SnapshotPoller } from './snapshot-poller.ts';
import type { TransactionalPublisher } from './transactional-publisher.ts';

const AGENT_STATUS_LOOKBACK_MS = 86_400_000;

function incrementalStep(runtime: PollerRuntime, tenant: SinchTenant, spec: EndpointSpec, intervalMs: number, { ctx, restored }: OpenedPoller): LoopStep {
  const key = checkpointKey(tenant.id, spec.endpoint);
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

function snapshotStep(tenant: SinchTenant, spec: EndpointSpec, intervalMs: number, changesOnly: boolean, { ctx, restored }: OpenedPoller): LoopStep {
  const key = checkpointKey(tenant.id, spec.endpoint);
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
    const plans: Array<{ request: PollerRequest; step: (opened: OpenedPoller) => LoopStep }> = [];
    const plan = (tenant: SinchTenant, client: RaiClient, spec: EndpointSpec, step: (opened: OpenedPoller) => LoopStep): void => {
      plans.push({ request: { tenant, client, spec, name: spec.endpoint, checkpointKey: checkpointKey(tenant.id, spec.endpoint) }, step });
    };
    for (const tenant of tenants) {
      const client = createTenantClient(runtime, tenant);
      if (tenant.endpoints.includes('agentStatusHistory')) plan(tenant, client, AGENT_STATUS_HISTORY, (o) => incrementalStep(runtime, tenant, AGENT_STATUS_HISTORY, tenant.pollIntervalMs, o));
      if (tenant.endpoints.includes('contacts')) {
        plan(tenant, client, CONTACT_HISTORY, (o) => incrementalStep(runtime, tenant, CONTACT_HISTORY, tenant.contactPollIntervalMs, o));
        plan(tenant, client, CONTACT_STATISTIC, (o) => snapshotStep(tenant, CONTACT_STATISTIC, tenant.contactPollIntervalMs, true, o));
      }
      if (tenant.endpoints.includes('agentStatus')) plan(tenant, client, AGENT_STATUS, (o) => snapshotStep(tenant, AGENT_STATUS, tenant.agentStatusIntervalMs, false, o));
    }
    const opened = await openPollers(runtime, plans.map((p) => p.request));
    publishers.push(...opened.map((o) => o.ctx.publisher));
    const steps: LoopStep[] = opened.map((o, index) => (plans[index] as (typeof plans)[number]).step(o));
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
