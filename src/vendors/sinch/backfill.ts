import type { SinchTenant } from '../../config/config.ts';
import { formatUtc } from '../../core/time/timestamp.ts';
import { physicalTopicName } from '../../topology/load-topology.ts';
import { backfillRangeKey, backfillRangeRecord, restoreBackfillStart } from '../../ingest/backfill-range.ts';
import { checkpointKey } from '../../ingest/checkpoint.ts';
import { AGENT_STATUS_HISTORY } from './endpoint-specs.ts';
import { IncrementalPoller } from '../../ingest/incremental-poller.ts';
import type { PollerRuntime } from '../../ingest/poller-runtime.ts';
import { openPoller } from '../../ingest/poller-runtime.ts';
import { createTenantClient } from './tenant-client.ts';
import type { TimeRange } from '../../ingest/time-range.ts';

export interface BackfillOptions {
  readonly range: TimeRange;
  readonly chunkMs: number;
  readonly signal: AbortSignal;
  /** Receives one progress line per committed chunk (and a start and an end line). */
  readonly progress: (line: string) => void;
}

export interface BackfillSummary {
  readonly chunks: number;
  readonly chunksRun: number;
  readonly published: number;
  readonly complete: boolean;
}

/**
 * Backfills agentStatusHistory over [from, to) in chunks: each chunk is one poll without overlap, committed with
 * its own checkpoint (key tenant|agentStatusHistory|backfill:from/to) and transactional id in one transaction, so
 * a killed backfill resumes at the first uncommitted chunk and never republishes a committed one. A completed
 * backfill run again publishes nothing. Chunks whose end is later than now − safetyLag wait for live polling;
 * backfill ranges should not overlap what the live poller already covered (those rows would be published twice).
 */
export async function runBackfill(runtime: PollerRuntime, tenant: SinchTenant, options: BackfillOptions): Promise<BackfillSummary> {
  const { range, chunkMs } = options;
  const name = `backfill:${formatUtc(range.start)}/${formatUtc(range.end)}`;
  const key = checkpointKey(tenant.id, `${AGENT_STATUS_HISTORY.endpoint}|${name}`);
  const client = createTenantClient(runtime, tenant);
  const txName = `${AGENT_STATUS_HISTORY.endpoint}.backfill.${range.start}-${range.end}`;
  const { ctx, restored } = await openPoller(runtime, tenant, client, AGENT_STATUS_HISTORY, txName, key);
  const rangesTopic = physicalTopicName(runtime.config.topicPrefix, 'control.backfill-ranges');
  const source = AGENT_STATUS_HISTORY.source;
  const startedAt = (await restoreBackfillStart(runtime.kafka, runtime.serde, rangesTopic, backfillRangeKey(tenant.id, source, range))) ?? runtime.clock.now();
  const chunks = Math.ceil((range.end - range.start) / chunkMs);
  const announce = (poll: { range: TimeRange }, now: number) => [
    backfillRangeRecord(rangesTopic, { tenant: tenant.id, source, from: range.start, to: range.end, startedAt, completedAt: poll.range.end >= range.end ? now : null }),
  ];
  const policy = {
    overlapMs: 0, safetyLagMs: tenant.safetyLagMs, maxRangeMs: chunkMs, granularityMs: 1, initialStart: range.start, stopAt: range.end, checkpointKey: key, emitWatermark: false,
    extraRecords: announce,
  };
  const poller = new IncrementalPoller(AGENT_STATUS_HISTORY, ctx, policy, restored);
  const began = runtime.clock.now();
  const resumedAt = restored === undefined ? 0 : Math.ceil((restored.highMark - range.start) / chunkMs);
  options.progress(`backfill ${tenant.id} agentStatusHistory [${formatUtc(range.start)}, ${formatUtc(range.end)}) in ${chunks} chunks of ${chunkMs / 60_000} min${resumedAt > 0 ? `, resuming after chunk ${resumedAt}/${chunks}` : ''}`);
  let published = 0;
  let chunksRun = 0;
  try {
    while (!options.signal.aborted) {
      const started = runtime.clock.now();
      const result = await poller.pollOnce(options.signal);
      if (result.kind === 'idle') break;
      chunksRun++;
      published += result.published;
      const index = Math.ceil((result.poll.range.end - range.start) / chunkMs);
      const seconds = Math.max(1, runtime.clock.now() - started) / 1000;
      options.progress(
        `chunk ${index}/${chunks} [${formatUtc(result.poll.range.start)}, ${formatUtc(result.poll.range.end)}) rows ${result.fetched} published ${result.published} duplicates ${result.duplicates} rate ${Math.round(result.fetched / seconds)} rows/s total ${published}`,
      );
    }
  } finally {
    await ctx.publisher.disconnect();
  }
  const complete = (poller.checkpoint?.highMark ?? range.start) >= range.end;
  const elapsed = (runtime.clock.now() - began) / 1000;
  options.progress(`backfill ${complete ? 'complete' : 'stopped'}: ${chunksRun} chunks run, ${published} rows published in ${elapsed.toFixed(1)} s`);
  return { chunks, chunksRun, published, complete };
}
