import type { RedisStore } from './redis-client.ts';
import type { StoreKeys } from './store-keys.ts';
import type { ProcessorReadiness, ProcessorReadinessRecord } from './store-types.ts';

/** How often a running processor instance re-publishes its readiness record. */
export const PROCESSOR_READINESS_REFRESH_MS = 5_000;
/** How long a readiness record lives without a refresh; an instance silent for longer counts as gone. */
export const PROCESSOR_READINESS_TTL_MS = 15_000;

/**
 * Combines live instance records: a partition claimed by two instances (mid-rebalance) is restored only if both say so;
 * it holds a tenant's watermark if either says so (a committed watermark does not depend on who holds the partition).
 */
export function summarizeReadiness(records: readonly ProcessorReadinessRecord[]): ProcessorReadiness {
  const instances = [...records].sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
  const partitions = new Map<number, boolean>();
  const watermarked = new Map<string, Set<number>>();
  for (const instance of instances) {
    const restored = new Set(instance.restored);
    for (const partition of instance.assigned) partitions.set(partition, (partitions.get(partition) ?? true) && restored.has(partition));
    for (const [tenant, held] of Object.entries(instance.watermarked ?? {})) {
      const set = watermarked.get(tenant) ?? new Set<number>();
      for (const partition of held) set.add(partition);
      watermarked.set(tenant, set);
    }
  }
  return {
    instances,
    assigned: partitions.size,
    restored: [...partitions.values()].filter(Boolean).length,
    expectedPartitions: instances.length === 0 ? null : Math.max(...instances.map((instance) => instance.expectedPartitions)),
    watermarked: Object.fromEntries([...watermarked].map(([tenant, held]) => [tenant, held.size])),
  };
}

/**
 * Processor readiness records in Redis: one JSON string per instance with a TTL, plus a per-group index so a reader
 * finds them without scanning the keyspace. A group's records and index share a hash tag, so the MULTI and MGET below
 * stay in one Redis Cluster slot. Index members whose record expired are ignored by readers and pruned by
 * later publishes.
 */
export class ProcessorReadinessStore {
  readonly #redis: RedisStore;
  readonly #keys: StoreKeys;

  constructor(redis: RedisStore, keys: StoreKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** Writes (or refreshes) an instance's record; it expires `ttlMs` after this call unless published again. */
  async publish(record: ProcessorReadinessRecord, ttlMs: number = PROCESSOR_READINESS_TTL_MS): Promise<void> {
    const index = this.#keys.processors(record.groupId);
    const indexTtlMs = 4 * ttlMs;
    const results = await this.#redis
      .multi()
      .set(this.#keys.processor(record.groupId, record.instanceId), JSON.stringify(record), 'PX', ttlMs)
      .zadd(index, record.updatedAt, record.instanceId)
      .zremrangebyscore(index, '-inf', `(${record.updatedAt - indexTtlMs}`)
      .pexpire(index, indexTtlMs)
      .exec();
    const failed = results?.find(([error]) => error !== null)?.[0];
    if (failed) throw failed;
  }

  /** Deletes an instance's record (clean stop), so readers stop counting it at once. */
  async remove(groupId: string, instanceId: string): Promise<void> {
    await this.#redis.multi().del(this.#keys.processor(groupId, instanceId)).zrem(this.#keys.processors(groupId), instanceId).exec();
  }

  async read(groupId: string): Promise<ProcessorReadiness> {
    const ids = await this.#redis.zrange(this.#keys.processors(groupId), 0, -1);
    if (ids.length === 0) return summarizeReadiness([]);
    const values = await this.#redis.mget(...ids.map((id) => this.#keys.processor(groupId, id)));
    return summarizeReadiness(values.filter((json): json is string => json !== null).map((json) => JSON.parse(json) as ProcessorReadinessRecord));
  }
}
