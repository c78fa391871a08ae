import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyMetrics, METRIC_FIELDS } from '../../src/core/statistic/agent-statistic-fields.ts';
import type { MetricField } from '../../src/core/statistic/agent-statistic-fields.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import type { StoreKeys } from '../../src/state/store-keys.ts';
import type { AgentStateRow, QuarterHourRow, SegmentRow } from '../../src/state/store-types.ts';
import { TimelineStoreReader } from '../../src/state/timeline-store-reader.ts';
import { TimelineStoreWriter } from '../../src/state/timeline-store-writer.ts';
import type { RedisStore } from '../../src/state/redis-client.ts';
import { deleteWithPrefix, REDIS_TARGETS } from '../support/redis-targets.ts';

const QH = 900_000;
/** docs/vendors/evo-voice-contract.md, written out here apart from src/core/source. */
const EVO_KNOWN = new Set<MetricField>(['servingDuration', 'readyDuration', 'notReadyDuration', 'afterworkDuration', 'callOutDuration', 'countOfHandledCallOut']);
const T0 = Date.UTC(2025, 0, 6, 8);
const RETENTION = 400_000_000_000;

function row(userId: string, start: number, revision: number, serving: number): QuarterHourRow {
  return {
    tenant: 't1', source: 'sinch-rai', userId, userName: `name-${userId}-${revision}`, intervalStart: start, intervalEnd: start + QH, revision,
    status: revision === 1 ? 'provisional' : 'final', final: revision > 1, ...emptyMetrics(), servingDuration: serving, readyDuration: serving, maxChangeTimestamp: start + 1,
  };
}

function segment(start: number, end: number, revision: number): SegmentRow {
  return {
    tenant: 't1', source: 'sinch-rai', userId: 'u1', userName: 'U One', sessionId: 's1', start, end, userStatus: 'Ready', handlingStatus: 'Waiting',
    profile: null, profileReason: null, profileType: null, campaignId: null, revision,
  };
}

function state(asOf: number, loggedIn: boolean, sessionId = 's1'): AgentStateRow {
  return {
    tenant: 't1', source: 'sinch-rai', userId: 'u1', userName: 'U One', sessionId, loggedIn, userStatus: loggedIn ? 'Ready' : 'LoggedOut', handlingStatus: loggedIn ? 'Waiting' : 'LoggedOut',
    profile: null, profileReason: null, campaignId: null, userStatusSince: T0, handlingStatusSince: T0, asOf,
  };
}

/**
 * The Redis store: compare-and-set upserts converge under any replay order; reads answer the HTTP layer's queries. On
 * the stack's single Redis and on its Redis Cluster alike.
 */
