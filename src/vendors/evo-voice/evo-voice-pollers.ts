import type { EvoVoiceTenant } from '../../config/config.ts';
import { checkpointKey } from '../../ingest/checkpoint.ts';
import { assertReportJobCheckpointSchema } from '../../ingest/checkpoint-store.ts';
import type { LoopStep } from '../../ingest/poll-loop.ts';
import { runLoops } from '../../ingest/poll-loop.ts';
import type { PollerHealth } from '../../ingest/poller-health.ts';
import type { PollerRuntime } from '../../ingest/poller-runtime.ts';
import { openCheckpointedPublishers } from '../../ingest/poller-runtime.ts';
import type { OpenedStep } from '../../ingest/reopening-step.ts';
import { reopeningStep } from '../../ingest/reopening-step.ts';
import { TokenBucket } from '../../ingest/token-bucket.ts';
import { AGENT_STATE_REPORT, BILLING_REPORT } from './endpoint-specs.ts';
import type { ReportKindSpec } from './endpoint-specs.ts';
import { JobWaker } from './job-waker.ts';
import { ReportJobPoller } from './report-job-poller.ts';
import type { ReportJobSettings } from './report-job-poller.ts';
import { createEvoVoiceClient } from './tenant-client.ts';
import { WebhookReceiver, webhookPath } from './webhook-receiver.ts';

const DAY = 86_400_000;

/**
 * The settings of one report kind of a tenant. Agent-state windows are `windowMs` long and start `initialLookbackMs`
 * before now − safetyLag (or at `startAt`); billing windows are UTC days and start one day earlier, so the last
 * complete day is fetched at once.
 */
export function reportSettings(tenant: EvoVoiceTenant, kind: ReportKindSpec, now: number, maxClockLeadMs: number): ReportJobSettings {
  const windowMs = kind.fixedWindowMs ?? tenant.windowMs;
  const liveStart = now - tenant.safetyLagMs - tenant.initialLookbackMs - (kind.fixedWindowMs === DAY ? DAY : 0);
  const webhookUrl = tenant.webhook.enabled && tenant.webhook.publicBaseUrl !== undefined ? `${tenant.webhook.publicBaseUrl.replace(/\/+$/, '')}${webhookPath(tenant.id)}` : undefined;
  return {
    checkpointKey: checkpointKey(tenant.id, kind.endpoint),
    windowMs,
    safetyLagMs: tenant.safetyLagMs,
    initialStart: tenant.startAt === undefined ? liveStart : Date.parse(tenant.startAt),
    request: { accountId: tenant.accountId, timeZoneId: tenant.timeZoneId, includeCustomerIds: tenant.billing.includeCustomerIds, ...(webhookUrl === undefined ? {} : { webhookUrl }) },
    jobPoll: { initialMs: tenant.jobPollInitialMs, maxMs: tenant.jobPollMaxMs },
    maxWaitForJobMs: tenant.maxWaitForJobMs,
    maxDownloadAttempts: tenant.maxDownloadAttempts,
    retryBackoff: { baseMs: tenant.backoffBaseMs, maxMs: tenant.backoffMaxMs },
    dedupHorizonMs: Math.max(tenant.dedupHorizonMs, windowMs),
    cleanupOrphans: tenant.cleanupOrphans,
    cleanupIntervalMs: tenant.cleanupIntervalMs,
    clockCheck: { maxLeadMs: maxClockLeadMs, lookbackMs: tenant.initialLookbackMs },
  };
}

