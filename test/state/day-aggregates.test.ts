/**
 * The day aggregates (src/state/day-aggregate-store.ts) on the real Redis: after any interleaving of concurrent
 * writers (two sink instances writing quarter-hours of the same users and days, each on its own connection), every
 * stored day equals the core roll-up of the quarter-hours stored under it; a day that lost all content is gone;
 * values of an earlier epoch are not read; a writer with a stale epoch writes nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodOf } from '../../src/core/rollup/period.ts';
import { rollUp } from '../../src/core/rollup/rollup.ts';
import { emptyMetrics } from '../../src/core/statistic/agent-statistic-fields.ts';
import { publishedCoverage, publishedToVector } from '../../src/core/statistic/published-metrics.ts';
import { mulberry32 } from '../../src/core/random/prng.ts';
import { defineDayAggregateScripts } from '../../src/state/day-aggregate-scripts.ts';
import { DayAggregateStore } from '../../src/state/day-aggregate-store.ts';
import { epochZones, newEpochId } from '../../src/state/epoch-id.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import type { QuarterHourRow } from '../../src/state/store-types.ts';
import { TimelineStoreReader } from '../../src/state/timeline-store-reader.ts';
import { TimelineStoreWriter } from '../../src/state/timeline-store-writer.ts';
import type { RedisStore } from '../../src/state/redis-client.ts';
import { deleteWithPrefix, REDIS_TARGETS } from '../support/redis-targets.ts';

const QH = 900_000;
const RETENTION = 400_000_000_000;
const ZONES = ['UTC', 'Asia/Calcutta', 'America/St_Johns'];
/** 2024-11-02 20:00 UTC: St. John's leaves DST on 2024-11-03 at 02:00 local. */
const T0 = Date.UTC(2024, 10, 2, 20);
const USERS = ['u1', 'u2'];

function row(userId: string, start: number, revision: number, serving: number): QuarterHourRow {
  return {
    tenant: 't1', source: 'sinch-rai', userId, userName: `${userId}-r${revision}`, intervalStart: start, intervalEnd: start + QH, revision, status: 'final', final: true,
    ...emptyMetrics(), servingDuration: serving, readyDuration: serving, maxChangeTimestamp: start + revision,
  };
}

/** Every (user, zone, local day) of the stored quarter-hours, rolled up by the core from what is stored now. */
async function expectedDays(reader: TimelineStoreReader): Promise<Map<string, unknown>> {
  const rows = await reader.readQuarterHours({ tenant: 't1', from: T0 - 2 * 86_400_000, to: T0 + 4 * 86_400_000 });
  const out = new Map<string, unknown>();
  for (const zone of ZONES) {
    const aggregates = rows.rows.map((r) => ({ userId: r.userId, userName: r.userName, start: r.intervalStart, vector: publishedToVector(r), maxChangeTime: r.maxChangeTimestamp, source: r.source, coverage: publishedCoverage(r) }));
    for (const day of rollUp(aggregates, 'day', zone)) out.set(`${zone}|${day.userId}|${day.label}`, day);
  }
  return out;
}