describe.each(REDIS_TARGETS)('Redis timeline store ($name)', (target) => {
  let redis: RedisStore;
  let prefix: string;
  let keys: StoreKeys;
  let writer: TimelineStoreWriter;
  let reader: TimelineStoreReader;
  let epoch: string;

  beforeAll(async () => {
    redis = await target.connect();
    prefix = `at:test-${randomUUID()}:`;
    keys = storeKeys(prefix);
    writer = new TimelineStoreWriter(redis, keys, RETENTION);
    reader = new TimelineStoreReader(redis, keys);
    epoch = await writer.ensureEpoch();
  });
  afterAll(async () => {
    await deleteWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('keeps the highest revision of a quarter-hour whatever order the revisions arrive in', async () => {
    expect(await writer.ensureEpoch()).toBe(epoch);
    const revisions = [row('u1', T0, 1, 100), row('u1', T0, 3, 300), row('u1', T0, 2, 200), row('u1', T0, 3, 300)];
    const result = await writer.apply(epoch, revisions.map((r) => ({ kind: 'quarterHour', row: r })));
    expect(result).toEqual({ written: 2, stale: 2, epochChanged: false });
    const [stored] = await reader.listQuarterHours({ tenant: 't1', userIds: ['u1'], from: T0, to: T0 + QH });
    expect(stored).toMatchObject({ revision: 3, servingDuration: 300, userName: 'name-u1-3' });
    expect((await reader.getAgentDirectory('t1'))['u1']).toBe('name-u1-3');
  });

  it('answers range queries by user and by time across users, [from, to)', async () => {
    await writer.apply(epoch, [row('u2', T0, 1, 5), row('u2', T0 + QH, 1, 6), row('u3', T0 + 2 * QH, 1, 7)].map((r) => ({ kind: 'quarterHour', row: r })));
    const byTime = await reader.listQuarterHours({ tenant: 't1', from: T0, to: T0 + 2 * QH });
    expect(byTime.map((r) => `${r.userId}@${(r.intervalStart - T0) / QH}`)).toEqual(['u1@0', 'u2@0', 'u2@1']);
    const byUser = await reader.listQuarterHours({ tenant: 't1', userIds: ['u3', 'u2'], from: T0 + QH, to: T0 + 3 * QH });
    expect(byUser.map((r) => `${r.userId}@${(r.intervalStart - T0) / QH}`)).toEqual(['u2@1', 'u3@2']);
  });

  it('keeps the nulls of a source that cannot supply a field, and its source; zero and null only is a deletion', async () => {
    const evo = (revision: number, serving: number): QuarterHourRow => {
      const base = row('u8', T0, revision, serving);
      const nulls = Object.fromEntries(METRIC_FIELDS.filter((f) => !EVO_KNOWN.has(f)).map((f) => [f, null]));
      return { ...base, ...nulls, source: 'evo-voice' };
    };
    await writer.apply(epoch, [{ kind: 'quarterHour', row: evo(1, 60_000) }]);
    const [stored] = await reader.listQuarterHours({ tenant: 't1', userIds: ['u8'], from: T0, to: T0 + QH });
    expect(stored).toMatchObject({ source: 'evo-voice', servingDuration: 60_000, readyDuration: 60_000, pauseDuration: null, callInDuration: null, countOfHandledCallIn: null, countOfHandledCallOut: 0 });
    await writer.apply(epoch, [{ kind: 'quarterHour', row: { ...evo(2, 0), readyDuration: 0, status: 'correction' } }]);
    expect(await reader.listQuarterHours({ tenant: 't1', userIds: ['u8'], from: T0, to: T0 + QH })).toEqual([]);
  });

  it('treats an all-zero correction as a deletion', async () => {
    await writer.apply(epoch, [{ kind: 'quarterHour', row: { ...row('u2', T0, 2, 0), readyDuration: 0, status: 'correction' } }]);
    expect((await reader.listQuarterHours({ tenant: 't1', from: T0, to: T0 + QH })).map((r) => r.userId)).toEqual(['u1']);
    expect(await redis.zcard(keys.userQuarterHours('t1', 'u2'))).toBe(1);
  });

  it('keeps segments by revision and returns those overlapping a range', async () => {
    await writer.apply(epoch, [
      { kind: 'segment', segment: segment(T0, T0 + 60_000, 2) },
      { kind: 'segment', segment: segment(T0, T0 + 30_000, 1) },
      { kind: 'segment', segment: segment(T0 + 60_000, T0 + 120_000, 1) },
    ]);
    expect((await reader.getTimeline('t1', 'u1', T0 + 10_000, T0 + 20_000)).map((s) => [s.start - T0, s.end - T0, s.revision])).toEqual([[0, 60_000, 2]]);
    expect((await reader.getTimeline('t1', 'u1', T0, T0 + 200_000)).length).toBe(2);
    expect(await reader.getTimeline('t1', 'u1', T0 + 120_000, T0 + 200_000)).toEqual([]);
  });

  it('leaves out a withdrawn segment: a zero-length revision replaces it (its session no longer has it)', async () => {
    const withdrawn = (start: number, end: number, revision: number): SegmentRow => ({ ...segment(start, end, revision), userId: 'u-withdrawn', sessionId: 'old-version' });
    await writer.apply(epoch, [{ kind: 'segment', segment: withdrawn(T0, T0 + 60_000, 1) }]);
    expect((await reader.getTimeline('t1', 'u-withdrawn', T0 - 1, T0 + 120_000)).length).toBe(1);
    await writer.apply(epoch, [{ kind: 'segment', segment: withdrawn(T0, T0, 2) }]);
    expect(await reader.getTimeline('t1', 'u-withdrawn', T0 - 1, T0 + 120_000)).toEqual([]);
  });

  it('keeps the newest agent state (asOf), preferring a logged-in session at equal asOf', async () => {
    await writer.apply(epoch, [{ kind: 'agentState', state: state(T0 + 2, true) }, { kind: 'agentState', state: state(T0 + 1, false) }, { kind: 'agentState', state: state(T0 + 2, false, 's0') }]);
    expect(await reader.getAgentStates('t1')).toMatchObject([{ userId: 'u1', loggedIn: true, sessionId: 's1', asOf: T0 + 2 }]);
    expect(await reader.getAgentStates('t1', ['nobody'])).toEqual([]);
  });

  it('reports completeness as the lowest partition watermark once every partition has one', async () => {
    await writer.raiseWatermark('t1', 0, T0 + 100, 2);
    expect((await reader.getWatermark('t1')).upTo).toBeNull();
    await writer.raiseWatermark('t1', 1, T0 + 50, 2);
    await writer.raiseWatermark('t1', 1, T0 + 10, 2);
    expect(await reader.getWatermark('t1')).toEqual({ upTo: T0 + 50, partitions: { '0': T0 + 100, '1': T0 + 50 }, expectedPartitions: 2 });
  });

  it('writes nothing once the data epoch is gone (Redis lost its data) and starts a new epoch', async () => {
    await redis.del(keys.epoch);
    const result = await writer.apply(epoch, [{ kind: 'quarterHour', row: row('u9', T0, 1, 1) }]);
    expect(result.epochChanged).toBe(true);
    expect(await redis.exists(keys.quarterHour('t1', 'u9', T0))).toBe(0);
    const next = await writer.ensureEpoch();
    expect(next).not.toBe(epoch);
    expect((await writer.apply(next, [{ kind: 'quarterHour', row: row('u9', T0, 1, 1) }])).written).toBe(1);
  });
});
