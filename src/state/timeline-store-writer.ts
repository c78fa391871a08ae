import { randomUUID } from 'node:crypto';
import { publishedHasContent } from '../core/statistic/published-metrics.ts';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { DayAggregateStore } from './day-aggregate-store.ts';
import { newEpochId } from './epoch-id.ts';
import type { RedisStore } from './redis-client.ts';
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

/** The default approximate length cap of a tenant's change feed (REDIS_CHANGE_FEED_MAXLEN). */
export const DEFAULT_CHANGE_FEED_MAXLEN = 10_000;

/** How long the canary lives without renewal, and the remaining TTL below which the sink's check renews it. */
export const CANARY_TTL_MS = 24 * 3_600_000;
export const CANARY_RENEW_BELOW_MS = 12 * 3_600_000;

/**
 * Why the store counts as having lost data (see {@link TimelineStoreWriter.checkStore}). `tenant-epoch-missing`: a
 * tenant registered in the epoch lost its epoch set, i.e. the Redis (cluster node) holding its keys lost them while the
 * global epoch stayed.
 */
export type LossReason = 'epoch-missing' | 'canary-missing' | 'rows-missing' | 'evicted' | 'tenant-epoch-missing';

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

/** The tenant a write belongs to (its keys share the tenant's hash tag). */
function tenantOf(write: StoreWrite): string {
  return write.kind === 'quarterHour' ? write.row.tenant : write.kind === 'segment' ? write.segment.tenant : write.state.tenant;
}

/**
 * Idempotent writes of the processor outputs into Redis: every upsert is a Lua compare-and-set on the revision
 * (quarter-hours, segments) or on asOf (agent state), so replaying any prefix of the output topics, in any number
 * of passes, converges to the same contents. Writes carry the data epoch; see {@link ensureEpoch}. Every agent state
 * that is applied (not stale) is also appended to the tenant's change feed in the same script (docs/redis.md).
 *
 * Works on one Redis and on a Redis Cluster alike: the global epoch lives under one hash tag, each tenant's data under
 * its own ({@link StoreKeys.tenantEpoch}), and the writer registers a tenant in an epoch before its first write in it,
 * so that the loss of any node is the loss of a registered tenant's epoch set (docs/redis.md, Redis Cluster).
 */
export class TimelineStoreWriter {
  readonly #redis: RedisStore & StoreScripts;
  readonly #keys: StoreKeys;
  readonly #retentionMs: number;
  readonly #days: DayAggregateStore | undefined;
  readonly #changeFeedMaxLen: number;

  /**
   * `days`: the day aggregates to keep up to date with every quarter-hour written (none without it).
   * `changeFeedMaxLen`: the approximate cap of each tenant's change feed (REDIS_CHANGE_FEED_MAXLEN).
   */
  constructor(redis: RedisStore, keys: StoreKeys, retentionMs: number, days?: DayAggregateStore, changeFeedMaxLen = DEFAULT_CHANGE_FEED_MAXLEN) {
    this.#redis = defineStoreScripts(redis);
    this.#keys = keys;
    this.#retentionMs = retentionMs;
    this.#days = days;
    this.#changeFeedMaxLen = changeFeedMaxLen;
  }

  /** The current data epoch, creating one (and its canary) if Redis has none (empty or restarted). */
  async ensureEpoch(): Promise<string> {
    return this.#redis.atEnsureEpoch(this.#keys.epoch, this.#keys.canary, this.#keys.epochTenants, this.#newEpoch(), CANARY_TTL_MS);
  }

  /**
   * Checks whether Redis lost data since the caller's `epoch` (or, with null, since any epoch): the epoch or its
   * canary is gone, a reader reported rows missing in it, `evictedKeys` (Redis's evicted_keys, summed over a
   * cluster's masters; null if unknown) is above the value last recorded (or `lastSeenEvicted`, the caller's memory of
   * it), or a tenant registered in the epoch lost its epoch set (the node holding its keys lost them). The global
   * part is one atomic script; the tenants are checked after it, each in its own slot, and a loss found there starts
   * a new epoch only if the checked one is still current. On a loss it starts a new epoch; otherwise it renews the
   * canary's and the tenants' TTLs.
   */
  async checkStore(epoch: string | null, evictedKeys: number | null, lastSeenEvicted: number | null): Promise<StoreCheck> {
    const first = await this.#check(epoch ?? '', evictedKeys, lastSeenEvicted, '');
    if (first.lost !== null) return first;
    const k = this.#keys;
    const tenants = await this.#redis.smembers(k.epochTenants);
    const found = await Promise.all(tenants.map((tenant) => this.#redis.atTenantEpochCheck(k.tenantEpoch(tenant), first.epoch, CANARY_TTL_MS, CANARY_RENEW_BELOW_MS)));
    if (found.every((present) => present === 1)) return first;
    return this.#check(first.epoch, null, null, 'tenant-epoch-missing');
  }

  async #check(epoch: string, evictedKeys: number | null, lastSeenEvicted: number | null, tenantLoss: '' | LossReason): Promise<StoreCheck> {
    const k = this.#keys;
    const [outcome, current, reason] = await this.#redis.atCheckStore(
      k.epoch, k.canary, k.evictedKeys, k.lossReported, k.epochTenants,
      epoch, evictedKeys ?? '', this.#newEpoch(), CANARY_TTL_MS, CANARY_RENEW_BELOW_MS, lastSeenEvicted ?? '', tenantLoss,
    );
    if (current === undefined) throw new AgentTimelinesError('REDIS_WRITE_FAILED', 'the store check answered no epoch');
    return { epoch: current, lost: outcome === 'new' ? ((reason ?? 'epoch-missing') as LossReason) : null };
  }

