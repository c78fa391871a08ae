/**
 * The cache of finished /agentStatistic answers (src/http/answer-cache.ts): a repeated request is answered without
 * reading the rows again, byte for byte the same; any write of the tenant's data (a new revision) or any change of
 * its completeness (a raised watermark, another sink instance) is a new key, so a cached answer is never served after
 * either changed.
 */
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimelineReader } from '../../src/http/server-deps.ts';
import type { StoreFixture } from './support/http-fixture.ts';
import { createStoreFixture, qh, rowsOf, TENANT, testServer, USER_A, USER_B } from './support/http-fixture.ts';
import { SinkProgressStore } from '../../src/state/sink-progress-store.ts';
import { storeKeys } from '../../src/state/store-keys.ts';

const T = Date.UTC(2024, 4, 31, 22);
const URL_DAY = '/agentStatistic?startTime=2024-05-31T22:00:00Z&endTime=2024-06-01T22:00:00Z&timeCategory=day&timeZone=Europe/Helsinki';

let store: StoreFixture;
let rowReads = 0;
let reader: TimelineReader;

beforeAll(async () => {
  store = await createStoreFixture({ dayZones: ['Europe/Helsinki'] });
  await store.quarterHours([qh(USER_A, T, 60_000), qh(USER_A, T + 900_000, 60_000), qh(USER_B, T + 3_600_000, 30_000)]);
  await store.watermark(T + 7_200_000);
  const real = store.reader;
  reader = {
    readQuarterHours: (query) => { rowReads++; return real.readQuarterHours(query); },
    readDays: (...args) => { rowReads++; return real.readDays(...args); },
    readDataRevision: (tenant) => real.readDataRevision(tenant),
    oldestWholeDay: () => real.oldestWholeDay(),
    readAgentStates: (...args) => real.readAgentStates(...args),
    readTimeline: (...args) => real.readTimeline(...args),
    getCompleteness: (tenant) => real.getCompleteness(tenant),
    readAnswerBasis: (tenant) => real.readAnswerBasis(tenant),
    reportMissingRows: (epoch) => real.reportMissingRows(epoch),
    getAgentDirectory: (tenant) => real.getAgentDirectory(tenant),
  };
});

afterAll(async () => store?.close());

describe('the answer cache', () => {
  it('answers a repeated request without reading the rows, with the same body and headers', async () => {
    const app = testServer(reader, { answerCacheBytes: 1_048_576 });
    const first = await app.inject(URL_DAY);
    const reads = rowReads;
    const second = await app.inject(URL_DAY);
    expect(rowReads).toBe(reads);
    expect(second.body).toBe(first.body);
    expect(second.headers['x-total-count']).toBe(first.headers['x-total-count']);
    expect(second.headers['x-watermark']).toBe(first.headers['x-watermark']);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(rowsOf(first.body).map((row) => row['servingDuration'])).toEqual([120_000, 30_000]);
    await app.close();
  });

  it('reads again after a write of the tenant data, and answers the new data', async () => {
    const app = testServer(reader, { answerCacheBytes: 1_048_576 });
    await app.inject(URL_DAY);
    await store.quarterHours([qh(USER_B, T + 4_500_000, 15_000)]);
    const reads = rowReads;
    const after = await app.inject(URL_DAY);
    expect(rowReads).toBeGreaterThan(reads);
    expect(rowsOf(after.body).map((row) => row['servingDuration'])).toEqual([120_000, 45_000]);
    await app.close();
  });

  it('reads again when the completeness changed (a raised watermark), and reports it', async () => {
    const app = testServer(reader, { answerCacheBytes: 1_048_576 });
    const before = await app.inject(URL_DAY);
    await store.watermark(T + 10_800_000);
    const reads = rowReads;
    const after = await app.inject(URL_DAY);
    expect(rowReads).toBeGreaterThan(reads);
    expect(after.headers['x-watermark']).not.toBe(before.headers['x-watermark']);
    await app.close();
  });

  it('reads again when the sink instance confirming the data was replaced by one confirming less, and reports that', async () => {
    const app = testServer(reader, { answerCacheBytes: 1_048_576 });
    const before = await app.inject(URL_DAY);
    const sinks = new SinkProgressStore(store.redis, storeKeys(store.prefix));
    const [confirming] = await sinks.read();
    await sinks.remove(confirming!.instanceId);
    await sinks.publish({ ...confirming!, instanceId: 'replacement-sink', watermarks: { [TENANT]: T + 900_000 } }, 3_600_000);
    const reads = rowReads;
    const after = await app.inject(URL_DAY);
    expect(rowReads).toBeGreaterThan(reads);
    expect(before.headers['x-watermark']).not.toBe('2024-05-31T22:15:00.000Z');
    expect(after.headers['x-watermark']).toBe('2024-05-31T22:15:00.000Z');
    await store.confirm();
    await sinks.remove('replacement-sink');
    await app.close();
  });

  it('answers gzip to a client that accepts it, the same JSON; identity to one that refuses it', async () => {
    const app = testServer(reader, { answerCacheBytes: 1_048_576 });
    const plain = await app.inject(URL_DAY);
    for (const round of [1, 2]) {
      const zipped = await app.inject({ url: URL_DAY, headers: { 'accept-encoding': 'br, gzip;q=0.8' } });
      expect(zipped.headers['content-encoding'], `round ${round}`).toBe('gzip');
      expect(zipped.headers['vary']).toMatch(/accept-encoding/i);
      expect(gunzipSync(zipped.rawPayload).toString('utf8')).toBe(plain.body);
    }
    const refused = await app.inject({ url: URL_DAY, headers: { 'accept-encoding': 'gzip;q=0, identity' } });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body).toBe(plain.body);
    await app.close();
  });

  it('is off with size 0: every request reads the rows', async () => {
    const app = testServer(reader, { answerCacheBytes: 0 });
    await app.inject(URL_DAY);
    const reads = rowReads;
    await app.inject(URL_DAY);
    expect(rowReads).toBeGreaterThan(reads);
    await app.close();
  });
});
