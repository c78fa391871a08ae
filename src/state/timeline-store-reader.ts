import type { Redis } from 'ioredis';
import { METRIC_FIELDS } from '../core/statistic/agent-statistic-fields.ts';
import { ProcessorReadinessStore } from './processor-readiness-store.ts';
import { decodeStoreValue } from './store-format.ts';
import type { StoreKeys } from './store-keys.ts';
import type { AgentStateRow, Completeness, ProcessorReadiness, QuarterHourRow, SegmentRow } from './store-types.ts';

export interface QuarterHourQuery {
  readonly tenant: string;
  /** Only these users; all users of the tenant when omitted. */
  readonly userIds?: readonly string[];
  /** Rows whose intervalStart lies in [from, to) (epoch ms). */
  readonly from: number;
  readonly to: number;
}

const byUserThenStart = (a: QuarterHourRow, b: QuarterHourRow): number => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.intervalStart - b.intervalStart);

/**
 * The read side of the Redis store for the HTTP layer. Every method is a few round trips (index range, then one
 * pipeline of gets) and never scans the keyspace. Rows whose metrics are all zero (a correction that removed all
 * content) are deletions and are not returned.
 */
export class TimelineStoreReader {
  readonly #redis: Redis;
  readonly #keys: StoreKeys;

  constructor(redis: Redis, keys: StoreKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** Quarter-hour rows with their metrics, revision and status, sorted by userId, then intervalStart. */
  async listQuarterHours(query: QuarterHourQuery): Promise<QuarterHourRow[]> {
    const { tenant, from, to } = query;
    const keys: string[] = [];
    if (query.userIds === undefined) {
      const members = await this.#redis.zrangebyscore(this.#keys.tenantQuarterHours(tenant), from, `(${to}`);
      for (const member of members) {
        const split = member.lastIndexOf('|');
        keys.push(this.#keys.quarterHour(tenant, member.slice(0, split), Number(member.slice(split + 1))));
      }
    } else {
      const pipeline = this.#redis.pipeline();
      for (const userId of query.userIds) pipeline.zrangebyscore(this.#keys.userQuarterHours(tenant, userId), from, `(${to}`);
      const results = (await pipeline.exec()) ?? [];
      query.userIds.forEach((userId, index) => {
        for (const start of (results[index]?.[1] as string[] | undefined) ?? []) keys.push(this.#keys.quarterHour(tenant, userId, Number(start)));
      });
    }
    const rows = await this.#hashFields(keys, 'row');
    return rows
      .filter((json): json is string => json !== null)
      .map((json) => decodeStoreValue<QuarterHourRow>('quarterHour', json))
      .filter((row) => METRIC_FIELDS.some((field) => row[field] !== 0))
      .sort(byUserThenStart);
  }

  /** Current states, sorted by userId; all agents of the tenant when `userIds` is omitted. */
  async getAgentStates(tenant: string, userIds?: readonly string[]): Promise<AgentStateRow[]> {
    const ids = userIds ?? (await this.#redis.smembers(this.#keys.agents(tenant)));
    const states = await this.#hashFields(ids.map((id) => this.#keys.agentState(tenant, id)), 'state');
    return states
      .filter((json): json is string => json !== null)
      .map((json) => decodeStoreValue<AgentStateRow>('agentState', json))
      .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  }

  /** Segments of one agent that overlap [from, to), sorted by start. */
  async getTimeline(tenant: string, userId: string, from: number, to: number): Promise<SegmentRow[]> {
    const ids = await this.#redis.zrangebyscore(this.#keys.segmentIndex(tenant, userId), `(${from}`, '+inf');
    if (ids.length === 0) return [];
    const values = await this.#redis.hmget(this.#keys.segmentData(tenant, userId), ...ids);
    return values
      .filter((json): json is string => json !== null)
      .map((json) => decodeStoreValue<SegmentRow>('segment', json))
      .filter((segment) => segment.start < to)
      .sort((a, b) => a.start - b.start || (a.sessionId < b.sessionId ? -1 : 1));
  }

  /** The completeness watermark: data is final up to `upTo` (the lowest partition watermark). */
  async getWatermark(tenant: string): Promise<Completeness> {
    const hash = await this.#redis.hgetall(this.#keys.watermark(tenant));
    const partitions: Record<string, number> = {};
    for (const [field, value] of Object.entries(hash)) if (/^p\d+$/.test(field)) partitions[field.slice(1)] = Number(value);
    const expected = hash['partitions'] === undefined ? null : Number(hash['partitions']);
    const values = Object.values(partitions);
    const complete = expected !== null && values.length >= expected;
    return { upTo: complete && values.length > 0 ? Math.min(...values) : null, partitions, expectedPartitions: expected };
  }

  /** What the live instances of processor group `groupId` have assigned and restored (expired records excluded). */
  async getProcessorReadiness(groupId: string): Promise<ProcessorReadiness> {
    return new ProcessorReadinessStore(this.#redis, this.#keys).read(groupId);
  }

  /** userId → userName of every agent seen. */
  async getAgentDirectory(tenant: string): Promise<Record<string, string>> {
    return this.#redis.hgetall(this.#keys.directory(tenant));
  }

  async #hashFields(keys: readonly string[], field: string): Promise<(string | null)[]> {
    if (keys.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const key of keys) pipeline.hget(key, field);
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, value]) => (error === null && typeof value === 'string' ? value : null));
  }
}
