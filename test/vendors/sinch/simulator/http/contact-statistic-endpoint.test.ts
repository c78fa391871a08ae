import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../../../src/vendors/sinch/simulator/index.ts';
import { get, rows, simulator } from '../support.ts';

const CS = '/contactStatistic';
const NOW = Date.parse('2024-03-04T10:00:00.000Z');
let sim: RunningSimulator;
beforeAll(async () => {
  sim = await simulator({ clock: { mode: 'accelerated', speed: 1, startedAt: 0 }, realClock: () => NOW - Date.parse('2024-03-04T00:00:00.000Z') });
});
afterAll(() => sim.close());

const DETAILS = `${CS}?startTime=2024-03-04T09:00:00.000Z&showDetails=true&limit=10000`;

describe('/contactStatistic', () => {
  it('startTime is required and endTime optional; neither is rounded', async () => {
    expect((await get(sim, CS)).text).toBe('Missing required parameter: startTime');
    const open = await rows(sim, DETAILS);
    const closed = await rows(sim, `${DETAILS}&endTime=2024-03-04T09:07:00.000Z`);
    expect(closed.length).toBeGreaterThan(0);
    expect(closed.length).toBeLessThan(open.length);
  });

  it('serves active contacts (queuing or in process at now) and completed ones, with active fields unless showUser', async () => {
    const served = await rows(sim, DETAILS);
    const inProcess = served.filter((r) => r['countOfInProcessContacts'] === 1);
    expect(inProcess.length).toBeGreaterThan(0);
    for (const row of inProcess) {
      expect(row['countOfCompletedContacts']).toBe(0);
      expect(Number(row['activeHandlingDuration'])).toBeGreaterThan(0);
      expect(String(row['maxChangeTimestamp']) <= new Date(NOW).toISOString()).toBe(true);
    }
    expect(served.some((r) => r['countOfCompletedContacts'] === 1)).toBe(true);
    const withUser = await rows(sim, `${DETAILS}&showUser=true`);
    expect(withUser.some((r) => 'activeHandlingDuration' in r || 'countOfArrivedContacts' in r)).toBe(false);
  });

  it('timeZone sets the timeCategory labels', async () => {
    const utc = await rows(sim, `${CS}?startTime=2024-03-04T09:00:00.000Z&timeCategory=hour&showChannel=false&showChannelType=false&showQueue=false`);
    expect(utc[0]?.['timeCategory']).toBe('2024-03-04T09:00:00.000Z');
    const helsinki = await rows(sim, `${CS}?startTime=2024-03-04T09:00:00.000Z&timeCategory=hour&timeZone=Europe/Helsinki&showChannel=false&showChannelType=false&showQueue=false`);
    expect(helsinki[0]?.['timeCategory']).toBe('2024-03-04T11:00:00.000+02:00');
    expect((await get(sim, `${CS}?startTime=2024-03-04T09:00:00.000Z&timeZone=Mars/Olympus`)).status).toBe(400);
  });

  it('queueId, userId and channelType filter; showDirectContacts=2 keeps only direct contacts', async () => {
    const all = await rows(sim, `${DETAILS}&showUser=true`);
    const userId = String(all.find((r) => r['userId'] !== undefined)?.['userId']);
    expect((await rows(sim, `${DETAILS}&showUser=true&userId=${userId}`)).every((r) => r['userId'] === userId)).toBe(true);
    expect((await rows(sim, `${DETAILS}&channelType=Chat`)).every((r) => r['channel'] === 'Chat')).toBe(true);
    expect((await rows(sim, `${DETAILS}&showDirectContacts=2`)).every((r) => r['queueId'] === undefined)).toBe(true);
    expect((await get(sim, `${DETAILS}&queueId=123`)).text).toBe("Invalid GUID: '123'");
    expect((await get(sim, `${DETAILS}&showInternalContacts=1`)).text).toBe('Unknown parameter: showInternalContacts');
  });

  it('sort "-" descends and field filters apply', async () => {
    const desc = (await rows(sim, `${DETAILS}&sort=-maxChangeTimestamp&channel=Pho*`)).map((r) => String(r['maxChangeTimestamp']));
    expect(desc.length).toBeGreaterThan(0);
    expect(desc).toEqual([...desc].sort().reverse());
  });
});
