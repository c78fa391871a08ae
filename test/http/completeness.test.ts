import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreFixture } from './support/http-fixture.ts';
import { createStoreFixture, LATENESS_MS, qh, rowsOf, testServer, USER_A } from './support/http-fixture.ts';

const Q = 900_000;
const T0 = Date.UTC(2024, 0, 15);
const RANGE = 'startTime=2024-01-15T00:00:00Z&endTime=2024-01-15T02:00:00Z';

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
});
