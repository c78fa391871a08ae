import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../../../../src/core/replay/replay.ts';
import type { RunningSimulator } from '../../../../../src/vendors/sinch/simulator/index.ts';
import { generateGroundTruth } from '../../../../../src/vendors/sinch/simulator/index.ts';
import { FROM, get, rows, simulator, TO } from '../support.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../../../src/vendors/sinch/agent-status-history-adapter.ts';
import { known } from '../../../../support/known-metrics.ts';
import { ALL_PROFILES, CAMPAIGNS, PROFILES } from '../../../../../src/vendors/sinch/simulator/model/catalog.ts';
import { truthRecords } from '../../../../../src/vendors/sinch/simulator/index.ts';
import { TRUTH_FIELDS } from '../../../../e2e/support/truth-statistics.ts';
import { truthHistory, truthHistoryKey } from '../../../../e2e/support/truth-history.ts';
import { HISTORY_METRICS } from '../../../../../src/vendors/sinch/simulator/http/endpoints/agent-statistic-endpoints.ts';

const HISTORY_METRIC_NAMES: readonly string[] = HISTORY_METRICS;

const STAT = '/agentStatistic';
const HIST = '/agentHistory';
let sim: RunningSimulator;
let quarters: ReturnType<typeof replay>['rows'];
beforeAll(async () => {
  sim = await simulator();
  quarters = replay(sim.groundTruth().agentStatusHistory, sinchAgentStatusHistoryAdapter, { until: TO }).rows;
});
afterAll(() => sim.close());

const sumOf = (field: 'servingDuration' | 'countOfHandledCallIn', from: string, to: string, userId?: string): number =>
  quarters.filter((q) => q.intervalStart >= from && q.intervalStart < to && (userId === undefined || q.userId === userId)).reduce((s, q) => s + known(q)[field], 0);

describe('/agentStatistic', () => {
  it('startTime is required (endTime optional); both round up to quarter hours', async () => {
    expect((await get(sim, STAT)).text).toBe('Missing required parameter: startTime');
    const served = await rows(sim, `${STAT}?startTime=2024-03-04T08:05:00.000Z&endTime=2024-03-04T09:16:00.000Z&showUser=false`);
    expect(served).toHaveLength(1);
    expect(served[0]?.['servingDuration']).toBe(sumOf('servingDuration', '2024-03-04T08:15:00.000Z', '2024-03-04T09:30:00.000Z'));
    expect(served[0]?.['countOfHandledCallIn']).toBe(sumOf('countOfHandledCallIn', '2024-03-04T08:15:00.000Z', '2024-03-04T09:30:00.000Z'));
  });

  it('timeCategory null gives one row per user; quarterHour/hour/day/all label and split rows', async () => {
    const perUser = await rows(sim, `${STAT}?startTime=2024-03-04T00:00:00.000Z&limit=1000`);
    expect(new Set(perUser.map((r) => r['userId'])).size).toBe(perUser.length);
    expect(perUser[0]?.['timeCategory']).toBeUndefined();
    const userId = String(perUser[0]?.['userId']);
    expect(perUser[0]?.['servingDuration']).toBe(sumOf('servingDuration', '2024-03-04', '2024-03-05', userId));
    const hourly = await rows(sim, `${STAT}?startTime=2024-03-04T09:00:00.000Z&endTime=2024-03-04T11:00:00.000Z&timeCategory=hour&userId=${userId}`);
    expect(hourly.map((r) => r['timeCategory']).sort()).toEqual(['2024-03-04T09:00:00.000Z', '2024-03-04T10:00:00.000Z'].filter((h) => sumOf('servingDuration', h, h.replace(/T(\d\d)/, (_, x: string) => `T${String(Number(x) + 1).padStart(2, '0')}`), userId) > 0));
    const all = await rows(sim, `${STAT}?startTime=2024-03-04T00:00:00.000Z&timeCategory=all&userId=${userId}`);
    expect(all[0]?.['timeCategory']).toBe('all');
  });

  it('timeZone sets period boundaries and labels', async () => {
    const served = await rows(sim, `${STAT}?startTime=2024-03-04T00:00:00.000Z&timeCategory=day&timeZone=Asia/Tokyo&showUser=false`);
    expect(served.map((r) => r['timeCategory']).sort()).toEqual(['2024-03-04', '2024-03-05']);
  });

  it('showUser (default true) and userId filter; field order follows the document', async () => {
    const [row] = await rows(sim, `${STAT}?startTime=2024-03-04T00:00:00.000Z&limit=1`);
    const keys = Object.keys(row ?? {});
    expect(keys.slice(0, 4)).toEqual(['userId', 'userName', 'servingDuration', 'readyDuration']);
    expect(keys[keys.length - 1]).toBe('maxChangeTimestamp');
    expect(keys).not.toContain('afterworkCallInDuration');
    expect((await get(sim, `${STAT}?startTime=2024-03-04T00:00:00.000Z&userId=bad`)).text).toBe("Invalid GUID: 'bad'");
  });

  it("ready/notReady/pause per agent and day equal the model's true state intervals, exact ties included", async () => {
    const served = await rows(sim, `${STAT}?startTime=2024-03-04T00:00:00.000Z&timeCategory=day&limit=1000`);
    const truth = new Map<string, Record<string, number>>();
    for (const interval of generateGroundTruth({ seed: 7, agents: 16, from: FROM, to: TO }).stateIntervals) {
      const sums = truth.get(interval.agentId) ?? { Ready: 0, NotReady: 0, Pause: 0 };
      sums[String(interval.presence)] = (sums[String(interval.presence)] ?? 0) + interval.end - interval.start;
      truth.set(interval.agentId, sums);
    }
    expect(served).toHaveLength(truth.size);
    for (const row of served) {
      const sums = truth.get(String(row['userId']));
      expect([row['readyDuration'], row['notReadyDuration'], row['pauseDuration']], String(row['userId'])).toEqual([sums?.['Ready'], sums?.['NotReady'], sums?.['Pause']]);
    }
  });

  it('as the vendor, serves a number for every field, also those our pipeline publishes as null (resting, the Direct split)', async () => {
    const served = await rows(sim, `${STAT}?startTime=2024-03-04T00:00:00.000Z&timeCategory=hour&limit=1000`);
    expect(served.length).toBeGreaterThan(0);
    for (const row of served) {
      for (const field of ['restingDuration', 'callInDirectDuration', 'callOutDirectDuration', 'countOfHandledCallInDirect', 'countOfHandledCallOutDirect']) {
        expect(row[field], field).toBe(0);
      }
    }
  });

  it('sort ± and field filters (userName=Fox*)', async () => {
    const foxes = await rows(sim, `${STAT}?startTime=2024-03-04T00:00:00.000Z&userName=Fox*&sort=-servingDuration`);
    expect(foxes.length).toBeGreaterThan(0);
    expect(foxes.every((r) => String(r['userName']).startsWith('Fox'))).toBe(true);
    const serving = foxes.map((r) => Number(r['servingDuration']));
    expect(serving).toEqual([...serving].sort((a, b) => b - a));
  });
});

