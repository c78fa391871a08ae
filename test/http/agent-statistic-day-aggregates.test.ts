/**
 * GET /agentStatistic read from the day aggregates (docs/redis.md, "Day aggregates") answers exactly what the core
 * roll-ups answer: for every timeCategory, in UTC, Europe/Helsinki, Asia/Kolkata (+05:30) and America/St_Johns
 * (−03:30/−02:30, DST on 2024-11-03), over ranges that are whole local days and ranges that start and end inside a
 * day, per user and summed over users, for all users and a userId filter. The data spans the end of DST in Helsinki
 * (2024-10-27) and in St. John's (2024-11-03).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../src/core/replay/replay.ts';
import type { AgentStatisticRow } from '../../src/core/replay/replay.ts';
import { TIME_CATEGORIES } from '../../src/core/rollup/period.ts';
import { METRIC_FIELDS } from '../../src/core/statistic/agent-statistic-fields.ts';
import { parseTimestamp } from '../../src/core/time/timestamp.ts';
import { canonicalTimeZone } from '../../src/http/query-values.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import type { QuarterHourRow } from '../../src/state/store-types.ts';
import { sinchAgentStatusHistoryAdapter } from '../../src/vendors/sinch/agent-status-history-adapter.ts';
import { generateRawHistory } from '../processor/support/raw-history.ts';
import type { StoreFixture } from './support/http-fixture.ts';
import { createStoreFixture, rowsOf, TENANT, testServer } from './support/http-fixture.ts';
import { expectSameAsFullyFormatted } from './support/fully-formatted.ts';

const ZONES = ['UTC', 'Europe/Helsinki', 'Asia/Kolkata', 'America/St_Johns'] as const;
const START = Date.UTC(2024, 9, 24, 6);
const records = generateRawHistory({ seed: 11, agents: 5, start: START, spanMs: 13 * 86_400_000, sessionsPerAgent: 13 });
const quarterRows = replay(records, sinchAgentStatusHistoryAdapter).rows;
/** The categories made of whole days, which the day aggregates serve (quarterHour and hour always read quarter-hours). */
const DAY_MULTIPLES = ['day', 'week', 'month', 'year', 'all'] as const;
const LIMITS = { requestLimits: { maxQueryDays: 62 } };

function stored(row: AgentStatisticRow): QuarterHourRow {
  const metrics = Object.fromEntries(METRIC_FIELDS.map((field) => [field, row[field]]));
  return {
    ...(metrics as Record<(typeof METRIC_FIELDS)[number], number | null>),
    tenant: TENANT, source: 'sinch-rai', userId: row.userId, userName: row.userName, intervalStart: parseTimestamp(row.intervalStart), intervalEnd: parseTimestamp(row.intervalEnd),
    revision: 1, status: 'final', final: true, maxChangeTimestamp: parseTimestamp(row.maxChangeTimestamp),
  };
}

const byUserAndStart = (a: Record<string, unknown>, b: Record<string, unknown>): number =>
  String(a['userId']).localeCompare(String(b['userId'])) || String(a['intervalStart']).localeCompare(String(b['intervalStart']));

let aggregated: StoreFixture;
let plain: StoreFixture;

beforeAll(async () => {
  aggregated = await createStoreFixture({ dayZones: ZONES });
  plain = await createStoreFixture();
  const rows = quarterRows.map(stored);
  // in batches, as the sink writes them: the day aggregates are recomputed after each one
  for (let i = 0; i < rows.length; i += 97) await aggregated.quarterHours(rows.slice(i, i + 97));
  await plain.quarterHours(rows);
});

afterAll(async () => {
  await aggregated?.close();
  await plain?.close();
});

