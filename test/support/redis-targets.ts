import { Cluster, Redis } from 'ioredis';
import { masterNodes } from '../../src/state/redis-client.ts';
import type { RedisStore } from '../../src/state/redis-client.ts';
import { requireServices, ServiceUnavailableError } from './services.ts';

/** The stack's Redis Cluster (stack/lib/redis-cluster.sh), unless REDIS_CLUSTER_NODES names another. */
export const STACK_REDIS_CLUSTER_NODES = '127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003';

const HINT = 'Start the local stack with `npm run stack -- up` (it starts a three-master Redis Cluster on 127.0.0.1:7001-7003), or set REDIS_CLUSTER_NODES.';

/**
 * The seed nodes of a Redis Cluster that answers with `cluster_state:ok`; throws {@link ServiceUnavailableError}
 * naming Redis Cluster otherwise (tests that need it fail, never skip).
 */
export async function requireRedisCluster(env: Readonly<Record<string, string | undefined>> = process.env): Promise<string> {
  const nodes = env.REDIS_CLUSTER_NODES ?? STACK_REDIS_CLUSTER_NODES;
  const first = nodes.split(',')[0]?.trim() ?? '';
  const separator = first.lastIndexOf(':');
  const probe = new Redis({ host: first.slice(0, separator), port: Number(first.slice(separator + 1)), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000 });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    const info = String(await probe.call('CLUSTER', 'INFO'));
    if (!/^cluster_state:ok/m.test(info)) throw new ServiceUnavailableError('Redis Cluster', nodes, `${first} answers, but not with cluster_state:ok. ${HINT}`);
    return nodes;
  } catch (error) {
    if (error instanceof ServiceUnavailableError) throw error;
    throw new ServiceUnavailableError('Redis Cluster', nodes, `(${(error as Error).message}) ${HINT}`);
  } finally {
    probe.disconnect();
  }
}

function seedNodes(nodes: string): { host: string; port: number }[] {
  return nodes.split(',').map((node) => {
    const separator = node.trim().lastIndexOf(':');
    return { host: node.trim().slice(0, separator), port: Number(node.trim().slice(separator + 1)) };
  });
}

/** A connected ioredis `Cluster` on {@link requireRedisCluster}'s nodes. */
export async function connectRedisCluster(): Promise<Cluster> {
  const cluster = new Cluster(seedNodes(await requireRedisCluster()), { lazyConnect: true });
  await cluster.connect();
  return cluster;
}

/** One Redis deployment the store runs on: the stack's single Redis, or its Redis Cluster. */
export interface RedisTarget {
  readonly name: 'single Redis' | 'Redis Cluster';
  connect(): Promise<RedisStore>;
}

export const REDIS_TARGETS: readonly RedisTarget[] = [
  {
    name: 'single Redis',
    connect: async () => {
      const redis = new Redis((await requireServices()).redis.url, { lazyConnect: true });
      await redis.connect();
      return redis;
    },
  },
  { name: 'Redis Cluster', connect: connectRedisCluster },
];

/** Every key starting with `prefix`, on every master (KEYS and SCAN see one node of a cluster). */
export async function keysWithPrefix(redis: RedisStore, prefix: string): Promise<string[]> {
  const found = await Promise.all(masterNodes(redis).map(async (node) => {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  }));
  return [...new Set(found.flat())];
}

/** Deletes every key starting with `prefix` (one UNLINK per key: they may lie in many slots); answers how many. */
export async function deleteWithPrefix(redis: RedisStore, prefix: string): Promise<number> {
  const keys = await keysWithPrefix(redis, prefix);
  await Promise.all(keys.map((key) => redis.unlink(key)));
  return keys.length;
}

/** The master that serves `key`'s slot, as `host:port`. */
export async function nodeOfKey(cluster: Cluster, key: string): Promise<string> {
  const slot = Number(await cluster.call('CLUSTER', 'KEYSLOT', key));
  const ranges = (await cluster.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, ...unknown[]], ...unknown[]][];
  const range = ranges.find(([from, to]) => slot >= from && slot <= to);
  if (range === undefined) throw new Error(`no node serves slot ${slot}`);
  return `${range[2][0]}:${range[2][1]}`;
}

/** Deletes the keys starting with `prefix` on the master `node` only: that node lost this store's data. */
export async function loseNodeData(cluster: Cluster, node: string, prefix: string): Promise<number> {
  const master = cluster.nodes('master').find((candidate) => `${candidate.options.host}:${candidate.options.port}` === node);
  if (master === undefined) throw new Error(`no master ${node}`);
  return deleteWithPrefix(master, prefix);
}
