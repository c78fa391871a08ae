/**
 * GET /agentHistory answers what the core roll-ups answer, split by profile and campaign (docs/http-api.md,
 * "/agentHistory"): for every timeCategory in UTC, with showProfile and showCampaign in all four combinations, a
 * campaignId filter and showUser=false; the same from the UTC day aggregates as from the quarter-hours alone; and
 * profileId is refused with the reason. Expectations are built here from the replay's rows and breakdowns (core),
 * grouped by test code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../src/core/replay/replay.ts';
import type { AgentStatisticRow } from '../../src/core/replay/replay.ts';
import { TIME_CATEGORIES } from '../../src/core/rollup/period.ts';
import { METRIC_FIELDS } from '../../src/core/statistic/agent-statistic-fields.ts';
import type { MetricField } from '../../src/core/statistic/agent-statistic-fields.ts';
import { parseTimestamp } from '../../src/core/time/timestamp.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import type { QuarterHourRow } from '../../src/state/store-types.ts';
import { sinchAgentStatusHistoryAdapter } from '../../src/vendors/sinch/agent-status-history-adapter.ts';
import { generateRawHistory } from '../processor/support/raw-history.ts';
import type { StoreFixture } from './support/http-fixture.ts';
import { createStoreFixture, rowsOf, TENANT, testServer } from './support/http-fixture.ts';
import { expectSameAsFullyFormatted } from './support/fully-formatted.ts';

const START = Date.UTC(2024, 9, 24, 6);
const records = generateRawHistory({ seed: 23, agents: 4, start: START, spanMs: 9 * 86_400_000, sessionsPerAgent: 9 });
const quarterRows = replay(records, sinchAgentStatusHistoryAdapter, { breakdown: true }).rows;
const LIMITS = { requestLimits: { maxQueryDays: 62 } };
const RANGE = 'startTime=2024-10-01T00:00:00Z&endTime=2024-11-30T00:00:00Z';

function stored(row: AgentStatisticRow): QuarterHourRow {
  const metrics = Object.fromEntries(METRIC_FIELDS.map((field) => [field, row[field]])) as Record<MetricField, number | null>;
  return {
    ...metrics,
    tenant: TENANT, source: 'sinch-rai', userId: row.userId, userName: row.userName, intervalStart: parseTimestamp(row.intervalStart), intervalEnd: parseTimestamp(row.intervalEnd),
    revision: 1, status: 'final', final: true, maxChangeTimestamp: parseTimestamp(row.maxChangeTimestamp),
    breakdown: (row.breakdown ?? []).map((part) => ({ profile: part.profile, profileReason: part.profileReason, campaignId: part.campaignId, ...part.metrics })),
  };
}

interface Show {
  readonly profile: boolean;
  readonly campaign: boolean;
  readonly campaignId?: string;
}

/** The expected answer: each replay row split into its parts, grouped by what is shown, by test code. */
function expectedRows(category: string, show: Show): Record<string, unknown>[] {
  const rows = replay(records, sinchAgentStatusHistoryAdapter, { timeCategory: category === 'null' ? 'all' : (category as 'day'), breakdown: true }).rows;
  const out: Record<string, unknown>[] = [];
  for (const row of rows) {
    const groups = new Map<string, Record<string, unknown>>();
    for (const part of row.breakdown ?? []) {
      if (show.campaignId !== undefined && part.campaignId !== show.campaignId) continue;
      const dims: Record<string, unknown> = {};
      if (show.profile) Object.assign(dims, { profileId: null, profileName: part.profile, profileReason: part.profileReason });
      if (show.campaign) Object.assign(dims, { campaignId: part.campaignId, campaignName: null });
      const key = JSON.stringify(dims);
      let group = groups.get(key);
      if (group === undefined) {
        const { breakdown: _b, timeCategory, ...labels } = row;
        group = { ...labels, ...(category === 'null' ? {} : { timeCategory }), ...dims };
        for (const field of METRIC_FIELDS) group[field] = 0;
        groups.set(key, group);
      }
      for (const field of METRIC_FIELDS) group[field] = part.metrics[field] === null ? null : (group[field] as number) + part.metrics[field];
    }
    for (const group of groups.values()) if (METRIC_FIELDS.some((field) => typeof group[field] === 'number' && group[field] !== 0)) out.push(group);
  }
  return out;
}

const order = (a: Record<string, unknown>, b: Record<string, unknown>): number =>
  JSON.stringify([a['userId'], a['intervalStart'], a['profileName'], a['profileReason'], a['campaignId']]).localeCompare(JSON.stringify([b['userId'], b['intervalStart'], b['profileName'], b['profileReason'], b['campaignId']]));

let aggregated: StoreFixture;
let plain: StoreFixture;

beforeAll(async () => {
  aggregated = await createStoreFixture({ dayZones: ['UTC'] });
  plain = await createStoreFixture();
  const rows = quarterRows.map(stored);
  for (let i = 0; i < rows.length; i += 97) await aggregated.quarterHours(rows.slice(i, i + 97));
  await plain.quarterHours(rows);
});

afterAll(async () => {
  await aggregated?.close();
  await plain?.close();
});

