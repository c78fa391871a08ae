import type { RedisStore } from './redis-client.ts';
import { summarizeSinks } from './sink-progress-store.ts';
import type { StoreKeys } from './store-keys.ts';
import type { SinkProgressRecord, StoreCompleteness } from './store-types.ts';
import { parseWatermarkHash } from './watermark-hash.ts';

/** What a statistic answer depends on besides its request: the tenant's completeness and data revision. */
export interface AnswerBasis {
  readonly completeness: StoreCompleteness;
  /** The tenant's data revision ('0' before any write). */
  readonly revision: string;
}

type Replies = [Error | null, unknown][];

function valuesOf(replies: Replies | null): unknown[] {
  return (replies ?? []).map(([error, value]) => {
    if (error !== null) throw error;
    return value;
  });
}

/**
 * Reads a tenant's {@link AnswerBasis} in one round trip in the usual case: three pipelines sent together, one per
 * hash tag (the global bookkeeping, the sink records, the tenant's keys), so nothing crosses a Redis Cluster slot.
 * Two reads that depend on an earlier answer are made optimistic:
 *
 * - the sink records are fetched by the ids the previous read found, next to the index; when the index names other
 *   ids, they are fetched again (a second round trip, once per change of the sink instances);
 * - the tenant's epoch set is read whole instead of asked for the current epoch. The set is written before the tenant
 *   is registered in the epoch, and the two are read concurrently here, so a tenant found registered but without the
 *   epoch in its set is asked again after the global read (the order {@link getCompleteness} relies on) before its
 *   data counts as lost.
 *
 * The result is what reading the global keys, then the sinks, then the tenant's keys in sequence would give.
 */
export class AnswerBasisRead {
  readonly #redis: RedisStore;
  readonly #keys: StoreKeys;
  /** The sink ids of the last read, in index order. */
  #sinkIds: readonly string[] = [];

  constructor(redis: RedisStore, keys: StoreKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  async read(tenant: string): Promise<AnswerBasis> {
    const k = this.#keys;
    const known = this.#sinkIds;
    const sinkPipeline = this.#redis.pipeline().zrange(k.sinks, 0, -1);
    if (known.length > 0) sinkPipeline.mget(...known.map((id) => k.sink(id)));
    const [globalReplies, sinkReplies, ownReplies] = await Promise.all([
      this.#redis.pipeline().get(k.epoch).exists(k.canary).get(k.lossReported).sismember(k.epochTenants, tenant).exec(),
      sinkPipeline.exec(),
      this.#redis.pipeline().zrange(k.tenantEpoch(tenant), 0, -1).hgetall(k.watermark(tenant)).get(k.dataRevision(tenant)).exec(),
    ]);
    const global = valuesOf(globalReplies);
    const sinks = await this.#sinkRecords(valuesOf(sinkReplies), known);
    const own = valuesOf(ownReplies);
    const epoch = global[0] as string | null;
    const canary = global[1] as number;
    const registered = global[3] === 1;
    const revision = (own[2] as string | null) ?? '0';
    const processor = parseWatermarkHash((own[1] ?? {}) as Record<string, string>);
    const incomplete = (detail: string): AnswerBasis => ({ completeness: { ...processor, upTo: null, epoch, incomplete: { reason: 'rebuilding', detail } }, revision });
    if (epoch === null) return incomplete('Redis has no data epoch (a new, emptied or lost store), and no Redis sink has started building it yet');
    if (canary === 0) return incomplete('keys with a TTL were lost from Redis (the canary is gone); the Redis sink is about to rebuild');
    if (global[2] === epoch) return incomplete('a reader found rows missing from Redis; the Redis sink is about to rebuild');
    if (registered && !(own[0] as string[]).includes(epoch) && (await this.#redis.zscore(k.tenantEpoch(tenant), epoch)) === null) {
      return incomplete(`the Redis node holding tenant ${tenant}'s keys lost them (its epoch is gone); the Redis sink is about to rebuild`);
    }
    const coverage = summarizeSinks(sinks, epoch, tenant);
    return { completeness: { ...processor, upTo: coverage.upTo, epoch, incomplete: coverage.incomplete }, revision };
  }

  /** The live sink records: from the pipeline when the index still names the `known` ids, else read again. */
  async #sinkRecords(replies: unknown[], known: readonly string[]): Promise<SinkProgressRecord[]> {
    const ids = replies[0] as string[];
    let values: (string | null)[];
    if (ids.length === 0) values = [];
    else if (sameIds(ids, known)) values = replies[1] as (string | null)[];
    else values = await this.#redis.mget(...ids.map((id) => this.#keys.sink(id)));
    this.#sinkIds = ids;
    return values.filter((json): json is string => json !== null).map((json) => JSON.parse(json) as SinkProgressRecord);
  }
}

/** True when `a` and `b` hold the same ids (a sorted set's members: no repeats), in any order. */
function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(b);
  return a.every((id) => set.has(id));
}