describe.each(REDIS_TARGETS)('day aggregates ($name)', (target) => {
  let connections: RedisStore[] = [];
  let prefix: string;

  async function connect(): Promise<RedisStore> {
    const redis = await target.connect();
    connections.push(redis);
    return redis;
  }

  beforeAll(() => {
    prefix = `at:test-day-${randomUUID()}:`;
  });

  afterAll(async () => {
    const [redis] = connections;
    if (redis !== undefined) await deleteWithPrefix(redis, prefix);
    await Promise.all(connections.map((c) => c.quit()));
    connections = [];
  });

  it('name their zones in the epoch id', () => {
    expect(epochZones(newEpochId('abc', ZONES))).toEqual(ZONES);
    expect(epochZones(newEpochId('abc', []))).toEqual([]);
    expect(epochZones('0b6f1a9e-5a4b-4f55-8b43-2a4f2d2b6f11')).toEqual([]);
  });

  it('keep the value of the highest version: a writer that took an earlier version and writes late changes nothing', async () => {
    const keys = storeKeys(prefix);
    const redis = defineDayAggregateScripts(await connect());
    const epoch = newEpochId(randomUUID(), ZONES);
    await redis.zadd(keys.tenantEpoch('t1'), T0, epoch);
    const day = keys.dayAggregates('t1', 'UTC', '2024-11-02');
    expect(await redis.atPutDayAggregate(keys.tenantEpoch('t1'), day, 'u9', epoch, 7, '{"late":false}', T0 + RETENTION)).toBe(1);
    expect(await redis.atPutDayAggregate(keys.tenantEpoch('t1'), day, 'u9', epoch, 6, '{"late":true}', T0 + RETENTION)).toBe(0);
    expect(await redis.hget(day, 'u9')).toBe(`${epoch}|7|{"late":false}`);
    expect(await redis.atPutDayAggregate(keys.tenantEpoch('t1'), day, 'u9', epoch, 7, '', T0 + RETENTION), 'the same version again (a replay) is written').toBe(1);
    expect(await redis.atPutDayAggregate(keys.tenantEpoch('t1'), day, 'u9', 'another-epoch', 99, '{}', T0 + RETENTION), 'not the current epoch').toBe(-1);
    await redis.del(keys.tenantEpoch('t1'), day);
  });

  it('equal the core roll-up of their stored quarter-hours after concurrent writers', async () => {
    const keys = storeKeys(prefix);
    const writers = await Promise.all([0, 1].map(async () => {
      const redis = await connect();
      return new TimelineStoreWriter(redis, keys, RETENTION, new DayAggregateStore(redis, keys, { zones: ZONES, retentionMs: RETENTION }));
    }));
    const epoch = await writers[0]!.ensureEpoch();
    expect(epochZones(epoch)).toEqual(ZONES);
    const random = mulberry32(7);
    const revisions = new Map<string, number>();
    for (let round = 0; round < 25; round++) {
      await Promise.all(writers.map(async (writer) => {
        const batch = Array.from({ length: 12 }, () => {
          const userId = USERS[Math.floor(random() * USERS.length)]!;
          const start = T0 + Math.floor(random() * 200) * QH;
          const key = `${userId}|${start}`;
          const revision = (revisions.get(key) ?? 0) + 1 + Math.floor(random() * 2);
          revisions.set(key, revision);
          // a revision of 0 ms is a correction that removed the quarter-hour's content
          return { kind: 'quarterHour' as const, row: row(userId, start, revision, random() < 0.15 ? 0 : Math.floor(random() * 900_000)) };
        });
        const result = await writer.apply(epoch, batch, T0);
        expect(result.epochChanged).toBe(false);
      }));
    }
    const reader = new TimelineStoreReader(connections[0]!, keys);
    const expected = await expectedDays(reader);
    const stored = new Map<string, unknown>();
    for (const zone of ZONES) {
      const days = new Map<number, ReturnType<typeof periodOf>>();
      for (let t = T0 - 86_400_000; t < T0 + 4 * 86_400_000; t += QH) {
        const period = periodOf(t, 'day', zone);
        days.set(period.start, period);
      }
      for (const day of await reader.readDays(epoch, 't1', zone, [...days.values()])) stored.set(`${zone}|${day.userId}|${day.label}`, day);
    }
    expect(expected.size).toBeGreaterThan(12);
    expect(stored).toEqual(expected);

    const next = await writers[1]!.checkStore(epoch, null, null);
    expect(next.lost).toBeNull();
    await connections[0]!.del(keys.epoch);
    // (on a cluster the global epoch and the tenant's keys may live on different nodes)
    const renewed = await writers[1]!.checkStore(epoch, null, null);
    expect(renewed.lost).toBe('epoch-missing');
    expect(epochZones(renewed.epoch)).toEqual(ZONES);
    const [someDay] = [...expected.keys()];
    const [zone, , label] = someDay!.split('|');
    const period = [...Array(5 * 96).keys()].map((i) => periodOf(T0 - 86_400_000 + i * QH, 'day', zone!)).find((p) => p.label === label)!;
    expect(await reader.readDays(renewed.epoch, 't1', zone!, [period]), 'values of the previous epoch are not read').toEqual([]);
    expect((await writers[0]!.apply(epoch, [{ kind: 'quarterHour', row: row('u1', T0, 99, 5) }], T0)).epochChanged, 'a stale writer writes nothing').toBe(true);
  });
});
