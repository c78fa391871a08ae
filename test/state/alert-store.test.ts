import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertTransition } from '../../src/core/alerts/alert-transition.ts';
import { AlertStore } from '../../src/state/alert-store.ts';
import { ChangeFeed } from '../../src/state/change-feed.ts';
import type { RedisStore } from '../../src/state/redis-client.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import type { StoreKeys } from '../../src/state/store-keys.ts';
import type { AgentStateRow } from '../../src/state/store-types.ts';
import { TimelineStoreWriter } from '../../src/state/timeline-store-writer.ts';
import { deleteWithPrefix, REDIS_TARGETS } from '../support/redis-targets.ts';

const T0 = Date.UTC(2025, 0, 6, 8);

function firing(tenant: string, agentId: string, since: number): AlertTransition {
  return {
    id: `${tenant}/wrap-long/${agentId}/${since}`, status: 'firing', tenant, ruleId: 'wrap-long', ruleKind: 'state-duration', agentId, userName: `name ${agentId}`,
    since, firedAt: since + 130_000, resolvedAt: null, userStatus: 'Ready', handlingStatus: 'Wrap', reason: null, readyCount: null,
  };
}
const resolved = (alert: AlertTransition, at: number): AlertTransition => ({ ...alert, status: 'resolved', resolvedAt: at });

/** The alert store: each transition applied once (firing hash + change feed), whatever is re-read. */
describe.each(REDIS_TARGETS)('alert store ($name)', (target) => {
  let redis: RedisStore;
  let prefix: string;
  let keys: StoreKeys;
  let store: AlertStore;
  let feed: ChangeFeed;

  beforeAll(async () => {
    redis = await target.connect();
    prefix = `at:test-${randomUUID()}:`;
    keys = storeKeys(prefix);
    store = new AlertStore(redis, keys, 1_000);
    feed = new ChangeFeed(redis, keys);
  });
  afterAll(async () => {
    await deleteWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('keeps the firing alerts and appends each transition to the feed once, however often it is re-read', async () => {
    const a = firing('t1', 'u1', T0);
    const b = firing('t1', 'u/2', T0 + 60_000);
    expect(await store.write([a, b])).toEqual({ written: 2, stale: 0 });
    expect((await store.readFiring('t1')).map((alert) => alert.id)).toEqual([a.id, b.id]);
    expect(await store.write([a, resolved(a, T0 + 200_000)])).toEqual({ written: 1, stale: 1 });
    // the whole topic again (a rebalance or a crash before the commit): nothing changes
    expect(await store.write([a, b, resolved(a, T0 + 200_000)])).toEqual({ written: 0, stale: 3 });
    expect(await store.readFiring('t1')).toEqual([b]);
    const entries = await redis.xrange(keys.changes('t1'), '-', '+');
    expect(entries).toHaveLength(3);
    const resumed = await feed.after('t1', entries[0]![0], 10);
    expect(resumed.complete).toBe(true);
    if (!resumed.complete) return;
    expect(resumed.changes.map((c) => (c.kind === 'alert' ? `${c.alert.status} ${c.alert.id}` : c.kind))).toEqual([`firing ${b.id}`, `resolved ${a.id}`]);
    expect(await store.readFiring('t2')).toEqual([]);
  });

  it('a resolution read before its firing (a re-read after the firing was trimmed away) keeps the alert out', async () => {
    const a = firing('t3', 'u1', T0);
    expect(await store.write([resolved(a, T0 + 10_000)])).toEqual({ written: 1, stale: 0 });
    expect(await store.write([a])).toEqual({ written: 0, stale: 1 });
    expect(await store.readFiring('t3')).toEqual([]);
  });

  it('alert entries and agent states share the tenant’s feed, in the order they were applied', async () => {
    const epoch = await new TimelineStoreWriter(redis, keys, 400_000_000_000).ensureEpoch();
    const writer = new TimelineStoreWriter(redis, keys, 400_000_000_000);
    const state: AgentStateRow = {
      tenant: 't4', source: 'sinch-rai', userId: 'u1', userName: 'one', sessionId: 's1', loggedIn: true, userStatus: 'Ready', handlingStatus: 'Wrap',
      profile: null, profileReason: null, campaignId: null, userStatusSince: T0, handlingStatusSince: T0, asOf: T0,
    };
    const before = await feed.lastId('t4');
    await writer.apply(epoch, [{ kind: 'agentState', state }]);
    await store.write([firing('t4', 'u1', T0)]);
    await writer.apply(epoch, [{ kind: 'agentState', state: { ...state, handlingStatus: 'Waiting', handlingStatusSince: T0 + 200_000, asOf: T0 + 200_000 } }]);
    await store.write([resolved(firing('t4', 'u1', T0), T0 + 200_500)]);
    const reader = feed.openBlockingReader();
    try {
      const changes = await reader.read('t4', before === '0-0' ? '0' : before, 1_000, 10);
      expect(changes.map((c) => (c.kind === 'alert' ? `alert ${c.alert.status}` : `agent ${c.state.handlingStatus}`))).toEqual(['agent Wrap', 'alert firing', 'agent Waiting', 'alert resolved']);
    } finally {
      reader.close();
    }
  });
});
