import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeFeed } from '../../src/state/change-feed.ts';
import type { FeedChange } from '../../src/state/change-feed.ts';
import type { RedisStore } from '../../src/state/redis-client.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import type { StoreKeys } from '../../src/state/store-keys.ts';
import type { AgentStateRow } from '../../src/state/store-types.ts';
import { TimelineStoreWriter } from '../../src/state/timeline-store-writer.ts';
import { deleteWithPrefix, REDIS_TARGETS } from '../support/redis-targets.ts';

const T0 = Date.UTC(2025, 0, 6, 8);
const RETENTION = 400_000_000_000;

function state(userId: string, asOf: number, userStatus = 'Ready', tenant = 't1'): AgentStateRow {
  return {
    tenant, source: 'sinch-rai', userId, userName: `name ${userId}`, sessionId: 's1', loggedIn: true, userStatus, handlingStatus: 'Waiting',
    profile: null, profileReason: null, campaignId: null, userStatusSince: asOf, handlingStatusSince: asOf, asOf,
  };
}

const write = (s: AgentStateRow) => ({ kind: 'agentState' as const, state: s });

function stateOf(change: FeedChange): AgentStateRow {
  if (change.kind !== 'agent') throw new Error(`entry ${change.id} is an ${change.kind} entry`);
  return change.state;
}

/** The change feed: the state upsert appends exactly the applied states; readers resume or learn they cannot. */
describe.each(REDIS_TARGETS)('change feed ($name)', (target) => {
  let redis: RedisStore;
  let prefix: string;
  let keys: StoreKeys;
  let epoch: string;
  let feed: ChangeFeed;

  beforeAll(async () => {
    redis = await target.connect();
    prefix = `at:test-${randomUUID()}:`;
    keys = storeKeys(prefix);
    epoch = await new TimelineStoreWriter(redis, keys, RETENTION).ensureEpoch();
    feed = new ChangeFeed(redis, keys);
  });
  afterAll(async () => {
    await deleteWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('appends every applied state in the same script, and nothing for stale or replayed states', async () => {
    const writer = new TimelineStoreWriter(redis, keys, RETENTION);
    expect(await feed.lastId('t1')).toBe('0-0');
    await writer.apply(epoch, [write(state('u1', T0)), write(state('u2', T0)), write(state('u1', T0 + 1000, 'Pause'))]);
    await writer.apply(epoch, [write(state('u1', T0 + 500, 'Stale')), write(state('u1', T0 + 1000, 'Pause'))]);
    const all = await feed.after('t1', '0-0', 100);
    // 0-0 is no id of this stream's: a client without one gets a snapshot
    expect(all.complete).toBe(false);
    const first = (await redis.xrange(keys.changes('t1'), '-', '+'))[0]![0];
    const resumed = await feed.after('t1', first, 100);
    expect(resumed.complete).toBe(true);
    if (!resumed.complete) return;
    expect(resumed.changes.map((c) => [stateOf(c).userId, stateOf(c).userStatus])).toEqual([['u2', 'Ready'], ['u1', 'Pause']]);
    expect(await feed.lastId('t1')).toBe(resumed.changes[1]!.id);
    expect(await redis.xlen(keys.changes('t1'))).toBe(3);
    expect(await feed.lastId('t2')).toBe('0-0');
  });

  it('writes no change when the epoch is not the tenant’s', async () => {
    const writer = new TimelineStoreWriter(redis, keys, RETENTION);
    const result = await writer.apply('not-the-epoch', [write(state('u9', T0, 'Ready', 't3'))]);
    expect(result.epochChanged).toBe(true);
    expect(await redis.exists(keys.changes('t3'))).toBe(0);
  });

  it('caps the feed near its MAXLEN and refuses to resume from an id trimmed away', async () => {
    const writer = new TimelineStoreWriter(redis, keys, RETENTION, undefined, 100);
    const firstWrite = await writer.apply(epoch, [write(state('u1', T0, 'Ready', 't4'))]);
    expect(firstWrite.written).toBe(1);
    const oldest = (await redis.xrange(keys.changes('t4'), '-', '+'))[0]![0];
    for (let i = 1; i <= 400; i++) await writer.apply(epoch, [write(state('u1', T0 + i * 1000, i % 2 === 0 ? 'Ready' : 'Pause', 't4'))]);
    const length = await redis.xlen(keys.changes('t4'));
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThan(401);
    expect((await feed.after('t4', oldest, 10_000)).complete).toBe(false);
    const held = await redis.xrange(keys.changes('t4'), '-', '+');
    const fromHeld = await feed.after('t4', held[0]![0], 10_000);
    expect(fromHeld.complete && fromHeld.changes.length).toBe(held.length - 1);
    expect((await feed.after('t4', held[0]![0], 5)).complete).toBe(false);
  });

  it('a blocking reader wakes on a new change', async () => {
    const writer = new TimelineStoreWriter(redis, keys, RETENTION);
    const reader = feed.openBlockingReader();
    try {
      const after = await feed.lastId('t5');
      const waiting = reader.read('t5', after === '0-0' ? '0' : after, 5_000, 10);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await writer.apply(epoch, [write(state('u7', T0, 'Ready', 't5'))]);
      const changes = await waiting;
      expect(changes.map((c) => stateOf(c).userId)).toEqual(['u7']);
    } finally {
      reader.close();
    }
  });
});
