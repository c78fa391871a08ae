import type { RedisStore } from './redis-client.ts';
import type { StoreKeys } from './store-keys.ts';
import type { Incompleteness, SinkProgressRecord } from './store-types.ts';
import { parseWatermarkHash } from './watermark-hash.ts';

/** How long a sink progress record lives without a refresh; a sink silent for longer counts as gone. */
export const SINK_PROGRESS_TTL_MS = 15_000;

/** What the live sink records say about one tenant in the current epoch. */
export interface SinkCoverage {
  /** The watermark whose rows are in Redis for every output partition; null when unknown or incomplete. */
  readonly upTo: number | null;
  readonly incomplete: Incompleteness | null;
}

/**
 * Combines the live sink records: the output partitions covered in `epoch` by some record must add up to every
 * output partition, and the tenant's confirmed watermark is the lowest over the records that cover something
 * (records of another epoch are ignored; they belong to data that is gone).
 */
export function summarizeSinks(records: readonly SinkProgressRecord[], epoch: string, tenant: string): SinkCoverage {
  if (records.length === 0) return { upTo: null, incomplete: { reason: 'no-sink', detail: `no Redis sink has reported in ${SINK_PROGRESS_TTL_MS / 1000} s` } };
  const expected = Math.max(...records.map((record) => record.expectedPartitions));
  const current = records.filter((record) => record.epoch === epoch && record.covered.length > 0);
  const covered = new Set(current.flatMap((record) => record.covered));
  if (expected === 0 || covered.size < expected) {
    const behind = records.filter((record) => record.epoch !== epoch || record.coveredAt === null).length;
    return { upTo: null, incomplete: { reason: 'rebuilding', detail: `${covered.size} of ${expected} output partitions are in Redis for the current data epoch (${behind} of ${records.length} sink instances rebuilding)` } };
  }
  const values = current.map((record) => record.watermarks[tenant]);
  if (values.some((value) => value === undefined)) return { upTo: null, incomplete: { reason: 'no-watermark', detail: `not every input partition of tenant ${tenant} has a watermark in Redis yet` } };
  return { upTo: Math.min(...(values as number[])), incomplete: null };
}

/**
 * Redis sink progress records: one JSON string per sink instance with a TTL, plus an index so readers find them
 * without scanning (records and index share a hash tag: the MULTI and MGET stay in one Redis Cluster slot). Also
 * reads the processor watermarks of every tenant, which a sink confirms.
 */
export class SinkProgressStore {
  readonly #redis: RedisStore;
  readonly #keys: StoreKeys;

  constructor(redis: RedisStore, keys: StoreKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  async publish(record: SinkProgressRecord, ttlMs: number = SINK_PROGRESS_TTL_MS): Promise<void> {
    const indexTtlMs = 4 * ttlMs;
    const results = await this.#redis
      .multi()
      .set(this.#keys.sink(record.instanceId), JSON.stringify(record), 'PX', ttlMs)
      .zadd(this.#keys.sinks, record.updatedAt, record.instanceId)
      .zremrangebyscore(this.#keys.sinks, '-inf', `(${record.updatedAt - indexTtlMs}`)
      .pexpire(this.#keys.sinks, indexTtlMs)
      .exec();
    const failed = results?.find(([error]) => error !== null)?.[0];
    if (failed) throw failed;
  }

  async remove(instanceId: string): Promise<void> {
    await this.#redis.multi().del(this.#keys.sink(instanceId)).zrem(this.#keys.sinks, instanceId).exec();
  }

  /** The records that have not expired. */
  async read(): Promise<SinkProgressRecord[]> {
    const ids = await this.#redis.zrange(this.#keys.sinks, 0, -1);
    if (ids.length === 0) return [];
    const values = await this.#redis.mget(...ids.map((id) => this.#keys.sink(id)));
    return values.filter((json): json is string => json !== null).map((json) => JSON.parse(json) as SinkProgressRecord);
  }

  /** tenant → the processor's watermark (lowest over input partitions), for tenants where every partition has one. */
  async processorWatermarks(): Promise<Record<string, number>> {
    const tenants = await this.#redis.smembers(this.#keys.tenants);
    const hashes = await Promise.all(tenants.map((tenant) => this.#redis.hgetall(this.#keys.watermark(tenant))));
    const out: Record<string, number> = {};
    tenants.forEach((tenant, index) => {
      const { upTo } = parseWatermarkHash(hashes[index] ?? {});
      if (upTo !== null) out[tenant] = upTo;
    });
    return out;
  }
}
