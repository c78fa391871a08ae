import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../../../../src/core/replay/replay.ts';
import type { RunningSimulator } from '../../../../../src/vendors/sinch/simulator/index.ts';
import { generateGroundTruth } from '../../../../../src/vendors/sinch/simulator/index.ts';
import { FROM, get, rows, simulator, TO } from '../support.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../../../src/vendors/sinch/agent-status-history-adapter.ts';
import { known } from '../../../../support/known-metrics.ts';

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
});