describe('/agentHistory', () => {
  it('startTime and endTime are required', async () => {
    expect((await get(sim, `${HIST}?startTime=2024-03-04T00:00:00.000Z`)).text).toBe('Missing required parameter: endTime');
  });

  it('serves the afterwork-by-kind fields and equals the core replay over the rounded range', async () => {
    const served = await rows(sim, `${HIST}?startTime=2024-03-04T07:50:00.000Z&endTime=2024-03-04T12:00:00.000Z&limit=1000`);
    expect(Object.keys(served[0] ?? {})).toContain('afterworkCallInDuration');
    for (const row of served) expect(row['servingDuration']).toBe(sumOf('servingDuration', '2024-03-04T08:00:00.000Z', '2024-03-04T12:00:00.000Z', String(row['userId'])));
  });

  it('campaignId and profileId are validated GUID lists; showProfile/showCampaign are booleans', async () => {
    const range = `${HIST}?startTime=2024-03-04T08:00:00.000Z&endTime=2024-03-04T09:00:00.000Z`;
    expect((await get(sim, `${range}&campaignId=56DF995A3C3048F7B956D5809DCEA65F,x`)).text).toBe("Invalid GUID: 'x'");
    expect((await get(sim, `${range}&profileId=02770429F80BDF1191AD001CC4D98816`)).status).toBe(200);
    expect((await get(sim, `${range}&showProfile=maybe`)).status).toBe(400);
    expect((await get(sim, `${range}&showCampaign=true&timeCategory=quarterHour`)).status).toBe(200);
  });

  const DAY = `${HIST}?startTime=2024-03-04T00:00:00.000Z&endTime=2024-03-05T00:00:00.000Z&limit=10000`;
  const metricsOf = (row: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(row).filter(([k]) => HISTORY_METRIC_NAMES.includes(k)));

  it('showProfile and showCampaign add the profile and campaign fields in the document order, ids and names from the catalog', async () => {
    const served = await rows(sim, `${DAY}&timeCategory=quarterHour&showProfile=true&showCampaign=true`);
    expect(Object.keys(served[0] ?? {}).slice(0, 9)).toEqual(['timeCategory', 'userId', 'userName', 'profileId', 'profileName', 'profileReason', 'campaignId', 'campaignName', 'servingDuration']);
    const profiles = new Map(ALL_PROFILES.map((p) => [p.profileId, p]));
    const campaigns = new Map(CAMPAIGNS.map((c) => [c.id, c.name]));
    for (const row of served) {
      if (row['profileName'] === null) expect([row['profileId'], row['profileReason']]).toEqual([null, null]);
      else expect([profiles.get(String(row['profileId']))?.profile, profiles.get(String(row['profileId']))?.profileReason]).toEqual([row['profileName'], row['profileReason']]);
      expect(row['campaignName']).toBe(row['campaignId'] === null ? null : campaigns.get(String(row['campaignId'])));
    }
    expect(new Set(served.map((r) => r['profileName'])).size).toBeGreaterThan(5);
    expect(new Set(served.map((r) => r['campaignId']))).toEqual(new Set([null, ...campaigns.keys()]));
    const plain = await rows(sim, `${DAY}&timeCategory=day`);
    expect(Object.keys(plain[0] ?? {})).not.toContain('profileName');
    expect(Object.keys(plain[0] ?? {})).not.toContain('campaignId');
    const onlyCampaign = await rows(sim, `${DAY}&timeCategory=day&showUser=false&showCampaign=true`);
    expect(onlyCampaign.map((r) => r['campaignId']).sort()).toEqual([null, ...campaigns.keys()].sort());
  });

  it("the parts (user, quarter-hour, profile, campaign) equal the breakdown of the model's own truth intervals (test/e2e/support/truth-history.ts)", async () => {
    const served = await rows(sim, `${DAY}&timeCategory=quarterHour&showProfile=true&showCampaign=true`);
    const truth = truthHistory(truthRecords(generateGroundTruth({ seed: 7, agents: 16, from: FROM, to: TO })));
    const got = new Map(served.map((r) => [
      truthHistoryKey({ agentId: String(r['userId']), intervalStart: String(r['timeCategory']), profile: r['profileName'] as string | null, profileReason: r['profileReason'] as string | null, campaignId: r['campaignId'] as string | null }),
      Object.fromEntries(TRUTH_FIELDS.map((f) => [f, r[f]])),
    ]));
    expect(got.size).toBe(served.length);
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries([...truth].map(([key, row]) => [key, row.values])));
  });

  it('the parts of a period sum to the row without showProfile / showCampaign', async () => {
    const parts = await rows(sim, `${DAY}&timeCategory=hour&showProfile=true&showCampaign=true`);
    const whole = await rows(sim, `${DAY}&timeCategory=hour`);
    const sums = new Map<string, Record<string, number>>();
    for (const row of parts) {
      const key = `${String(row['userId'])}|${String(row['timeCategory'])}`;
      const sum = sums.get(key) ?? {};
      for (const [field, value] of Object.entries(metricsOf(row))) sum[field] = (sum[field] ?? 0) + Number(value);
      sums.set(key, sum);
    }
    expect(Object.fromEntries(sums)).toEqual(Object.fromEntries(whole.map((r) => [`${String(r['userId'])}|${String(r['timeCategory'])}`, metricsOf(r)])));
  });

  it('the campaignId and profileId filters keep only the parts of those campaigns / profiles, with or without their fields shown', async () => {
    const all = await rows(sim, `${DAY}&timeCategory=day&showProfile=true&showCampaign=true`);
    const [campaign, other] = CAMPAIGNS;
    const lunch = PROFILES.lunch;
    const ofCampaign = await rows(sim, `${DAY}&timeCategory=day&showProfile=true&showCampaign=true&campaignId=${campaign?.id.toLowerCase()}`);
    expect(ofCampaign.length).toBeGreaterThan(0);
    expect(ofCampaign).toEqual(all.filter((r) => r['campaignId'] === campaign?.id));
    const both = await rows(sim, `${DAY}&timeCategory=day&showProfile=true&showCampaign=true&campaignId=${campaign?.id},${other?.id}`);
    expect(both).toEqual(all.filter((r) => r['campaignId'] !== null));
    const ofLunch = await rows(sim, `${DAY}&timeCategory=day&showProfile=true&showCampaign=true&profileId=${lunch.profileId}`);
    expect(ofLunch.length).toBeGreaterThan(0);
    expect(ofLunch).toEqual(all.filter((r) => r['profileId'] === lunch.profileId));
    // without showProfile the filtered parts are summed per user and day
    const lunchPerUser = await rows(sim, `${DAY}&timeCategory=day&profileId=${lunch.profileId}`);
    expect(lunchPerUser.map((r) => [r['userId'], r['pauseDuration'], r['servingDuration']]).sort()).toEqual(ofLunch.map((r) => [r['userId'], r['pauseDuration'], r['servingDuration']]).sort());
    expect(lunchPerUser.every((r) => r['readyDuration'] === 0 && Number(r['pauseDuration']) > 0)).toBe(true);
    // the new fields filter and sort like any other
    const named = await rows(sim, `${DAY}&timeCategory=day&showProfile=true&profileName=Lunch&sort=-pauseDuration`);
    expect(named.map((r) => r['userId']).sort()).toEqual(lunchPerUser.map((r) => r['userId']).sort());
    expect(named.map((r) => r['pauseDuration'])).toEqual(named.map((r) => r['pauseDuration']).sort((a, b) => Number(b) - Number(a)));
  });
});
