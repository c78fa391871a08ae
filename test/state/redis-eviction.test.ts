import { describe, expect, it } from 'vitest';
import { evictionPolicyWarning, readEvictionInfo } from '../../src/state/redis-eviction.ts';
import { REDIS_TARGETS } from '../support/redis-targets.ts';

/** The start-up check of Redis's eviction policy (docs/redis.md). */
describe('Redis eviction policy', () => {
  it.each(REDIS_TARGETS)('reads maxmemory_policy and evicted_keys from INFO ($name: of every master)', async (target) => {
    const redis = await target.connect();
    try {
      const info = await readEvictionInfo(redis);
      expect(info.policy).toMatch(/^(noeviction|allkeys-\w+|volatile-\w+)$/);
      expect(Number.isInteger(info.evictedKeys)).toBe(true);
    } finally {
      await redis.quit();
    }
  });

  it('warns about every policy but noeviction, naming what it evicts', () => {
    expect(evictionPolicyWarning('noeviction')).toBeNull();
    expect(evictionPolicyWarning('volatile-lru')).toMatch(/volatile-lru.*rows and segments \(keys with a TTL\).*noeviction/);
    expect(evictionPolicyWarning('allkeys-lfu')).toMatch(/allkeys-lfu.*any key/);
    expect(evictionPolicyWarning(null)).toMatch(/noeviction/);
  });
});