describe('GET /agentHistory', () => {
  it('has profiles and a campaign to split by', () => {
    const parts = quarterRows.flatMap((row) => row.breakdown ?? []);
    expect(new Set(parts.map((part) => part.profile)).size).toBeGreaterThan(2);
    expect(parts.some((part) => part.campaignId === 'campaign-1')).toBe(true);
    expect(quarterRows.filter((row) => (row.breakdown ?? []).length > 1).length).toBeGreaterThan(20);
  });

  const shows: Show[] = [{ profile: false, campaign: false }, { profile: true, campaign: false }, { profile: false, campaign: true }, { profile: true, campaign: true }];
  for (const show of shows) {
    it(`equals the core roll-ups split by ${show.profile ? 'profile' : ''}${show.campaign ? ' campaign' : ''}${!show.profile && !show.campaign ? 'nothing' : ''}, every timeCategory in UTC`, async () => {
      const app = testServer(aggregated.reader, LIMITS);
      for (const category of ['null', ...TIME_CATEGORIES]) {
        const response = await app.inject(`/agentHistory?${RANGE}&timeCategory=${category}&showProfile=${show.profile}&showCampaign=${show.campaign}&limit=10000`);
        expect(response.statusCode, response.body).toBe(200);
        expect(rowsOf(response.body).sort(order), category).toEqual(expectedRows(category, show).sort(order));
      }
      await app.close();
    });
  }

  it('counts only the campaigns asked for with campaignId', async () => {
    const app = testServer(aggregated.reader, LIMITS);
    for (const category of ['null', 'day', 'quarterHour']) {
      const response = await app.inject(`/agentHistory?${RANGE}&timeCategory=${category}&campaignId=campaign-1&showProfile=true&limit=10000`);
      expect(response.statusCode, response.body).toBe(200);
      const expected = expectedRows(category, { profile: true, campaign: false, campaignId: 'campaign-1' });
      expect(expected.length).toBeGreaterThan(0);
      expect(rowsOf(response.body).sort(order), category).toEqual(expected.sort(order));
    }
    await app.close();
  });

  it('answers the same from the UTC day aggregates as from the quarter-hours, inside days and over users', async () => {
    const fast = testServer(aggregated.reader, LIMITS);
    const slow = testServer(plain.reader, LIMITS);
    const user = quarterRows[0]!.userId;
    for (const [from, to] of [['2024-10-24T07:45:00Z', '2024-11-01T13:30:00Z'], ['2024-10-26T21:00:00Z', '2024-10-29T00:00:00Z']]) {
      for (const category of ['null', 'day', 'week', 'month', 'all']) {
        for (const extra of ['', '&showProfile=true&showCampaign=true', '&showUser=false&showCampaign=true', `&userId=${user}&showProfile=true`, '&profileName=Office&showProfile=true']) {
          const url = `/agentHistory?startTime=${from}&endTime=${to}&timeCategory=${category}&limit=10000${extra}`;
          const [a, b] = await Promise.all([fast.inject(url), slow.inject(url)]);
          expect(a.statusCode, a.body).toBe(200);
          expect(JSON.parse(a.body), url).toEqual(JSON.parse(b.body));
        }
      }
    }
    await fast.close();
    await slow.close();
  });

  it('pages sorted by a field known before formatting exactly as when every row is formatted (a match-all filter forces that)', async () => {
    const app = testServer(aggregated.reader, LIMITS);
    for (const sort of ['maxChangeTimestamp', '-maxChangeTimestamp', 'userId', '-userName', 'intervalStart', 'timeCategory', 'profileName,LOCALE-fi', '-profileReason', 'campaignId', '-servingDuration']) {
      for (const [offset, limit] of [[0, 10_000], [30, 25]] as const) {
        for (const extra of ['&timeCategory=day&showProfile=true&showCampaign=true', '&timeCategory=week&showUser=false&showCampaign=true', '&timeCategory=null&showProfile=true']) {
          await expectSameAsFullyFormatted(app, `/agentHistory?startTime=2024-10-24T07:45:00Z&endTime=2024-11-01T13:30:00Z${extra}&sort=${sort}&offset=${offset}&limit=${limit}`);
        }
      }
    }
    await app.close();
  });

  it('reads whole UTC days from the aggregates: a changed breakdown there changes the answer (so the test above can fail)', async () => {
    const key = storeKeys(aggregated.prefix).dayAggregates(TENANT, 'UTC', '2024-10-27');
    const user = quarterRows[0]!.userId;
    const value = await aggregated.redis.hget(key, user);
    expect(value).toContain('\n');
    const url = `/agentHistory?startTime=2024-10-27T00:00:00Z&endTime=2024-10-28T00:00:00Z&timeCategory=day&userId=${user}&showProfile=true&limit=10000`;
    const app = testServer(aggregated.reader, LIMITS);
    const before = await app.inject(url);
    await aggregated.redis.hset(key, user, value!.replace(/\n\[\["(.*?)",\[(\d+)/, (_, part: string, n: string) => `\n[["${part}",[${Number(n) + 1}`));
    const after = await testServer(aggregated.reader, LIMITS).inject(url);
    await aggregated.redis.hset(key, user, value!);
    expect(after.statusCode).toBe(200);
    expect(after.body).not.toEqual(before.body);
    await app.close();
  });

  it('refuses profileId (ids are unknown) and a missing endTime, with the reason', async () => {
    const app = testServer(aggregated.reader, LIMITS);
    const refused = await app.inject('/agentHistory?startTime=2024-10-27T00:00:00Z&endTime=2024-10-28T00:00:00Z&profileId=02770429F80BDF1191AD001CC4D98816');
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toMatch(/profileId.*no profile ids/);
    const noEnd = await app.inject('/agentHistory?startTime=2024-10-27T00:00:00Z');
    expect(noEnd.statusCode).toBe(400);
    expect(noEnd.body).toMatch(/endTime/);
    await app.close();
  });
});
