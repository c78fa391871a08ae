import type { Redis } from 'ioredis';

/** What Redis says about eviction: `maxmemory_policy` and the server-wide `evicted_keys` counter (null if not shown). */
export interface EvictionInfo {
  readonly policy: string | null;
  readonly evictedKeys: number | null;
}

function field(info: string, name: string): string | null {
  const match = new RegExp(`^${name}:(.*)$`, 'm').exec(info);
  return match?.[1]?.trim() ?? null;
}

/** Redis's server-wide `evicted_keys` counter from INFO stats; null when INFO does not show it. */
export async function readEvictedKeys(redis: Redis): Promise<number | null> {
  const evicted = field(await redis.info('stats'), 'evicted_keys');
  return evicted === null || !/^\d+$/.test(evicted) ? null : Number(evicted);
}

/** Reads INFO memory and stats (works where CONFIG is disabled, as on most managed services). */
export async function readEvictionInfo(redis: Redis): Promise<EvictionInfo> {
  const memory = await redis.info('memory');
  return { policy: field(memory, 'maxmemory_policy'), evictedKeys: await readEvictedKeys(redis) };
}

/**
 * Why `policy` is a risk for the store, or null for `noeviction` (docs/redis.md): under `allkeys-*` any key may go,
 * under `volatile-*` the rows and segments (they have a TTL) go while the epoch stays. The sink notices either and
 * rebuilds, but the API answers incomplete until it has, and memory pressure can make that last.
 */
export function evictionPolicyWarning(policy: string | null): string | null {
  if (policy === 'noeviction') return null;
  if (policy === null) return 'Redis does not report maxmemory_policy; set maxmemory-policy noeviction';
  const victims = policy.startsWith('allkeys-') ? 'any key' : policy.startsWith('volatile-') ? 'rows and segments (keys with a TTL)' : 'keys';
  return `Redis maxmemory-policy is ${policy}: under memory pressure it evicts ${victims}; the Redis sink then rebuilds from the output topics and the API reports the data incomplete meanwhile. Set maxmemory-policy noeviction and size maxmemory for the retention (docs/redis.md)`;
}
