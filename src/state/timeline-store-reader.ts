import type { Period } from '../core/rollup/period.ts';
import type { PeriodAggregate } from '../core/rollup/rollup.ts';
import { AnswerBasisRead } from './answer-basis-read.ts';
import type { AnswerBasis } from './answer-basis-read.ts';
import { DayAggregateStore } from './day-aggregate-store.ts';
import { publishedHasContent } from '../core/statistic/published-metrics.ts';
import { QUARTER_HOUR_MS } from '../core/windows/quarter-hour.ts';
import { ProcessorReadinessStore } from './processor-readiness-store.ts';
import type { RedisStore } from './redis-client.ts';
import { decodeStoreValue } from './store-format.ts';
import type { StoreKeys } from './store-keys.ts';
import { defineStoreScripts } from './store-scripts.ts';
import type { StoreScripts } from './store-scripts.ts';
import type {
  AgentStateRow, Completeness, ProcessorReadiness, QuarterHourRow, SegmentRow, StoreCompleteness, StoreRows,
} from './store-types.ts';
import { parseWatermarkHash } from './watermark-hash.ts';

export interface QuarterHourQuery {
  readonly tenant: string;
  /** Only these users; all users of the tenant when omitted. */
  readonly userIds?: readonly string[];
  /** Rows whose intervalStart lies in [from, to) (epoch ms). */
  readonly from: number;
  readonly to: number;
}

export interface TimelineStoreReaderOptions {
  /** REDIS_RETENTION_MS of the writers: an index entry whose row has expired by retention is not a loss. Default: none expire. */
  readonly retentionMs?: number;
  /** Epoch ms, for the retention test; default Date.now. */
  readonly clock?: () => number;
}

/** Clock skew allowed between this host and Redis when deciding that a missing row has expired by retention. */
const EXPIRY_SLACK_MS = 300_000;

const byUserThenStart = (a: QuarterHourRow, b: QuarterHourRow): number => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.intervalStart - b.intervalStart);

/**
 * The read side of the Redis store for the HTTP layer. Every method is a few round trips (index range, then one
 * pipeline of gets) and never scans the keyspace. Rows whose metrics are all zero or null (a correction that removed
 * all content) are deletions and are not returned. Every row has `source` (values stored before it are Sinch RAI). The `read*` methods also count index entries whose row is gone
 * although its retention has not run out (eviction, partial loss); {@link reportMissingRows} passes such a find on
 * to the Redis sink, which rebuilds the store.
 */
export class TimelineStoreReader {
  readonly #redis: RedisStore & StoreScripts;
  readonly #keys: StoreKeys;
  readonly #retentionMs: number;
  readonly #clock: () => number;
  readonly #days: DayAggregateStore;
  readonly #basis: AnswerBasisRead;

  constructor(redis: RedisStore, keys: StoreKeys, options: TimelineStoreReaderOptions = {}) {
    this.#redis = defineStoreScripts(redis);
    this.#keys = keys;
    this.#retentionMs = options.retentionMs ?? Number.POSITIVE_INFINITY;
    this.#clock = options.clock ?? Date.now;
    this.#days = new DayAggregateStore(redis, keys, { zones: [], retentionMs: this.#retentionMs });
    this.#basis = new AnswerBasisRead(redis, keys);
  }

  /**
   * The earliest local day start whose day aggregate still holds all its quarter-hours: older days may have lost some
   * to retention (each quarter-hour expires on its own), so they are read from the quarter-hours that are left.
   */
  oldestWholeDay(): number {
    return this.#clock() + EXPIRY_SLACK_MS - this.#retentionMs;
  }

  /**
   * Each user's roll-up of the local `days` of `zone` stored in `epoch` (see DayAggregateStore.readDays), sorted by
   * userId, then start; with `breakdown` also their agentHistory parts.
   */
  async readDays(epoch: string, tenant: string, zone: string, days: readonly Period[], userIds?: readonly string[], breakdown = false): Promise<PeriodAggregate[]> {
    return this.#days.readDays(epoch, tenant, zone, days, userIds, breakdown);
  }

