import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreFixture } from './support/http-fixture.ts';
import { storeCompleteProbe } from '../../src/cli/serve-command.ts';
import { ProcessorReadinessStore } from '../../src/state/processor-readiness-store.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import type { ProcessorReadinessRecord } from '../../src/state/store-types.ts';
import { createStoreFixture, LATENESS_MS, qh, rowsOf, segment, TENANT, testServer, USER_A, USER_B } from './support/http-fixture.ts';

const Q = 900_000;
const T0 = Date.UTC(2024, 0, 15);
const RANGE = 'startTime=2024-01-15T00:00:00Z&endTime=2024-01-15T02:00:00Z';
const GROUP = 'fixture-processor';

let store: StoreFixture;

beforeAll(async () => {
  store = await createStoreFixture();
  await store.quarterHours(Array.from({ length: 8 }, (_, k) => qh(USER_A, T0 + k * Q, 1000, k < 2 ? { revision: 2, status: 'final', final: true } : {})));
});

afterAll(async () => store?.close());

describe('completeness in responses', () => {
  it('omits the watermark until every input partition has one', async () => {
    const app = testServer(store.reader);
    const none = await app.inject(`/agentStatistic?${RANGE}`);
    expect(none.headers['x-watermark']).toBeUndefined();
    expect(none.headers['x-data-complete-up-to']).toBeUndefined();
    expect(none.headers['x-watermark-partitions']).toBe('0/?');
    expect(none.headers['x-allowed-lateness-ms']).toBe(String(LATENESS_MS));
    await app.close();
  });

  it('reports upTo and the final point, and per row final/revision/status on request', async () => {
    await store.watermark(T0 + 4 * Q + LATENESS_MS, 2);
    const app = testServer(store.reader);
    const response = await app.inject(`/agentStatistic?${RANGE}&showCompleteness=true&sort=intervalStart`);
    expect(response.headers['x-watermark']).toBe(new Date(T0 + 4 * Q + LATENESS_MS).toISOString());
    expect(response.headers['x-data-complete-up-to']).toBe('2024-01-15T01:00:00.000Z');
    expect(response.headers['x-watermark-partitions']).toBe('2/2');
    const rows = rowsOf(response.body);
    expect(rows.map((r) => r['final'])).toEqual([true, true, true, true, false, false, false, false]);
    expect(rows[0]).toMatchObject({ revision: 2, status: 'final' });
    expect(rows[5]).toMatchObject({ revision: 1, status: 'provisional' });
    const hours = rowsOf((await app.inject(`/agentStatistic?${RANGE}&timeCategory=hour&showCompleteness=true`)).body);
    expect(hours.map((h) => [h['timeCategory'], h['final']])).toEqual([['2024-01-15T00:00:00.000Z', true], ['2024-01-15T01:00:00.000Z', false]]);
    expect(hours[0]).not.toHaveProperty('revision');
    const day = rowsOf((await app.inject(`/agentStatistic?startTime=2024-01-15T00:00:00Z&endTime=2024-01-15T01:00:00Z&timeCategory=day&showCompleteness=true`)).body);
    expect(day[0]).toMatchObject({ final: true, servingDuration: 4000 });
    const plain = rowsOf((await app.inject(`/agentStatistic?${RANGE}`)).body);
    expect(plain[0]).not.toHaveProperty('final');
    await app.close();
  });

  it('is absent while a partition of the expected count has no watermark', async () => {
    const fresh = await createStoreFixture();
    await fresh.quarterHours([qh(USER_A, T0, 1000)]);
    await fresh.watermark(T0 + 8 * Q, 1);
    const app = testServer(fresh.reader);
    const complete = await app.inject(`/agentStatistic?${RANGE}`);
    expect(complete.headers['x-watermark-partitions']).toBe('1/1');
    expect(complete.headers['x-watermark']).toBe('2024-01-15T02:00:00.000Z');
    await fresh.raiseWatermarkOf(1, T0 + 9 * Q, 3);
    const partial = await app.inject(`/agentStatistic?${RANGE}`);
    expect(partial.headers['x-watermark-partitions']).toBe('2/3');
    expect(partial.headers['x-watermark']).toBeUndefined();
    expect(partial.headers['x-data-complete-up-to']).toBeUndefined();
    await app.close();
    await fresh.close();
  });

  /** A fixture with eight quarter-hours and a segment of USER_A, complete up to 01:00, and a server over it. */
  async function completeStore() {
    const fixture = await createStoreFixture();
    await fixture.quarterHours(Array.from({ length: 8 }, (_, k) => qh(USER_A, T0 + k * Q, 1000, { revision: 2, status: 'final', final: true })));
    await fixture.write([{ kind: 'segment', segment: segment(USER_A, T0, T0 + Q) }]);
    await fixture.watermark(T0 + 4 * Q + LATENESS_MS, 1);
    const app = testServer(fixture.reader, { probes: [storeCompleteProbe(fixture.reader, TENANT, GROUP)] });
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    const hours = await app.inject(`/agentStatistic?${RANGE}&timeCategory=hour&showCompleteness=true`);
    expect(hours.headers['x-data-complete-up-to']).toBe('2024-01-15T01:00:00.000Z');
    expect(hours.headers['x-data-incomplete']).toBeUndefined();
    expect(rowsOf(hours.body).map((h) => h['final'])).toEqual([true, false]);
    return { fixture, app, keys: storeKeys(fixture.prefix) };
  }

  it('says incomplete while Redis is rebuilding: no watermark headers, no final roll-up, 503 instead of an unknown user', async () => {
    for (const lost of ['epoch', 'canary', 'tenantEpoch'] as const) {
      const { fixture, app, keys } = await completeStore();
      await fixture.redis.del(lost === 'tenantEpoch' ? keys.tenantEpoch(TENANT) : keys[lost]);
      const hours = await app.inject(`/agentStatistic?${RANGE}&timeCategory=hour&showCompleteness=true`);
      expect(hours.headers['x-data-incomplete'], lost).toBe('rebuilding');
      expect(hours.headers['x-watermark']).toBeUndefined();
      expect(hours.headers['x-data-complete-up-to']).toBeUndefined();
      expect(rowsOf(hours.body).map((h) => h['final'])).toEqual([false, false]);
      const status = await app.inject('/agentStatus');
      expect(status.headers['x-data-incomplete']).toBe('rebuilding');
      const unknown = await app.inject(`/agents/${USER_B}/timeline?${RANGE}`);
      expect(unknown.statusCode).toBe(503);
      expect(unknown.body).toMatch(/incomplete/);
      const ready = await app.inject('/readyz');
      expect([ready.statusCode, ready.body]).toEqual([503, expect.stringMatching(/^not ready: redis-store\nredis-store: FAILED \(rebuilding: /) as unknown]);
      await app.close();
      await fixture.close();
    }
  });

  it('marks an answer with indexed rows missing as incomplete and reports the find to the sink', async () => {
    const { fixture, app, keys } = await completeStore();
    await fixture.redis.del(keys.quarterHour(TENANT, USER_A, T0 + Q));
    await fixture.redis.hdel(keys.segmentData(TENANT, USER_A), `S-${USER_A}|${T0}`);
    const day = await app.inject(`/agentStatistic?${RANGE}&timeCategory=day&showCompleteness=true`);
    expect(day.headers['x-data-incomplete']).toBe('rows-missing');
    expect(day.headers['x-data-complete-up-to']).toBeUndefined();
    expect(rowsOf(day.body)[0]).toMatchObject({ final: false, servingDuration: 7000 });
    const epoch = await fixture.redis.get(keys.epoch);
    await expect.poll(() => fixture.redis.get(keys.lossReported)).toBe(epoch);
    await fixture.redis.del(keys.lossReported);
    const timeline = await app.inject(`/agents/${USER_A}/timeline?${RANGE}`);
    expect([timeline.statusCode, timeline.headers['x-data-incomplete']]).toEqual([200, 'rows-missing']);
    await app.close();
    await fixture.close();
  });

  it('is not ready while the processor holds a watermark the sinks have not confirmed (rows back, watermark hash lost)', async () => {
    const { fixture, app, keys } = await completeStore();
    const processors = new ProcessorReadinessStore(fixture.redis, keys);
    const processor = (watermarked: Record<string, number[]>): ProcessorReadinessRecord => ({
      groupId: GROUP, instanceId: 'p1', assigned: [0], restored: [0], restoreMs: {}, watermarked, expectedPartitions: 1, startedAt: 0, updatedAt: Date.now(),
    });
    await processors.publish(processor({ [TENANT]: [0] }));
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    // Redis lost the watermark hash; the sink has every output partition back, but read no watermark to confirm.
    await fixture.redis.del(keys.watermark(TENANT));
    await fixture.confirm();
    const timeline = await app.inject(`/agents/${USER_A}/timeline?${RANGE}`);
    expect([timeline.statusCode, timeline.headers['x-data-incomplete']]).toEqual([200, 'no-watermark']);
    expect((JSON.parse(timeline.body) as { segments: { final: boolean }[] }).segments.map((s) => s.final)).toEqual([false]);
    const ready = await app.inject('/readyz');
    expect([ready.statusCode, ready.body]).toEqual([
      503,
      expect.stringMatching(/^not ready: redis-store\nredis-store: FAILED \(no-watermark: the processor holds a watermark of tenant default on all 1 input partitions, but the Redis sinks have not confirmed/) as unknown,
    ]);
    // A processor that holds no watermark (nothing processed yet) does not hold the store back, as in a new store.
    await processors.publish(processor({}));
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    // The processor re-asserts its watermark and the sink confirms it: ready, and the answer is complete again.
    await processors.publish(processor({ [TENANT]: [0] }));
    await fixture.watermark(T0 + 4 * Q + LATENESS_MS, 1);
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    const again = await app.inject(`/agents/${USER_A}/timeline?${RANGE}`);
    expect([again.headers['x-data-incomplete'], again.headers['x-data-complete-up-to']]).toEqual([undefined, '2024-01-15T01:00:00.000Z']);
    expect((JSON.parse(again.body) as { segments: { final: boolean }[] }).segments.map((s) => s.final)).toEqual([true]);
    await app.close();
    await fixture.close();
  });

  it('says no-sink when no Redis sink confirms the rows, whatever the processor watermark says', async () => {
    const { fixture, app, keys } = await completeStore();
    await fixture.redis.del(keys.sink('fixture-sink'));
    const hours = await app.inject(`/agentStatistic?${RANGE}&timeCategory=hour&showCompleteness=true`);
    expect(hours.headers['x-data-incomplete']).toBe('no-sink');
    expect(hours.headers['x-watermark-partitions']).toBe('1/1');
    expect(hours.headers['x-data-complete-up-to']).toBeUndefined();
    expect(rowsOf(hours.body).map((h) => h['final'])).toEqual([false, false]);
    expect((await app.inject('/readyz')).body).toMatch(/redis-store: FAILED \(no-sink: /);
    await app.close();
    await fixture.close();
  });
});
