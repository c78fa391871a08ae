import type { SinchTenant } from '../../config/config.ts';
import { checkpointKey } from '../../ingest/checkpoint.ts';
import { AGENT_STATUS, AGENT_STATUS_HISTORY, CONTACT_HISTORY, CONTACT_STATISTIC } from './endpoint-specs.ts';
import type { EndpointSpec } from '../../ingest/endpoint-spec.ts';
import { incrementalStep } from '../../ingest/incremental-step.ts';
import type { LoopStep } from '../../ingest/poll-loop.ts';
import type { PollerHealth } from '../../ingest/poller-health.ts';
import { runLoops } from '../../ingest/poll-loop.ts';
import type { PollerRuntime } from '../../ingest/poller-runtime.ts';
import { openPoller } from '../../ingest/poller-runtime.ts';
import { createTenantClient } from './tenant-client.ts';
import type { RaiClient } from './rai-client.ts';
import { SnapshotPoller } from '../../ingest/snapshot-poller.ts';
import type { OpenedStep } from '../../ingest/reopening-step.ts';
import { reopeningStep } from '../../ingest/reopening-step.ts';

const AGENT_STATUS_LOOKBACK_MS = 86_400_000;

function rangeStep(runtime: PollerRuntime, tenant: SinchTenant, client: RaiClient, spec: EndpointSpec, intervalMs: number, publishers: Set<OpenedStep['publisher']>): LoopStep {
  return incrementalStep(runtime, tenant, client, spec, { transactional: spec.endpoint, loop: `${spec.endpoint} poll`, endpoint: spec.endpoint }, intervalMs, publishers);
}

function snapshotStep(runtime: PollerRuntime, tenant: SinchTenant, client: RaiClient, spec: EndpointSpec, intervalMs: number, changesOnly: boolean, publishers: Set<OpenedStep['publisher']>): LoopStep {
  const key = checkpointKey(tenant.id, spec.endpoint);
  const window = changesOnly ? ({ kind: 'current-day' } as const) : ({ kind: 'lookback', lookbackMs: AGENT_STATUS_LOOKBACK_MS } as const);
  const open = async (): Promise<OpenedStep> => {
    const { ctx, restored } = await openPoller(runtime, tenant, client, spec, spec.endpoint, key);
    const poller = new SnapshotPoller(spec, ctx, { checkpointKey: key, changesOnly, window }, restored);
    return {
      publisher: ctx.publisher,
      run: async (signal) => {
        await poller.pollOnce(signal);
        return true;
      },
    };
  };
  return reopeningStep(`${spec.endpoint} snapshot`, tenant.id, spec.endpoint, intervalMs, open, publishers);
}

/**
 * Runs every enabled poller of every tenant until `signal` aborts (or, with `once`, until each is caught up):
 * agentStatusHistory and contactHistory incrementally, contactStatistic (changes only) and agentStatus
 * (snapshots) at their intervals. Each loop opens its producer and checkpoint itself and retries every failure,
 * outages of any length included (see {@link runLoop}); only with `once` can a loop give up, and then all loops
 * stop and the error is rethrown. On abort, in-flight requests are cancelled, an in-flight commit finishes, and
 * all producers disconnect before this resolves.
 */
export async function runPollers(runtime: PollerRuntime, tenants: readonly SinchTenant[], options: { signal: AbortSignal; once: boolean; health?: PollerHealth }): Promise<void> {
  const publishers = new Set<OpenedStep['publisher']>();
  try {
    const steps: LoopStep[] = [];
    for (const tenant of tenants) {
      const client = createTenantClient(runtime, tenant);
      if (tenant.endpoints.includes('agentStatusHistory')) steps.push(rangeStep(runtime, tenant, client, AGENT_STATUS_HISTORY, tenant.pollIntervalMs, publishers));
      if (tenant.endpoints.includes('contacts')) {
        steps.push(rangeStep(runtime, tenant, client, CONTACT_HISTORY, tenant.contactPollIntervalMs, publishers));
        steps.push(snapshotStep(runtime, tenant, client, CONTACT_STATISTIC, tenant.contactPollIntervalMs, true, publishers));
      }
      if (tenant.endpoints.includes('agentStatus')) steps.push(snapshotStep(runtime, tenant, client, AGENT_STATUS, tenant.agentStatusIntervalMs, false, publishers));
    }
    const backoffOf = (tenantId: string) => {
      const t = tenants.find((x) => x.id === tenantId);
      return { baseMs: t?.backoffBaseMs ?? 500, maxMs: t?.backoffMaxMs ?? 30_000 };
    };
    await runLoops(steps, { signal: options.signal, once: options.once, clock: runtime.clock, logger: runtime.logger, metrics: runtime.metrics, backoffOf, ...(options.health === undefined ? {} : { health: options.health }) });
  } finally {
    await Promise.allSettled([...publishers].map((p) => p.disconnect()));
  }
}