  /** The tenant's data revision: raised after every write of its rows, segments or states ('0' before any). */
  async readDataRevision(tenant: string): Promise<string> {
    return (await this.#redis.get(this.#keys.dataRevision(tenant))) ?? '0';
  }

  /** Quarter-hour rows with their metrics, revision and status, sorted by userId, then intervalStart. */
  async listQuarterHours(query: QuarterHourQuery): Promise<QuarterHourRow[]> {
    return (await this.readQuarterHours(query)).rows;
  }

  /** {@link listQuarterHours}, with the count of indexed rows that are missing. */
  async readQuarterHours(query: QuarterHourQuery): Promise<StoreRows<QuarterHourRow>> {
    const { tenant, from, to } = query;
    const entries: { key: string; intervalStart: number }[] = [];
    if (query.userIds === undefined) {
      const members = await this.#redis.zrangebyscore(this.#keys.tenantQuarterHours(tenant), from, `(${to}`);
      for (const member of members) {
        const split = member.lastIndexOf('|');
        const intervalStart = Number(member.slice(split + 1));
        entries.push({ key: this.#keys.quarterHour(tenant, member.slice(0, split), intervalStart), intervalStart });
      }
    } else {
      const pipeline = this.#redis.pipeline();
      for (const userId of query.userIds) pipeline.zrangebyscore(this.#keys.userQuarterHours(tenant, userId), from, `(${to}`);
      const results = (await pipeline.exec()) ?? [];
      query.userIds.forEach((userId, index) => {
        for (const start of (results[index]?.[1] as string[] | undefined) ?? []) entries.push({ key: this.#keys.quarterHour(tenant, userId, Number(start)), intervalStart: Number(start) });
      });
    }
    const values = await this.#hashFields(entries.map((entry) => entry.key), 'row');
    const missing = this.#countLost(values, (index) => entries[index]!.intervalStart + QUARTER_HOUR_MS);
    const rows = values
      .filter((json): json is string => json !== null)
      .map((json) => decodeStoreValue<QuarterHourRow>('quarterHour', json))
      .filter((row) => publishedHasContent(row))
      .sort(byUserThenStart);
    return { rows, missing };
  }

  /** Current states, sorted by userId; all agents of the tenant when `userIds` is omitted. */
  async getAgentStates(tenant: string, userIds?: readonly string[]): Promise<AgentStateRow[]> {
    return (await this.readAgentStates(tenant, userIds)).rows;
  }

  /** {@link getAgentStates}, with the count of agents in the tenant's set whose state is missing. */
  async readAgentStates(tenant: string, userIds?: readonly string[]): Promise<StoreRows<AgentStateRow>> {
    const ids = userIds ?? (await this.#redis.smembers(this.#keys.agents(tenant)));
    const states = await this.#hashFields(ids.map((id) => this.#keys.agentState(tenant, id)), 'state');
    let absent = states.flatMap((json, index) => (json === null ? [ids[index]!] : []));
    if (userIds !== undefined && absent.length > 0) {
      const known = await this.#redis.smismember(this.#keys.agents(tenant), ...absent);
      absent = absent.filter((_, index) => known[index] === 1);
    }
    const rows = states
      .filter((json): json is string => json !== null)
      .map((json) => decodeStoreValue<AgentStateRow>('agentState', json))
      .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    return { rows, missing: absent.length };
  }

  /** Segments of one agent that overlap [from, to), sorted by start; withdrawn ones (zero-length revisions) are left out. */
  async getTimeline(tenant: string, userId: string, from: number, to: number): Promise<SegmentRow[]> {
    return (await this.readTimeline(tenant, userId, from, to)).rows;
  }

  /** {@link getTimeline}, with the count of indexed segments whose data is missing. */
  async readTimeline(tenant: string, userId: string, from: number, to: number): Promise<StoreRows<SegmentRow>> {
    const indexed = await this.#redis.zrangebyscore(this.#keys.segmentIndex(tenant, userId), `(${from}`, '+inf', 'WITHSCORES');
    const ids = indexed.filter((_, index) => index % 2 === 0);
    if (ids.length === 0) return { rows: [], missing: 0 };
    const values = await this.#redis.hmget(this.#keys.segmentData(tenant, userId), ...ids);
    const missing = this.#countLost(values, (index) => Number(indexed[2 * index + 1]));
    const rows = values
      .filter((json): json is string => json !== null)
      .map((json) => decodeStoreValue<SegmentRow>('segment', json))
      .filter((segment) => segment.start < to && segment.end > segment.start)
      .sort((a, b) => a.start - b.start || (a.sessionId < b.sessionId ? -1 : 1));
    return { rows, missing };
  }

  /** The processor's watermark: data is final in Kafka up to `upTo` (the lowest partition watermark). */
  async getWatermark(tenant: string): Promise<Completeness> {
    return parseWatermarkHash(await this.#redis.hgetall(this.#keys.watermark(tenant)));
  }

  /**
   * How complete the store is for `tenant`: `upTo` is the watermark the Redis sinks confirmed for the current data
   * epoch (null with a reason while the epoch, its canary or the tenant's copy of it is gone, no sink reports, or the
   * sinks are rebuilding). Read it before the rows: the rows read afterwards hold everything up to `upTo`. Usually one
   * round trip ({@link readAnswerBasis}).
   */
  async getCompleteness(tenant: string): Promise<StoreCompleteness> {
    return (await this.#basis.read(tenant)).completeness;
  }

  /**
   * {@link getCompleteness} and {@link readDataRevision} read together, usually in one round trip: one pipeline per
   * hash tag (global keys, sink records, the tenant's keys), sent at once (AnswerBasisRead).
   */
  async readAnswerBasis(tenant: string): Promise<AnswerBasis> {
    return this.#basis.read(tenant);
  }

  /**
   * Tells the Redis sink that a read in `epoch` (from {@link getCompleteness}) found indexed rows missing, so it
   * starts a new epoch and rebuilds. Ignored when the epoch has changed since.
   */
  async reportMissingRows(epoch: string): Promise<void> {
    await this.#redis.atReportLoss(this.#keys.epoch, this.#keys.lossReported, epoch);
  }

  /** What the live instances of processor group `groupId` have assigned and restored (expired records excluded). */
  async getProcessorReadiness(groupId: string): Promise<ProcessorReadiness> {
    return new ProcessorReadinessStore(this.#redis, this.#keys).read(groupId);
  }

  /** userId → userName of every agent seen. */
  async getAgentDirectory(tenant: string): Promise<Record<string, string>> {
    return this.#redis.hgetall(this.#keys.directory(tenant));
  }

  /** Counts the null `values` whose row would still be within retention (`endOf(index)` + retention is ahead). */
  #countLost(values: readonly (string | null)[], endOf: (index: number) => number): number {
    const horizon = this.#clock() + EXPIRY_SLACK_MS - this.#retentionMs;
    let lost = 0;
    values.forEach((value, index) => {
      if (value === null && endOf(index) > horizon) lost++;
    });
    return lost;
  }

  async #hashFields(keys: readonly string[], field: string): Promise<(string | null)[]> {
    if (keys.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const key of keys) pipeline.hget(key, field);
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, value]) => (error === null && typeof value === 'string' ? value : null));
  }
}