describe('GET /agentStatistic over the day aggregates', () => {
  it('has data on both DST changes and day aggregates for every zone', async () => {
    expect(quarterRows.some((row) => row.intervalStart.startsWith('2024-10-27'))).toBe(true);
    expect(quarterRows.some((row) => row.intervalStart.startsWith('2024-11-03'))).toBe(true);
    for (const zone of ZONES) expect((await aggregated.redis.keys(storeKeys(aggregated.prefix).dayAggregates(TENANT, canonicalTimeZone(zone) ?? zone, '*').replace(/[{}]/g, '\\$&'))).length, zone).toBeGreaterThan(10);
  });

  for (const zone of ZONES) {
    it(`equals the core replay's roll-ups for every timeCategory in ${zone}`, async () => {
      const app = testServer(aggregated.reader, LIMITS);
      for (const category of TIME_CATEGORIES) {
        const response = await app.inject(`/agentStatistic?startTime=2024-10-01T00:00:00Z&endTime=2024-11-30T00:00:00Z&timeCategory=${category}&timeZone=${zone}&limit=10000`);
        expect(response.statusCode, response.body).toBe(200);
        const expected = replay(records, sinchAgentStatusHistoryAdapter, { timeCategory: category, timeZone: zone }).rows.map((row) => ({ ...row }));
        expect(rowsOf(response.body).sort(byUserAndStart), `${category} in ${zone}`).toEqual(expected.sort(byUserAndStart));
      }
      await app.close();
    });

    it(`equals the quarter-hour read for ranges inside days, summed over users and filtered by user, in ${zone}`, async () => {
      const fast = testServer(aggregated.reader, LIMITS);
      const slow = testServer(plain.reader, LIMITS);
      const user = quarterRows[0]!.userId;
      const ranges = [['2024-10-24T07:45:00Z', '2024-11-05T13:30:00Z'], ['2024-10-26T21:00:00Z', '2024-10-28T03:15:00Z'], ['2024-11-02T02:30:00Z', '2024-11-04T18:30:00Z']];
      for (const [from, to] of ranges) {
        for (const category of DAY_MULTIPLES) {
          for (const extra of ['', '&showUser=false', `&userId=${user}`, '&showCompleteness=true']) {
            const url = `/agentStatistic?startTime=${from}&endTime=${to}&timeCategory=${category}&timeZone=${zone}&limit=10000${extra}`;
            const [a, b] = await Promise.all([fast.inject(url), slow.inject(url)]);
            expect(a.statusCode, a.body).toBe(200);
            expect(JSON.parse(a.body), url).toEqual(JSON.parse(b.body));
          }
        }
      }
      await fast.close();
      await slow.close();
    });
  }

  it('pages sorted by a field known before formatting exactly as when every row is formatted (a match-all filter forces that)', async () => {
    const app = testServer(aggregated.reader, LIMITS);
    const user = quarterRows[0]!.userId;
    for (const sort of ['maxChangeTimestamp', '-maxChangeTimestamp', 'userId', '-userName', 'intervalStart', '-intervalEnd', 'timeCategory', 'userName,LOCALE-fi', '-servingDuration']) {
      for (const [offset, limit] of [[0, 10_000], [40, 25]] as const) {
        for (const extra of ['&timeCategory=day', '&timeCategory=week&showUser=false', `&timeCategory=day&userId=${user}`, '&timeCategory=null']) {
          await expectSameAsFullyFormatted(app, `/agentStatistic?startTime=2024-10-24T07:45:00Z&endTime=2024-11-05T13:30:00Z&timeZone=Europe/Helsinki${extra}&sort=${sort}&offset=${offset}&limit=${limit}`);
        }
      }
    }
    await app.close();
  });

  it('reads whole days from the aggregates: a changed aggregate changes the answer (so the test above can fail)', async () => {
    const key = storeKeys(aggregated.prefix).dayAggregates(TENANT, 'Asia/Calcutta', '2024-10-30');
    const user = quarterRows[0]!.userId;
    const value = await aggregated.redis.hget(key, user);
    expect(value).not.toBeNull();
    const tampered = value!.replace(/"v":\[(\d+)/, (_, n: string) => `"v":[${Number(n) + 1}`);
    await aggregated.redis.hset(key, user, tampered);
    const app = testServer(aggregated.reader, LIMITS);
    const url = `/agentStatistic?startTime=2024-10-29T18:30:00Z&endTime=2024-10-30T18:30:00Z&timeCategory=day&timeZone=Asia/Kolkata&userId=${user}`;
    const answer = rowsOf((await app.inject(url)).body);
    const expected = replay(records, sinchAgentStatusHistoryAdapter, { timeCategory: 'day', timeZone: 'Asia/Kolkata' }).rows.find((row) => row.userId === user && row.timeCategory === '2024-10-30');
    expect(answer[0]?.['servingDuration']).toBe((expected?.servingDuration ?? 0) + 1);
    await aggregated.redis.hset(key, user, value!);
    await app.close();
  });
});
