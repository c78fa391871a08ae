import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { publishedHasContent } from '../core/statistic/published-metrics.ts';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { DayAggregateStore } from './day-aggregate-store.ts';
import { newEpochId } from './day-aggregate-store.ts';
import { encodeStoreValue } from './store-format.ts';
import type { StoreKeys } from './store-keys.ts';
import type { StorePipeline, StoreScripts } from './store-scripts.ts';
import { defineStoreScripts } from './store-scripts.ts';
import type { QuarterHourRow, StoreWrite } from './store-types.ts';

export interface ApplyResult {
  readonly written: number;
  readonly stale: number;
  /** Redis lost its data (or another writer started a new epoch): nothing of this call was written. */
  readonly epochChanged: boolean;
}

/** How long the canary lives without renewal, and the remaining TTL below which the sink's check renews it. */
export const CANARY_TTL_MS = 24 * 3_600_000;
export const CANARY_RENEW_BELOW_MS = 12 * 3_600_000;

/** Why the store counts as having lost data (see {@link TimelineStoreWriter.checkStore}). */
export type LossReason = 'epoch-missing' | 'canary-missing' | 'rows-missing' | 'evicted';

export interface StoreCheck {
  /** The current epoch: the caller's, another writer's, or a new one when `lost`. */
  readonly epoch: string;
  /** Set when this check found lost data and started `epoch`. */
  readonly lost: LossReason | null;
}

/** A row whose every metric is 0 or null (a correction that removed all content) is a deletion. */
function isEmptyRow(row: QuarterHourRow): boolean {
  return !publishedHasContent(row);
}

/**
 * Idempotent writes of the processor outputs into Redis: every upsert is a Lua compare-and-set on the revision
 * (quarter-hours, segments) or on asOf (agent state), so replaying any prefix of the output topics, in any number
 * of passes, converges to the same contents. Writes carry the data epoch; see {@link ensureEpoch}.
 */
export class TimelineStoreWriter {
  readonly #redis: Redis & StoreScripts;
  readonly #keys: StoreKeys;
  readonly #retentionMs: number;
  readonly #days: DayAggregateStore | undefined;

  /** `days`: the day aggregates to keep up to date with every quarter-hour written (none without it). */
  constructor(redis: Redis, keys: StoreKeys, retentionMs: number, days?: DayAggregateStore) {
    this.#redis = defineStoreScripts(redis);
    this.#keys = keys;
    this.#retentionMs = retentionMs;
    this.#days = days;
  }

  /** The current data epoch, creating one (and its canary) if Redis has none (empty or restarted). */
  async ensureEpoch(): Promise<string> {
    return this.#redis.atEnsureEpoch(this.#keys.epoch, this.#keys.canary, this.#newEpoch(), CANARY_TTL_MS);
  }

