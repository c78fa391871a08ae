import { Cluster, Redis } from 'ioredis';
import type { Config } from '../config/config.ts';

/**
 * The client the store uses: one Redis, or a Redis Cluster (REDIS_CLUSTER_NODES). The store's multi-key commands,
 * scripts and pipelines each stay within one hash tag (store-keys.ts), so both answer them alike.
 */
export type RedisStore = Redis | Cluster;

/**
 * Builds the ioredis client from config: a `Cluster` seeded with REDIS_CLUSTER_NODES when set, else a `Redis` on
 * REDIS_URL; the same credentials and TLS either way. The client connects lazily; callers `await redis.connect()`
 * when they want start-up to fail fast, and `quit()` once on shutdown.
 */
export function createRedis(config: Config): RedisStore {
  const { redis } = config;
  const options = {
    maxRetriesPerRequest: 3,
    ...(redis.username === undefined ? {} : { username: redis.username }),
    ...(redis.password === undefined ? {} : { password: redis.password }),
    ...(redis.tls ? { tls: {} } : {}),
  };
  if (redis.clusterNodes !== undefined) {
    const nodes = redis.clusterNodes.map((node) => {
      const split = node.lastIndexOf(':');
      return { host: node.slice(0, split), port: Number(node.slice(split + 1)) };
    });
    return new Cluster(nodes, { lazyConnect: true, enableOfflineQueue: true, redisOptions: options });
  }
  return new Redis(redis.url, { lazyConnect: true, enableOfflineQueue: true, ...options });
}

/** The master nodes to ask for server-wide facts (INFO): every master of a cluster, or the one Redis. */
export function masterNodes(redis: RedisStore): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}

/**
 * {@link masterNodes} once the client knows them: a cluster client learns its masters when it connects, so this waits
 * for that (as a command to a single Redis waits in the offline queue).
 */
export async function connectedMasterNodes(redis: RedisStore): Promise<Redis[]> {
  if (redis instanceof Cluster && redis.nodes('master').length === 0) await redis.ping();
  return masterNodes(redis);
}
