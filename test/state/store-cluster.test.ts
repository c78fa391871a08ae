import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { parseConfig } from '../../src/config/config.ts';
import { createRedis } from '../../src/state/redis-client.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emptyMetrics } from '../../src/core/statistic/agent-statistic-fields.ts';
import { readEvictionInfo } from '../../src/state/redis-eviction.ts';
import { storeKeys, tenantTag } from '../../src/state/store-keys.ts';
import type { StoreKeys } from '../../src/state/store-keys.ts';
import type { QuarterHourRow, StoreWrite } from '../../src/state/store-types.ts';
import { TimelineStoreReader } from '../../src/state/timeline-store-reader.ts';
import { TimelineStoreWriter } from '../../src/state/timeline-store-writer.ts';
import { connectRedisCluster, deleteWithPrefix, keysWithPrefix, loseNodeData, nodeOfKey, requireRedisCluster } from '../support/redis-targets.ts';

const QH = 900_000;
const T0 = Date.UTC(2025, 0, 6, 8);
const RETENTION = 400_000_000_000;
/** Fixed tenant names, so which node each lands on is the same in every run. */
const TENANTS = Array.from({ length: 24 }, (_, i) => `tenant-${i}`);

function row(tenant: string, userId: string, start: number): QuarterHourRow {
  return {
    tenant, source: 'sinch-rai', userId, userName: `name-${userId}`, intervalStart: start, intervalEnd: start + QH, revision: 1, status: 'final', final: true,
    ...emptyMetrics(), servingDuration: 100, readyDuration: 100, maxChangeTimestamp: start + 1,
  };
}

function writesOf(tenant: string): StoreWrite[] {
  return [
    { kind: 'quarterHour', row: row(tenant, 'u1', T0) },
    { kind: 'quarterHour', row: row(tenant, 'u2', T0 + QH) },
    {
      kind: 'segment',
      segment: { tenant, source: 'sinch-rai', userId: 'u1', userName: 'U', sessionId: 's1', start: T0, end: T0 + 60_000, userStatus: 'Ready', handlingStatus: 'Waiting', profile: null, profileReason: null, profileType: null, campaignId: null, revision: 1 },
    },
  ];
}

