import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { emptyMetrics } from '../../src/core/statistic/agent-statistic-fields.ts';
import { SinkProgressStore } from '../../src/state/sink-progress-store.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import type { StoreKeys } from '../../src/state/store-keys.ts';
import type { AgentStateRow, QuarterHourRow, SegmentRow, SinkProgressRecord, StoreWrite } from '../../src/state/store-types.ts';
import { TimelineStoreReader } from '../../src/state/timeline-store-reader.ts';
import { CANARY_TTL_MS, TimelineStoreWriter } from '../../src/state/timeline-store-writer.ts';
import type { RedisStore } from '../../src/state/redis-client.ts';
import { deleteWithPrefix, keysWithPrefix, REDIS_TARGETS } from '../support/redis-targets.ts';

const QH = 900_000;
const T0 = Date.UTC(2025, 0, 6, 8);
const RETENTION = 400_000_000_000;

function row(userId: string, start: number, revision = 1): QuarterHourRow {
  return {
    tenant: 't1', source: 'sinch-rai', userId, userName: `name-${userId}`, intervalStart: start, intervalEnd: start + QH, revision, status: 'final', final: true,
    ...emptyMetrics(), servingDuration: 100, readyDuration: 100, maxChangeTimestamp: start + 1,
  };
}

function segment(start: number, end: number): SegmentRow {
  return {
    tenant: 't1', source: 'sinch-rai', userId: 'u1', userName: 'U One', sessionId: 's1', start, end, userStatus: 'Ready', handlingStatus: 'Waiting',
    profile: null, profileReason: null, profileType: null, campaignId: null, revision: 1,
  };
}

function state(userId: string): AgentStateRow {
  return {
    tenant: 't1', source: 'sinch-rai', userId, userName: `name-${userId}`, sessionId: 's1', loggedIn: true, userStatus: 'Ready', handlingStatus: 'Waiting',
    profile: null, profileReason: null, campaignId: null, userStatusSince: T0, handlingStatusSince: T0, asOf: T0,
  };
}

const WRITES: StoreWrite[] = [
  { kind: 'quarterHour', row: row('u1', T0) },
  { kind: 'quarterHour', row: row('u1', T0 + QH) },
  { kind: 'quarterHour', row: row('u2', T0) },
  { kind: 'segment', segment: segment(T0, T0 + 60_000) },
  { kind: 'segment', segment: segment(T0 + 60_000, T0 + 120_000) },
  { kind: 'agentState', state: state('u1') },
  { kind: 'agentState', state: state('u2') },
];

function sinkRecord(epoch: string, fields: Partial<SinkProgressRecord> = {}): SinkProgressRecord {
  return { instanceId: 'sink-a', epoch, assigned: ['q|0', 'q|1'], covered: ['q|0', 'q|1'], expectedPartitions: 2, watermarks: { t1: T0 + 5 * QH }, coveredAt: T0, updatedAt: T0, ...fields };
}

/**
 * How the store notices lost data (epoch, canary, evicted_keys, readers' reports, a tenant's copy of the epoch), how a
 * replay repairs what eviction took, how readers count rows that should be there and are not, and what completeness
 * readers derive. On the stack's single Redis and on its Redis Cluster alike.
 */
