import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../../../src/vendors/sinch/simulator/index.ts';
import { get, rows, simulator } from '../support.ts';

const AS = '/agentStatus?startTime=2024-03-04T00:00:00.000Z';
const NOW = Date.parse('2024-03-04T10:30:00.000Z');
let sim: RunningSimulator;
beforeAll(async () => {
  sim = await simulator({ clock: { mode: 'accelerated', speed: 60, startedAt: 1_000 }, realClock: () => 1_000 + (NOW - Date.parse('2024-03-04T00:00:00.000Z')) / 60 });
});
afterAll(() => sim.close());

describe('/agentStatus', () => {
  it('startTime is required; it and endTime bound the latest changeTimestamp', async () => {
    expect(sim.now()).toBe(NOW);
    expect((await get(sim, '/agentStatus')).text).toBe('Missing required parameter: startTime');
    const all = await rows(sim, AS);
    expect(all.length).toBeGreaterThan(5);
    expect(all.length).toBeLessThan(16);
    const recent = await rows(sim, `/agentStatus?startTime=2024-03-04T10:25:00.000Z`);
    expect(recent.every((r) => String(r['changeTimestamp']) >= '2024-03-04T10:25:00.000Z')).toBe(true);
    const older = await rows(sim, `${AS}&endTime=2024-03-04T10:25:00.000Z`);
    expect(recent.length + older.length).toBe(all.length);
  });

  it('serves the current state with the example key spellings (userName, reportingGroupid)', async () => {
    const all = await rows(sim, AS);
    const working = all.filter((r) => r['availability'] !== 'LoggedOut');
    expect(working.length).toBeGreaterThan(3);
    for (const row of working) {
      expect(Object.keys(row)).toEqual(expect.arrayContaining(['userId', 'userName', 'profile', 'profileType', 'profileDuration', 'userStatus', 'userStatusDuration', 'availability', 'contactHandlingStatus', 'contactHandlingStatusDuration', 'reportingGroupid', 'reportingGroupName', 'changeTimestamp']));
      expect(['Ready', 'NotReady', 'Pause']).toContain(row['userStatus']);
      if (row['availability'] === 'Free') expect(row).toMatchObject({ userStatus: 'Ready', contactHandlingStatus: 'Waiting' });
    }
    expect(working.some((r) => Number(r['phoneActiveInboundContacts'] ?? r['chatActiveInboundContacts'] ?? r['emailActiveInboundContacts'] ?? 0) > 0)).toBe(true);
  });

  it('showAgentInfo adds number, email, chatCapacity and location', async () => {
    const [plain] = await rows(sim, `${AS}&limit=1`);
    expect(plain?.['chatCapacity']).toBeUndefined();
    const [info] = await rows(sim, `${AS}&limit=1&showAgentInfo=true`);
    expect(info).toMatchObject({ number: expect.any(String), email: expect.any(String), chatCapacity: expect.any(Number), location: expect.any(String) });
  });

  it('userId, reportingGroupId (dashed GUIDs too) and profileId filter', async () => {
    const all = await rows(sim, AS);
    const first = all[0] ?? {};
    expect(await rows(sim, `${AS}&userId=${String(first['userId'])}`)).toEqual([first]);
    const group = String(first['reportingGroupid']);
    const dashed = `${group.slice(0, 8)}-${group.slice(8, 12)}-${group.slice(12, 16)}-${group.slice(16, 20)}-${group.slice(20)}`;
    const inGroup = await rows(sim, `${AS}&reportingGroupId=${dashed}`);
    expect(inGroup.length).toBeGreaterThan(0);
    expect(inGroup.every((r) => r['reportingGroupid'] === group)).toBe(true);
    expect((await get(sim, `${AS}&profileId=nope`)).text).toBe("Invalid GUID: 'nope'");
  });

  it('sort by any field with "-" and field filters with patterns', async () => {
    const names = (await rows(sim, `${AS}&sort=-userName`)).map((r) => String(r['userName']));
    expect(names).toEqual([...names].sort().reverse());
    const free = await rows(sim, `${AS}&availability=F?ee`);
    expect(free.every((r) => r['availability'] === 'Free')).toBe(true);
  });
});