/** The key layout and the loss detection on the stack's three-master Redis Cluster (docs/redis.md, Redis Cluster). */
describe('Redis store on a Redis Cluster', () => {
  let cluster: Cluster;
  let prefix: string;
  let keys: StoreKeys;

  beforeAll(async () => {
    cluster = await connectRedisCluster();
  });
  afterAll(async () => cluster.quit());
  afterEach(async () => {
    await deleteWithPrefix(cluster, prefix);
  });

  it('is what createRedis builds when REDIS_CLUSTER_NODES is set, a single Redis otherwise', async () => {
    prefix = `at:test-cluster-${randomUUID()}:`;
    const client = createRedis(parseConfig({ REDIS_CLUSTER_NODES: await requireRedisCluster() }));
    expect(client).toBeInstanceOf(Cluster);
    const connecting = client.connect();
    expect(await readEvictionInfo(client), 'INFO of every master, asked while the client still connects').toEqual({ policy: 'noeviction', evictedKeys: expect.any(Number) as unknown });
    await connecting;
    expect(await client.ping()).toBe('PONG');
    expect((client as Cluster).nodes('master')).toHaveLength(3);
    client.disconnect();
    expect(createRedis(parseConfig({}))).toBeInstanceOf(Redis);
  });

  const slotOf = async (key: string): Promise<number> => Number(await cluster.call('CLUSTER', 'KEYSLOT', key));

  it('puts every key of a tenant in one slot, the bookkeeping keys each in theirs, and spreads tenants over the nodes', async () => {
    prefix = `at:test-cluster-${randomUUID()}:`;
    keys = storeKeys(prefix);
    const tenant = 'acme}{x';
    const tenantKeys = [
      keys.tenantEpoch(tenant), keys.quarterHour(tenant, 'u{1}', T0), keys.userQuarterHours(tenant, 'u1'), keys.tenantQuarterHours(tenant), keys.agentState(tenant, 'u1'),
      keys.agents(tenant), keys.directory(tenant), keys.segmentRevisions(tenant, 'u1'), keys.segmentData(tenant, 'u1'), keys.segmentIndex(tenant, 'u1'),
      keys.watermark(tenant), keys.billing(tenant, 'acct', '2025-01-06'),
    ];
    const slots = await Promise.all(tenantKeys.map(slotOf));
    expect(new Set(slots).size, 'one slot for all of a tenant\'s keys').toBe(1);
    expect(slots[0]).toBe(await slotOf(tenantTag(tenant)));
    const meta = await Promise.all([keys.epoch, keys.canary, keys.evictedKeys, keys.lossReported, keys.tenants, keys.epochTenants].map(slotOf));
    expect(new Set(meta).size).toBe(1);
    expect(new Set(await Promise.all([keys.processor('g', 'i1'), keys.processor('g', 'i2'), keys.processors('g')].map(slotOf))).size).toBe(1);
    expect(new Set(await Promise.all([keys.sink('a'), keys.sink('b'), keys.sinks].map(slotOf))).size).toBe(1);

    const nodes = await Promise.all(TENANTS.map((t) => nodeOfKey(cluster, keys.tenantEpoch(t))));
    expect(new Set(nodes).size, 'tenants spread over all three masters').toBe(3);
  });

  it('writes and reads tenants on different nodes, and reads eviction facts from every master', async () => {
    prefix = `at:test-cluster-${randomUUID()}:`;
    keys = storeKeys(prefix);
    const writer = new TimelineStoreWriter(cluster, keys, RETENTION);
    const reader = new TimelineStoreReader(cluster, keys, { retentionMs: RETENTION });
    const epoch = await writer.ensureEpoch();
    const writes = TENANTS.slice(0, 6).flatMap(writesOf);
    expect(await writer.apply(epoch, writes, T0), 'one batch across tenants on several nodes').toEqual({ written: writes.length, stale: 0, epochChanged: false });
    for (const tenant of TENANTS.slice(0, 6)) {
      expect((await reader.listQuarterHours({ tenant, from: T0, to: T0 + 2 * QH })).map((r) => r.userId)).toEqual(['u1', 'u2']);
      expect(await reader.getTimeline(tenant, 'u1', T0, T0 + QH)).toHaveLength(1);
    }
    expect((await cluster.smembers(keys.epochTenants)).sort()).toEqual(TENANTS.slice(0, 6).sort());
    const info = await readEvictionInfo(cluster);
    expect(info.policy).toBe('noeviction');
    expect(Number.isInteger(info.evictedKeys)).toBe(true);
  });

  it('finds the loss of the one node holding a tenant\'s keys while the global epoch stays on another, and rebuilds the tenant in a new epoch', async () => {
    prefix = `at:test-cluster-${randomUUID()}:`;
    keys = storeKeys(prefix);
    const writer = new TimelineStoreWriter(cluster, keys, RETENTION);
    const reader = new TimelineStoreReader(cluster, keys, { retentionMs: RETENTION });
    const metaNode = await nodeOfKey(cluster, keys.epoch);
    const byNode = new Map<string, string>();
    for (const tenant of TENANTS) byNode.set(await nodeOfKey(cluster, keys.tenantEpoch(tenant)), tenant);
    const victimNode = [...byNode.keys()].find((node) => node !== metaNode)!;
    const victim = byNode.get(victimNode)!;
    const survivor = byNode.get([...byNode.keys()].find((node) => node !== victimNode)!)!;
    const epoch = await writer.ensureEpoch();
    await writer.apply(epoch, [...writesOf(victim), ...writesOf(survivor)], T0);
    expect(await writer.checkStore(epoch, null, null)).toEqual({ epoch, lost: null });

    const lostKeys = await loseNodeData(cluster, victimNode, prefix);
    expect(lostKeys).toBeGreaterThanOrEqual(6);
    expect(await cluster.get(keys.epoch), 'the global epoch lives on another node and stays').toBe(epoch);
    expect(await reader.listQuarterHours({ tenant: victim, from: T0, to: T0 + 2 * QH })).toEqual([]);
    expect((await reader.getCompleteness(victim)).incomplete?.reason).toBe('rebuilding');
    expect((await writer.apply(epoch, writesOf(victim), T0)).epochChanged, 'the victim\'s upserts write nothing').toBe(true);
    expect(await keysWithPrefix(cluster, `${prefix}qh:${tenantTag(victim)}`)).toEqual([]);

    const check = await writer.checkStore(epoch, null, null);
    expect(check.lost).toBe('tenant-epoch-missing');
    expect(check.epoch).not.toBe(epoch);
    expect((await writer.apply(check.epoch, [...writesOf(victim), ...writesOf(survivor)], T0)).epochChanged).toBe(false);
    expect((await reader.listQuarterHours({ tenant: victim, from: T0, to: T0 + 2 * QH })).map((r) => r.userId)).toEqual(['u1', 'u2']);
    expect(await writer.checkStore(check.epoch, null, null)).toEqual({ epoch: check.epoch, lost: null });
  });
});
