import { connectedMasterNodes } from './redis-client.ts';
import type { RedisStore } from './redis-client.ts';

/**
 * What Redis says about eviction: `maxmemory_policy` and the server-wide `evicted_keys` counter (null if not shown).
 * On a cluster, over every master: the first policy that is not `noeviction` (null if a node does not report one),
 * and the sum of the counters (null if a node does not show it).
 */
export interface EvictionInfo {
  readonly policy: string | null;
  readonly evictedKeys: number | null;
}

function field(info: string, name: string): string | null {
  const match = new RegExp(`^${name}:(.*)$`, 'm').exec(info);
  return match?.[1]?.trim() ?? null;
}

/**
 * Redis's server-wide `evicted_keys` counter from INFO stats, summed over the masters of a cluster; null when a node
 * does not show it.
 */
export async function readEvictedKeys(redis: RedisStore): Promise<number | null> {
  const nodes = await connectedMasterNodes(redis);
  if (nodes.length === 0) return null;
  const counts = await Promise.all(nodes.map(async (node) => field(await node.info('stats'), 'evicted_keys')));
  if (counts.some((evicted) => evicted === null || !/^\d+$/.test(evicted))) return null;
  return counts.reduce((sum, evicted) => sum + Number(evicted), 0);
}

/** Reads INFO memory and stats of every master (works where CONFIG is disabled, as on most managed services). */
export async function readEvictionInfo(redis: RedisStore): Promise<EvictionInfo> {
  const nodes = await connectedMasterNodes(redis);
  const policies = await Promise.all(nodes.map(async (node) => field(await node.info('memory'), 'maxmemory_policy')));
  const policy = nodes.length === 0 || policies.includes(null) ? null : (policies.find((p) => p !== 'noeviction') ?? 'noeviction');
  return { policy, evictedKeys: await readEvictedKeys(redis) };
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