  /**
   * Checks, atomically, whether Redis lost data since the caller's `epoch` (or, with null, since any epoch): the
   * epoch or its canary is gone, a reader reported rows missing in it, or `evictedKeys` (Redis's evicted_keys, null
   * if unknown) is above the value last recorded (or `lastSeenEvicted`, the caller's memory of it). On a loss it
   * starts a new epoch. Renews the canary's TTL otherwise.
   */
  async checkStore(epoch: string | null, evictedKeys: number | null, lastSeenEvicted: number | null): Promise<StoreCheck> {
    const k = this.#keys;
    const [outcome, current, reason] = await this.#redis.atCheckStore(
      k.epoch, k.canary, k.evictedKeys, k.lossReported,
      epoch ?? '', evictedKeys ?? '', this.#newEpoch(), CANARY_TTL_MS, CANARY_RENEW_BELOW_MS, lastSeenEvicted ?? '',
    );
    if (current === undefined) throw new AgentTimelinesError('REDIS_WRITE_FAILED', 'the store check answered no epoch');
    return { epoch: current, lost: outcome === 'new' ? ((reason ?? 'epoch-missing') as LossReason) : null };
  }

  /**
   * Applies `writes` in one pipeline, written only if `epoch` is still current; then recomputes the day aggregates the
   * quarter-hours fall in (also for stale ones: a replay puts back what a loss took) and, when anything was written,
   * raises the data revision of every tenant in `writes`.
   */
  async apply(epoch: string, writes: readonly StoreWrite[], now = Date.now()): Promise<ApplyResult> {
    if (writes.length === 0) return { written: 0, stale: 0, epochChanged: false };
    const pipeline = this.#redis.pipeline() as unknown as StorePipeline;
    const cutoff = now - this.#retentionMs;
    const k = this.#keys;
    for (const write of writes) {
      if (write.kind === 'quarterHour') {
        const { row } = write;
        pipeline.atUpsertQuarterHour(
          k.epoch, k.quarterHour(row.tenant, row.userId, row.intervalStart), k.userQuarterHours(row.tenant, row.userId), k.tenantQuarterHours(row.tenant), k.directory(row.tenant),
          epoch, row.revision, row.intervalStart, row.userId, encodeStoreValue(row), isEmptyRow(row) ? '1' : '0', row.intervalEnd + this.#retentionMs, cutoff, row.userName,
        );
      } else if (write.kind === 'segment') {
        const { segment } = write;
        pipeline.atUpsertSegment(
          k.epoch, k.segmentRevisions(segment.tenant, segment.userId), k.segmentData(segment.tenant, segment.userId), k.segmentIndex(segment.tenant, segment.userId),
          epoch, `${segment.sessionId}|${segment.start}`, segment.revision, encodeStoreValue(segment), segment.end, segment.end + this.#retentionMs, cutoff,
        );
      } else {
        const { state } = write;
        pipeline.atUpsertAgentState(
          k.epoch, k.agentState(state.tenant, state.userId), k.agents(state.tenant), k.directory(state.tenant),
          epoch, state.asOf, state.loggedIn ? '1' : '0', encodeStoreValue(state), state.userId, state.userName,
        );
      }
    }
    const results = await pipeline.exec();
    let written = 0;
    let stale = 0;
    let epochChanged = false;
    for (const [error, value] of results ?? []) {
      if (error !== null) throw new AgentTimelinesError('REDIS_WRITE_FAILED', `Redis upsert failed: ${error.message}`, { cause: error });
      if (value === -1) epochChanged = true;
      else if (value === 1) written++;
      else stale++;
    }
    if (epochChanged) return { written, stale, epochChanged };
    const quarterHours = writes.flatMap((write) => (write.kind === 'quarterHour' ? [write.row] : []));
    if (this.#days !== undefined && !(await this.#days.refresh(epoch, quarterHours))) return { written, stale, epochChanged: true };
    if (written === 0) return { written, stale, epochChanged };
    const revisions = this.#redis.pipeline();
    for (const tenant of new Set(writes.map((write) => (write.kind === 'quarterHour' ? write.row.tenant : write.kind === 'segment' ? write.segment.tenant : write.state.tenant)))) {
      revisions.incr(k.dataRevision(tenant));
    }
    for (const [error] of (await revisions.exec()) ?? []) {
      if (error !== null) throw new AgentTimelinesError('REDIS_WRITE_FAILED', `Redis revision update failed: ${error.message}`, { cause: error });
    }
    return { written, stale, epochChanged };
  }

  /** A new epoch id, naming the zones of this writer's day aggregates (see newEpochId). */
  #newEpoch(): string {
    return newEpochId(randomUUID(), this.#days?.configuredZones ?? []);
  }

  /** Raises the applied watermark of one input partition (never lowers it) and records the partition count. */
  async raiseWatermark(tenant: string, partition: number, watermark: number, partitions: number): Promise<void> {
    await this.#redis.atRaiseWatermark(this.#keys.watermark(tenant), this.#keys.tenants, `p${partition}`, watermark, partitions, tenant);
  }
}
