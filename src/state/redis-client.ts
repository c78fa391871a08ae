import { Redis } from 'ioredis';
import type { Config } from '../config/config.ts';

/**
 * Builds the ioredis client from config. The client connects lazily; callers `await redis.connect()` when they
 * want start-up to fail fast, and `quit()` once on shutdown.
 */
export function createRedis(config: Config): Redis {
  const { redis } = config;
  return new Redis(redis.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 3,
    enableOfflineQueue: true,
    ...(redis.username === undefined ? {} : { username: redis.username }),
    ...(redis.password === undefined ? {} : { password: redis.password }),
    ...(redis.tls ? { tls: {} } : {}),
  });
}
