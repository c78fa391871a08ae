import { checkpointKey } from './checkpoint.ts';
import type { EndpointSpec } from './endpoint-spec.ts';
import { IncrementalPoller } from './incremental-poller.ts';
import type { LoopStep } from './poll-loop.ts';
import type { PollerRuntime, PollerTenant } from './poller-runtime.ts';
import { openPoller } from './poller-runtime.ts';
import type { RangeSource } from './range-source.ts';
import type { OpenedStep } from './reopening-step.ts';
import { reopeningStep } from './reopening-step.ts';

/** The range settings of a tenant whose endpoint is polled by time range (every vendor tenant schema declares them). */
export interface IncrementalTenant extends PollerTenant {
  readonly overlapMs: number;
  readonly safetyLagMs: number;
  readonly maxRangeMs: number;
  readonly initialLookbackMs: number;
  readonly startAt?: string | undefined;
}

/** How one incremental loop is named: in its transactional id, and in its log lines and health. */
export interface IncrementalStepNames {
  /** Part of the producer's transactional id (poller-runtime.ts); stable across releases. */
  readonly transactional: string;
  /** The loop's name in logs and errors. */
  readonly loop: string;
  /** The endpoint label in logs and health. */
  readonly endpoint: string;
}

/**
 * One time-range endpoint of a tenant as a poll-loop step: its IncrementalPoller (ranges from the checkpoint or from
 * `startAt`, else `initialLookbackMs` before now − safetyLag), opened lazily and reopened after any failure
 * (reopening-step.ts). Lifecycle as {@link reopeningStep}: the loop calls it until the signal aborts.
 */
export function incrementalStep(runtime: PollerRuntime, tenant: IncrementalTenant, client: RangeSource, spec: EndpointSpec, names: IncrementalStepNames, intervalMs: number, publishers: Set<OpenedStep['publisher']>): LoopStep {
  const key = checkpointKey(tenant.id, spec.endpoint);
  const open = async (): Promise<OpenedStep> => {
    const { ctx, restored } = await openPoller(runtime, tenant, client, spec, names.transactional, key);
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
    runtime.logger.info({ tenant: tenant.id, endpoint: names.endpoint, highMark: restored === undefined ? null : new Date(restored.highMark).toISOString() }, 'poller opened');
    return {
      publisher: ctx.publisher,
      run: async (signal) => {
        const result = await poller.pollOnce(signal);
        if (result.kind === 'idle') return true;
        runtime.logger.debug({ tenant: tenant.id, endpoint: names.endpoint, start: new Date(result.poll.range.start).toISOString(), end: new Date(result.poll.range.end).toISOString(), published: result.published, duplicates: result.duplicates, late: result.late }, 'poll committed');
        return result.caughtUp;
      },
    };
  };
  return reopeningStep(names.loop, tenant.id, names.endpoint, intervalMs, open, publishers);
}
