import type { ThuliumTenant } from '../../config/config.ts';
import { checkpointKey } from '../../ingest/checkpoint.ts';
import type { LoopStep } from '../../ingest/poll-loop.ts';
import { runLoops } from '../../ingest/poll-loop.ts';
import type { PollerHealth } from '../../ingest/poller-health.ts';
import type { OpenedPublisher, PollerRuntime } from '../../ingest/poller-runtime.ts';
import { openCheckpointedPublishers } from '../../ingest/poller-runtime.ts';
import type { OpenedStep } from '../../ingest/reopening-step.ts';
import { reopeningStep } from '../../ingest/reopening-step.ts';
import { TokenBucket } from '../../ingest/token-bucket.ts';
import { AGENT_STATUSES, WORK_REPORT } from './endpoint-specs.ts';
import type { ThuliumEndpointSpec } from './endpoint-specs.ts';
import { StatusPoller } from './status-poller.ts';
import { createThuliumClient } from './tenant-client.ts';
import { WorkReportPoller } from './work-report-poller.ts';
import type { WorkReportSettings } from './work-report-poller.ts';

/** The work report settings of a tenant: chunks start `initialLookbackMs` before now − safetyLag, or at `startAt`. */
export function workReportSettings(tenant: ThuliumTenant, now: number): WorkReportSettings {
  return {
    checkpointKey: checkpointKey(tenant.id, WORK_REPORT.endpoint),
    timeZone: tenant.timeZone,
    chunkMs: tenant.chunkMs,
    safetyLagMs: tenant.safetyLagMs,
    initialStart: tenant.startAt === undefined ? now - tenant.safetyLagMs - tenant.initialLookbackMs : Date.parse(tenant.startAt),
    agents: tenant.logins !== undefined ? { logins: tenant.logins } : tenant.groups !== undefined ? { groupIds: tenant.groups } : { allGroups: true },
    outboundThreshold: tenant.outboundThreshold,
    pageSize: tenant.pageSize,
  };
}

async function openOne(runtime: PollerRuntime, tenant: ThuliumTenant, spec: ThuliumEndpointSpec): Promise<OpenedPublisher> {
  const [opened] = await openCheckpointedPublishers(runtime, [{ tenantId: tenant.id, name: spec.endpoint.replace('/', '.'), checkpointKey: checkpointKey(tenant.id, spec.endpoint), endpoint: spec.endpoint, topic: spec.topic, schema: spec.schema }]);
  if (opened === undefined) throw new Error('openCheckpointedPublishers returned nothing for one request');
  return opened;
}

function workReportStep(runtime: PollerRuntime, tenant: ThuliumTenant, limiter: TokenBucket, publishers: Set<OpenedStep['publisher']>): LoopStep {
  const client = createThuliumClient(runtime, tenant, WORK_REPORT.endpoint, limiter);
  const settings = workReportSettings(tenant, runtime.clock.now());
  const open = async (): Promise<OpenedStep> => {
    const { publisher, restored, topics } = await openOne(runtime, tenant, WORK_REPORT);
    const poller = new WorkReportPoller({ tenant: tenant.id, client, publisher, clock: runtime.clock, metrics: runtime.metrics, logger: runtime.logger, topics }, settings, restored);
    runtime.logger.info({ tenant: tenant.id, endpoint: WORK_REPORT.endpoint, highMark: restored === undefined ? null : new Date(restored.highMark).toISOString() }, 'work report poller opened');
    return {
      publisher,
      run: async (signal) => {
        const result = await poller.runOnce(signal);
        return result.kind === 'idle' || result.caughtUp;
      },
    };
  };
  return reopeningStep('Thulium work report poll', tenant.id, WORK_REPORT.endpoint, tenant.pollIntervalMs, open, publishers);
}

function statusStep(runtime: PollerRuntime, tenant: ThuliumTenant, limiter: TokenBucket, publishers: Set<OpenedStep['publisher']>): LoopStep {
  const client = createThuliumClient(runtime, tenant, AGENT_STATUSES.endpoint, limiter);
  const open = async (): Promise<OpenedStep> => {
    const { publisher, restored, topics } = await openOne(runtime, tenant, AGENT_STATUSES);
    const poller = new StatusPoller({ tenant: tenant.id, client, publisher, clock: runtime.clock, metrics: runtime.metrics, logger: runtime.logger, topics }, { checkpointKey: checkpointKey(tenant.id, AGENT_STATUSES.endpoint), timeZone: tenant.timeZone }, restored);
    return {
      publisher,
      run: async (signal) => {
        await poller.pollOnce(signal);
        return true;
      },
    };
  };
  return reopeningStep('Thulium agent status poll', tenant.id, AGENT_STATUSES.endpoint, tenant.statusPollIntervalMs, open, publishers);
}

/**
 * Runs the pollers of every Thulium tenant (work report and agent statuses, as its `endpoints` say) until `signal`
 * aborts (or, with `once`, until each is caught up: the status poller after one sample). Each loop opens its
 * producer and checkpoint itself and retries every failure (see runLoop); only with `once` can a loop give up, and
 * then all loops stop and the error is rethrown. On abort, waits are cut short, an in-flight commit finishes, and
 * producers close before this resolves.
 */
export async function runThuliumPollers(runtime: PollerRuntime, tenants: readonly ThuliumTenant[], options: { signal: AbortSignal; once: boolean; health?: PollerHealth }): Promise<void> {
  const publishers = new Set<OpenedStep['publisher']>();
  try {
    const steps: LoopStep[] = [];
    for (const tenant of tenants) {
      const limiter = new TokenBucket(runtime.clock, tenant.rateLimitPerSecond, tenant.rateLimitBurst);
      if (tenant.endpoints.includes('agents-work-report')) steps.push(workReportStep(runtime, tenant, limiter, publishers));
      if (tenant.endpoints.includes('agent-statuses')) steps.push(statusStep(runtime, tenant, limiter, publishers));
    }
    const backoffOf = (tenantId: string) => {
      const tenant = tenants.find((t) => t.id === tenantId);
      return { baseMs: tenant?.backoffBaseMs ?? 500, maxMs: tenant?.backoffMaxMs ?? 30_000 };
    };
    await runLoops(steps, { signal: options.signal, once: options.once, clock: runtime.clock, logger: runtime.logger, metrics: runtime.metrics, backoffOf, ...(options.health === undefined ? {} : { health: options.health }) });
  } finally {
    await Promise.allSettled([...publishers].map((p) => p.disconnect()));
  }
}
