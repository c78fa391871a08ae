import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessorReadinessStore } from '../../src/state/processor-readiness-store.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import type { StoreKeys } from '../../src/state/store-keys.ts';
import type { ProcessorReadinessRecord } from '../../src/state/store-types.ts';
import { TimelineStoreReader } from '../../src/state/timeline-store-reader.ts';
import type { RedisStore } from '../../src/state/redis-client.ts';
import { REDIS_TARGETS } from '../support/redis-targets.ts';

const GROUP = 'g1';

function record(instanceId: string, assigned: number[], restored: number[], expectedPartitions = 6, watermarked?: Record<string, number[]>): ProcessorReadinessRecord {
  const restoreMs = Object.fromEntries(restored.map((p) => [String(p), 10 + p]));
  return { groupId: GROUP, instanceId, assigned, restored, restoreMs, ...(watermarked === undefined ? {} : { watermarked }), expectedPartitions, startedAt: 1, updatedAt: Date.now() };
}

/** Processor readiness records: per-instance JSON with a TTL, found through the group index without SCAN. */
describe.each(REDIS_TARGETS)('processor readiness records ($name)', (target) => {
  let redis: RedisStore;
  let keys: StoreKeys;
  let store: ProcessorReadinessStore;
  let reader: TimelineStoreReader;

  beforeAll(async () => {
    redis = await target.connect();
    keys = storeKeys(`at:test-${randomUUID()}:`);
    store = new ProcessorReadinessStore(redis, keys);
    reader = new TimelineStoreReader(redis, keys);
  });
  afterAll(async () => {
    await redis.del(keys.processors(GROUP), keys.processor(GROUP, 'a'), keys.processor(GROUP, 'b'), keys.processor(GROUP, 'c'));
    await redis.quit();
  });

  it('reports nothing for a group no instance has published to', async () => {
    expect(await reader.getProcessorReadiness('nobody')).toEqual({ instances: [], assigned: 0, restored: 0, expectedPartitions: null, watermarked: {} });
  });

  it('sums the instances of a group: a doubly claimed partition is restored only if both restored it, holds a watermark if either does', async () => {
    await store.publish(record('b', [3, 4, 5], [3, 4, 5], 6, { t1: [3, 4, 5], t2: [5] }));
    await store.publish(record('a', [0, 1, 2, 3], [0, 1, 2], 6, { t1: [0, 1, 2, 3] }));
    const readiness = await reader.getProcessorReadiness(GROUP);
    expect(readiness.instances.map((i) => i.instanceId)).toEqual(['a', 'b']);
    expect(readiness).toMatchObject({ assigned: 6, restored: 5, expectedPartitions: 6, watermarked: { t1: 6, t2: 1 } });
    expect(readiness.instances[0]).toMatchObject({ assigned: [0, 1, 2, 3], restored: [0, 1, 2], restoreMs: { '0': 10, '1': 11, '2': 12 } });
    const ttl = await redis.pttl(keys.processor(GROUP, 'a'));
    expect(ttl).toBeGreaterThan(10_000);
    expect(ttl).toBeLessThanOrEqual(15_000);
  });

  it('drops a record when its TTL lapses and when the instance removes it', async () => {
    await store.publish(record('c', [0], [0], 1), 300);
    expect((await reader.getProcessorReadiness(GROUP)).instances.map((i) => i.instanceId)).toEqual(['a', 'b', 'c']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await reader.getProcessorReadiness(GROUP)).instances.map((i) => i.instanceId)).toEqual(['a', 'b']);
    await store.remove(GROUP, 'a');
    const readiness = await reader.getProcessorReadiness(GROUP);
    expect(readiness).toMatchObject({ assigned: 3, restored: 3, expectedPartitions: 6 });
    expect(await redis.zrange(keys.processors(GROUP), 0, -1)).not.toContain('a');
  });
});