  /**
   * Checks that `epoch` is current and `tenant` registered in it, registering it if not: its epoch set gets the epoch
   * first, then the global set of registered tenants gets the tenant. False when `epoch` is no longer current.
   */
  async #register(epoch: string, tenant: string, now: number): Promise<boolean> {
    const k = this.#keys;
    const recorded = await this.#redis.atEpochTenant(k.epoch, k.epochTenants, epoch, tenant, 'check');
    if (recorded === -1) return false;
    if (recorded === 1) return true;
    await this.#redis.atTenantEpochAdd(k.tenantEpoch(tenant), epoch, now, CANARY_TTL_MS, now - CANARY_TTL_MS);
    return (await this.#redis.atEpochTenant(k.epoch, k.epochTenants, epoch, tenant, 'add')) === 1;
  }

  /**
   * Applies `writes`, one pipeline per tenant (a pipeline stays in one hash tag); written only if `epoch` is current
   * (checked per tenant just before its pipeline) and held by the tenant's epoch set (checked atomically by every
   * upsert). `epochChanged` when either is not so: a new epoch, or a loss of the tenant's node, which the sink's next
   * check finds. Then recomputes the day aggregates the quarter-hours fall in (also for stale ones: a replay puts back
   * what a loss took) and, when anything was written, raises the data revision of every tenant in `writes`.
   */
  async apply(epoch: string, writes: readonly StoreWrite[], now = Date.now()): Promise<ApplyResult> {
    if (writes.length === 0) return { written: 0, stale: 0, epochChanged: false };
    const byTenant = new Map<string, StoreWrite[]>();
    for (const write of writes) {
      const tenant = tenantOf(write);
      const group = byTenant.get(tenant);
      if (group === undefined) byTenant.set(tenant, [write]);
      else group.push(write);
    }
    const results = await Promise.all([...byTenant].map(([tenant, group]) => this.#applyTenant(epoch, tenant, group, now)));
    return {
      written: results.reduce((sum, result) => sum + result.written, 0),
      stale: results.reduce((sum, result) => sum + result.stale, 0),
      epochChanged: results.some((result) => result.epochChanged),
    };
  }

  async #applyTenant(epoch: string, tenant: string, writes: readonly StoreWrite[], now: number): Promise<ApplyResult> {
    if (!(await this.#register(epoch, tenant, now))) return { written: 0, stale: 0, epochChanged: true };
    const pipeline = this.#redis.pipeline() as unknown as StorePipeline;
    const cutoff = now - this.#retentionMs;
    const k = this.#keys;
    const guard = k.tenantEpoch(tenant);
    for (const write of writes) {
      if (write.kind === 'quarterHour') {
        const { row } = write;
        pipeline.atUpsertQuarterHour(
          guard, k.quarterHour(row.tenant, row.userId, row.intervalStart), k.userQuarterHours(row.tenant, row.userId), k.tenantQuarterHours(row.tenant), k.directory(row.tenant),
          epoch, row.revision, row.intervalStart, row.userId, encodeStoreValue(row), isEmptyRow(row) ? '1' : '0', row.intervalEnd + this.#retentionMs, cutoff, row.userName,
        );
      } else if (write.kind === 'segment') {
        const { segment } = write;
        pipeline.atUpsertSegment(
          guard, k.segmentRevisions(segment.tenant, segment.userId), k.segmentData(segment.tenant, segment.userId), k.segmentIndex(segment.tenant, segment.userId),
          epoch, `${segment.sessionId}|${segment.start}`, segment.revision, encodeStoreValue(segment), segment.end, segment.end + this.#retentionMs, cutoff,
        );
      } else {
        const { state } = write;
        pipeline.atUpsertAgentState(
          guard, k.agentState(state.tenant, state.userId), k.agents(state.tenant), k.directory(state.tenant), k.changes(state.tenant),
          epoch, state.asOf, state.loggedIn ? '1' : '0', encodeStoreValue(state), state.userId, state.userName, this.#changeFeedMaxLen,
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
    const revisions = this.#redis.pipeline().incr(k.dataRevision(tenant));
    for (const [error] of (await revisions.exec()) ?? []) {
      if (error !== null) throw new AgentTimelinesError('REDIS_WRITE_FAILED', `Redis revision update failed: ${error.message}`, { cause: error });
    }
    return { written, stale, epochChanged };
  }

  /** A new epoch id, naming the zones of this writer's day aggregates (see newEpochId). */
  #newEpoch(): string {
    return newEpochId(randomUUID(), this.#days?.configuredZones ?? []);
  }

  /**
   * Raises the applied watermark of one input partition (never lowers it), records the partition count, then adds the
   * tenant to the set of tenants with a watermark (two hash tags, so two commands; a repeat of either is harmless).
   */
  async raiseWatermark(tenant: string, partition: number, watermark: number, partitions: number): Promise<void> {
    await this.#redis.atRaiseWatermark(this.#keys.watermark(tenant), `p${partition}`, watermark, partitions);
    await this.#redis.sadd(this.#keys.tenants, tenant);
  }
}