describe.each(REDIS_TARGETS)('Redis store: data loss ($name)', (target) => {
  let redis: RedisStore;
  let keys: StoreKeys;
  let prefix: string;
  let writer: TimelineStoreWriter;
  let reader: TimelineStoreReader;

  beforeAll(async () => {
    redis = await target.connect();
  });
  afterAll(async () => redis.quit());

  const fresh = (): void => {
    prefix = `at:test-loss-${randomUUID()}:`;
    keys = storeKeys(prefix);
    writer = new TimelineStoreWriter(redis, keys, RETENTION);
    reader = new TimelineStoreReader(redis, keys, { retentionMs: RETENTION });
  };
  afterEach(async () => {
    await deleteWithPrefix(redis, prefix);
  });

  describe('the sink check', () => {
    it('starts an epoch with a canary of the data TTL class, and keeps it while nothing is lost', async () => {
      fresh();
      const first = await writer.checkStore(null, 7, null);
      expect(first.lost).toBe('epoch-missing');
      expect(await redis.get(keys.canary)).toBe(first.epoch);
      expect(await redis.pttl(keys.canary)).toBeGreaterThan(CANARY_TTL_MS - 60_000);
      expect(await redis.pttl(keys.epoch)).toBe(-1);
      expect(await writer.checkStore(first.epoch, 7, 7)).toEqual({ epoch: first.epoch, lost: null });
      expect(await writer.ensureEpoch()).toBe(first.epoch);
    });

    it('finds a lost epoch, a lost canary (volatile-* eviction), a reader report and grown evicted_keys', async () => {
      fresh();
      let { epoch } = await writer.checkStore(null, null, null);
      await redis.del(keys.epoch);
      let check = await writer.checkStore(epoch, null, null);
      expect(check.lost).toBe('epoch-missing');
      expect(check.epoch).not.toBe(epoch);
      epoch = check.epoch;

      await redis.del(keys.canary);
      check = await writer.checkStore(epoch, null, null);
      expect(check.lost).toBe('canary-missing');
      epoch = check.epoch;

      await reader.reportMissingRows('an-older-epoch');
      expect((await writer.checkStore(epoch, null, null)).lost).toBeNull();
      await reader.reportMissingRows(epoch);
      check = await writer.checkStore(epoch, null, null);
      expect(check.lost).toBe('rows-missing');
      expect(await redis.exists(keys.lossReported)).toBe(0);
      epoch = check.epoch;

      expect((await writer.checkStore(epoch, 10, null)).lost).toBeNull();
      expect((await writer.checkStore(epoch, 10, 10)).lost).toBeNull();
      check = await writer.checkStore(epoch, 12, 10);
      expect(check.lost).toBe('evicted');
      epoch = check.epoch;
      expect((await writer.checkStore(epoch, 3, 12)).lost, 'a counter reset (Redis restarted with its data) is no eviction').toBeNull();
      expect(await redis.get(keys.evictedKeys)).toBe('3');
    });

    it('remembers evicted_keys in memory when its key is gone, and adopts an epoch another sink started', async () => {
      fresh();
      const { epoch } = await writer.checkStore(null, 5, null);
      await redis.del(keys.evictedKeys);
      expect((await writer.checkStore(epoch, 9, 5)).lost).toBe('evicted');
      const other = await writer.checkStore(epoch, 9, 9);
      expect(other.lost).toBeNull();
      expect((await writer.checkStore('my-old-epoch', 9, 9))).toEqual({ epoch: other.epoch, lost: null });
    });

    it('renews the canary when its TTL runs low', async () => {
      fresh();
      const { epoch } = await writer.checkStore(null, null, null);
      await redis.pexpire(keys.canary, 60_000);
      await writer.checkStore(epoch, null, null);
      expect(await redis.pttl(keys.canary)).toBeGreaterThan(CANARY_TTL_MS - 60_000);
    });

    it('finds a tenant whose copy of the epoch is gone while the global epoch stays (its node lost its data), and renews the copies', async () => {
      fresh();
      const { epoch } = await writer.checkStore(null, null, null);
      expect((await writer.apply(epoch, WRITES, T0)).written).toBe(WRITES.length);
      expect(await redis.smembers(keys.epochTenants)).toEqual(['t1']);
      await redis.pexpire(keys.tenantEpoch('t1'), 60_000);
      expect(await writer.checkStore(epoch, null, null)).toEqual({ epoch, lost: null });
      expect(await redis.pttl(keys.tenantEpoch('t1'))).toBeGreaterThan(CANARY_TTL_MS - 60_000);

      await redis.del(keys.tenantEpoch('t1'));
      expect((await reader.getCompleteness('t1')).incomplete).toMatchObject({ reason: 'rebuilding', detail: expect.stringContaining('tenant t1') as unknown });
      const refused = await writer.apply(epoch, [{ kind: 'quarterHour', row: row('u3', T0) }], T0);
      expect(refused, 'an upsert of the tenant writes nothing').toEqual({ written: 0, stale: 0, epochChanged: true });
      expect(await redis.exists(keys.quarterHour('t1', 'u3', T0))).toBe(0);
      expect(await redis.exists(keys.epoch)).toBe(1);
      const check = await writer.checkStore(epoch, null, null);
      expect(check.lost).toBe('tenant-epoch-missing');
      expect(check.epoch).not.toBe(epoch);
      expect(await redis.exists(keys.epochTenants), 'the new epoch starts with no tenant registered').toBe(0);
      expect((await writer.apply(check.epoch, WRITES, T0)).epochChanged).toBe(false);
      expect(await redis.zrange(keys.tenantEpoch('t1'), 0, -1)).toEqual([check.epoch]);
      expect((await writer.checkStore(check.epoch, null, null)).lost).toBeNull();
    });
  });

  describe('a replay of the same revisions', () => {
    it('puts back index entries, segment data, set members and names that eviction took, and nothing else', async () => {
      fresh();
      const epoch = await writer.ensureEpoch();
      await writer.apply(epoch, WRITES, T0);
      const before = await dump(redis, prefix);
      await redis.del(keys.tenantQuarterHours('t1'), keys.userQuarterHours('t1', 'u2'), keys.segmentData('t1', 'u1'), keys.agents('t1'), keys.directory('t1'));
      const replay = await writer.apply(epoch, WRITES, T0);
      expect(replay.epochChanged).toBe(false);
      expect(await dump(redis, prefix)).toEqual(before);
      const rows = WRITES.filter((write) => write.kind !== 'agentState');
      expect((await writer.apply(epoch, rows, T0)).written, 'an intact store takes no rows or segments from a replay').toBe(0);
    });
  });

  describe('reads', () => {
    it('count indexed rows whose data is gone within retention, but not rows retention removed', async () => {
      fresh();
      const epoch = await writer.ensureEpoch();
      await writer.apply(epoch, WRITES, T0);
      await redis.del(keys.quarterHour('t1', 'u1', T0), keys.agentState('t1', 'u2'));
      await redis.hdel(keys.segmentData('t1', 'u1'), `s1|${T0}`);
      const quarterHours = await reader.readQuarterHours({ tenant: 't1', from: T0, to: T0 + 2 * QH });
      expect([quarterHours.rows.length, quarterHours.missing]).toEqual([2, 1]);
      expect((await reader.readQuarterHours({ tenant: 't1', userIds: ['u1'], from: T0, to: T0 + 2 * QH })).missing).toBe(1);
      const timeline = await reader.readTimeline('t1', 'u1', T0, T0 + QH);
      expect([timeline.rows.length, timeline.missing]).toEqual([1, 1]);
      const states = await reader.readAgentStates('t1');
      expect([states.rows.map((s) => s.userId), states.missing]).toEqual([['u1'], 1]);
      expect((await reader.readAgentStates('t1', ['u2', 'nobody'])).missing).toBe(1);

      const expired = new TimelineStoreReader(redis, keys, { retentionMs: 3_600_000, clock: () => T0 + 3 * 3_600_000 });
      expect((await expired.readQuarterHours({ tenant: 't1', from: T0, to: T0 + 2 * QH })).missing, 'a row past its retention is no loss').toBe(0);
      expect((await expired.readTimeline('t1', 'u1', T0, T0 + QH)).missing).toBe(0);
    });
  });

  describe('completeness', () => {
    it('is the watermark the current epoch\'s sinks cover; incomplete without a sink, while rebuilding, or after a loss', async () => {
      fresh();
      const sinks = new SinkProgressStore(redis, keys);
      expect((await reader.getCompleteness('t1')).incomplete?.reason).toBe('rebuilding');
      const epoch = await writer.ensureEpoch();
      await writer.raiseWatermark('t1', 0, T0 + 9 * QH, 1);
      expect(await sinks.processorWatermarks()).toEqual({ t1: T0 + 9 * QH });
      expect((await reader.getCompleteness('t1')).incomplete?.reason).toBe('no-sink');

      await sinks.publish(sinkRecord(epoch, { covered: ['q|0'] }));
      expect((await reader.getCompleteness('t1')).incomplete?.reason, 'one of two output partitions covered').toBe('rebuilding');
      await sinks.publish(sinkRecord(epoch, { instanceId: 'sink-b', covered: ['q|1'], watermarks: { t1: T0 + 4 * QH } }));
      const complete = await reader.getCompleteness('t1');
      expect(complete).toMatchObject({ upTo: T0 + 4 * QH, incomplete: null, epoch, partitions: { '0': T0 + 9 * QH }, expectedPartitions: 1 });
      expect((await reader.getCompleteness('t2')).incomplete?.reason).toBe('no-watermark');

      await reader.reportMissingRows(epoch);
      expect((await reader.getCompleteness('t1')).incomplete?.reason).toBe('rebuilding');
      await redis.del(keys.lossReported);
      await redis.del(keys.canary);
      expect(await reader.getCompleteness('t1')).toMatchObject({ upTo: null, incomplete: { reason: 'rebuilding' } });
      const next = await writer.checkStore(epoch, null, null);
      expect((await reader.getCompleteness('t1')).incomplete?.reason, 'the sinks still report the old epoch').toBe('rebuilding');
      await sinks.publish(sinkRecord(next.epoch, { instanceId: 'sink-c' }));
      expect((await reader.getCompleteness('t1')).upTo).toBe(T0 + 5 * QH);
      await sinks.remove('sink-c');
      expect((await reader.getCompleteness('t1')).incomplete?.reason).toBe('rebuilding');
    });
  });
});

/** Every key of `prefix` with its canonical content and absolute expiry, without the change counters. */
async function dump(redis: RedisStore, prefix: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const key of (await keysWithPrefix(redis, prefix)).sort()) {
    // the change counters (the data revision, the day-aggregate versions) rise with every write
    if (key.startsWith(`${prefix}revision:`) || key.startsWith(`${prefix}agg-version:`)) continue;
    const type = await redis.type(key);
    const value = type === 'hash' ? await redis.hgetall(key) : type === 'zset' ? await redis.zrange(key, 0, -1, 'WITHSCORES') : type === 'set' ? (await redis.smembers(key)).sort() : type === 'stream' ? await redis.xrange(key, '-', '+') : await redis.get(key);
    out[key.slice(prefix.length)] = [value, await redis.pexpiretime(key)];
  }
  return out;
}