function reportStep(runtime: PollerRuntime, tenant: EvoVoiceTenant, kind: ReportKindSpec, limiter: TokenBucket, waker: JobWaker, publishers: Set<OpenedStep['publisher']>): LoopStep {
  const client = createEvoVoiceClient(runtime, tenant, kind.endpoint, limiter);
  const settings = reportSettings(tenant, kind, runtime.clock.now(), runtime.config.time.maxClockLeadMs);
  const open = async (): Promise<OpenedStep> => {
    const [opened] = await openCheckpointedPublishers(
      runtime,
      [{ tenantId: tenant.id, name: kind.endpoint, checkpointKey: settings.checkpointKey, endpoint: kind.endpoint, topic: kind.topic, schema: kind.schema }],
      assertReportJobCheckpointSchema,
    );
    if (opened === undefined) throw new Error('openCheckpointedPublishers returned nothing for one request');
    const { publisher, restored, topics } = opened;
    const ctx = { tenant: tenant.id, client, publisher, clock: runtime.clock, metrics: runtime.metrics, logger: runtime.logger, topics, waker, ...(runtime.random === undefined ? {} : { random: runtime.random }) };
    const poller = new ReportJobPoller(kind, ctx, settings, restored);
    runtime.logger.info({ tenant: tenant.id, endpoint: kind.endpoint, highMark: restored === undefined ? null : new Date(restored.highMark).toISOString(), reportJob: restored?.reportJob?.id ?? null }, 'report poller opened');
    return {
      publisher,
      run: async (signal) => {
        const result = await poller.runOnce(signal);
        return result.kind === 'idle' || result.caughtUp;
      },
    };
  };
  return reopeningStep(`${kind.endpoint} report poll`, tenant.id, kind.endpoint, tenant.pollIntervalMs, open, publishers);
}

/** One webhook receiver per distinct listen address of the tenants that enable it, each tenant registered on its own. */
async function startReceivers(runtime: PollerRuntime, tenants: readonly EvoVoiceTenant[], wakers: ReadonlyMap<string, JobWaker>): Promise<WebhookReceiver[]> {
  const receivers = new Map<string, WebhookReceiver>();
  try {
    for (const tenant of tenants) {
      if (!tenant.webhook.enabled) continue;
      const address = `${tenant.webhook.host}:${tenant.webhook.port}`;
      let receiver = receivers.get(address);
      if (receiver === undefined) {
        receiver = await WebhookReceiver.start({ host: tenant.webhook.host, port: tenant.webhook.port, logger: runtime.logger, metrics: runtime.metrics });
        receivers.set(address, receiver);
        runtime.logger.info({ url: receiver.address }, 'Evo Voice webhook receiver listening');
      }
      const waker = wakers.get(tenant.id);
      if (waker !== undefined) receiver.register(tenant.id, waker);
    }
    return [...receivers.values()];
  } catch (error) {
    await Promise.allSettled([...receivers.values()].map((r) => r.close()));
    throw error;
  }
}

/**
 * Runs the report pollers of every Evo Voice tenant (agent states, and billing unless disabled) until `signal`
 * aborts (or, with `once`, until each is caught up), with the tenants' webhook receivers. Each loop opens its
 * producer and checkpoint itself and retries every failure (see runLoop); only with `once` can a loop give up, and
 * then all loops stop and the error is rethrown. On abort, waits are cut short, an in-flight commit finishes, and
 * producers and receivers close before this resolves.
 */
export async function runEvoVoicePollers(runtime: PollerRuntime, tenants: readonly EvoVoiceTenant[], options: { signal: AbortSignal; once: boolean; health?: PollerHealth }): Promise<void> {
  const publishers = new Set<OpenedStep['publisher']>();
  const wakers = new Map(tenants.map((t) => [t.id, new JobWaker(runtime.clock)]));
  const receivers = await startReceivers(runtime, tenants, wakers);
  try {
    const steps: LoopStep[] = [];
    for (const tenant of tenants) {
      const limiter = new TokenBucket(runtime.clock, tenant.rateLimitPerSecond, tenant.rateLimitBurst);
      const waker = wakers.get(tenant.id) as JobWaker;
      for (const kind of [AGENT_STATE_REPORT, ...(tenant.billing.enabled ? [BILLING_REPORT] : [])]) steps.push(reportStep(runtime, tenant, kind, limiter, waker, publishers));
    }
    const backoffOf = (tenantId: string) => {
      const tenant = tenants.find((t) => t.id === tenantId);
      return { baseMs: tenant?.backoffBaseMs ?? 500, maxMs: tenant?.backoffMaxMs ?? 30_000 };
    };
    await runLoops(steps, { signal: options.signal, once: options.once, clock: runtime.clock, logger: runtime.logger, metrics: runtime.metrics, backoffOf, ...(options.health === undefined ? {} : { health: options.health }) });
  } finally {
    await Promise.allSettled([...publishers].map((p) => p.disconnect()));
    await Promise.allSettled(receivers.map((r) => r.close()));
  }
}
