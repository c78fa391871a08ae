import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../../../src/vendors/sinch/simulator/index.ts';
import { get, rows, simulator } from '../support.ts';

const CH = '/contactHistory';
const RANGE = 'startTime=2024-03-04T08:00:00.000Z&endTime=2024-03-04T12:00:00.000Z';
const DETAILS = `${CH}?${RANGE}&showDetails=true&limit=10000`;
let sim: RunningSimulator;
let truth: Array<Record<string, unknown>>;
beforeAll(async () => {
  sim = await simulator();
  truth = sim.groundTruth().contacts;
});
afterAll(() => sim.close());

const inRange = (r: Record<string, unknown>, from: string, to: string): boolean => String(r['maxChangeTimestamp']) >= from && String(r['maxChangeTimestamp']) < to;
const ids = (list: Array<Record<string, unknown>>): string[] => list.map((r) => String(r['contactId'])).sort();

describe('/contactHistory', () => {
  it('startTime and endTime are both required', async () => {
    expect((await get(sim, `${CH}?endTime=2024-03-04T12:00:00.000Z`)).text).toBe('Missing required parameter: startTime');
    expect((await get(sim, `${CH}?startTime=2024-03-04T12:00:00.000Z`)).text).toBe('Missing required parameter: endTime');
  });

  it('startTime rounds up to the next quarter hour and endTime up to the end of its quarter hour', async () => {
    const served = await rows(sim, `${CH}?startTime=2024-03-04T08:05:00.000Z&endTime=2024-03-04T09:16:00.000Z&showDetails=true&limit=10000`);
    const expected = truth.filter((r) => inRange(r, '2024-03-04T08:15:00.000Z', '2024-03-04T09:30:00.000Z'));
    expect(expected.length).toBeGreaterThan(10);
    expect(ids(served)).toEqual(ids(expected));
  });

  it('showDetails=true serves one row per contact with contactId; default aggregates without it', async () => {
    const details = await rows(sim, DETAILS);
    expect(details[0]?.['contactId']).toMatch(/^[0-9A-F]{32}$/);
    const aggregated = await rows(sim, `${CH}?${RANGE}&limit=10000`);
    expect(aggregated[0]?.['contactId']).toBeUndefined();
    const sum = (list: Array<Record<string, unknown>>): number => list.reduce((s, r) => s + Number(r['countOfArrivedContacts']), 0);
    expect(aggregated.length).toBeLessThan(details.length);
    expect(sum(aggregated)).toBe(details.length);
  });

  it('timeCategory labels and aggregates rows (quarterHour, hour, day)', async () => {
    const hourly = await rows(sim, `${CH}?${RANGE}&timeCategory=hour&showChannel=false&showChannelType=false&showQueue=false`);
    expect(hourly.map((r) => r['timeCategory'])).toEqual(['2024-03-04T08:00:00.000Z', '2024-03-04T09:00:00.000Z', '2024-03-04T10:00:00.000Z', '2024-03-04T11:00:00.000Z']);
    const daily = await rows(sim, `${CH}?${RANGE}&timeCategory=day&showChannel=false&showChannelType=false&showQueue=false`);
    expect(daily).toHaveLength(1);
    expect(daily[0]?.['timeCategory']).toBe('2024-03-04');
    expect((await get(sim, `${CH}?${RANGE}&timeCategory=fortnight`)).status).toBe(400);
  });

  it('queueId filters by a comma list of queue GUIDs', async () => {
    const queueId = String(truth.find((r) => r['queueName'] === 'Sales')?.['queueId']);
    const served = await rows(sim, `${DETAILS}&queueId=${queueId}`);
    expect(served.length).toBeGreaterThan(0);
    expect(served.every((r) => r['queueName'] === 'Sales')).toBe(true);
    expect((await get(sim, `${DETAILS}&queueId=${queueId},XYZ`)).text).toBe("Invalid GUID: 'XYZ'");
  });

  it('userId filters by a comma list of user GUIDs', async () => {
    const userId = String(truth.find((r) => r['userId'] !== undefined)?.['userId']);
    const served = await rows(sim, `${DETAILS}&userId=${userId}&showUser=true`);
    expect(served.length).toBeGreaterThan(0);
    expect(served.every((r) => r['userId'] === userId)).toBe(true);
  });

  it('channelType filters by channel and/or type, case-insensitively', async () => {
    const served = await rows(sim, `${DETAILS}&channelType=EMAIL,CallIn`);
    expect(new Set(served.map((r) => r['type']))).toEqual(new Set(['EmailIn', 'EmailOut', 'CallIn']));
    expect((await get(sim, `${DETAILS}&channelType=Fax`)).status).toBe(400);
  });

  it('showChannel and showChannelType include channel and type (default true)', async () => {
    const [row] = await rows(sim, `${DETAILS}&showChannel=false`);
    expect(row?.['channel']).toBeUndefined();
    expect(row?.['type']).toBeDefined();
    const [typeless] = await rows(sim, `${DETAILS}&showChannelType=false`);
    expect(typeless?.['type']).toBeUndefined();
    expect((await get(sim, `${DETAILS}&showChannel=yes`)).status).toBe(400);
  });

  it('showQueue includes application and queue fields (default true)', async () => {
    const shown = await rows(sim, DETAILS);
    expect(shown.some((r) => r['queueId'] !== undefined && r['applicationName'] !== undefined)).toBe(true);
    const hidden = await rows(sim, `${DETAILS}&showQueue=false`);
    expect(hidden.some((r) => r['queueId'] !== undefined || r['applicationId'] !== undefined)).toBe(false);
  });

  it('showUser includes userId/userName and drops countOfArrivedContacts (default false)', async () => {
    const plain = await rows(sim, DETAILS);
    expect(plain.some((r) => r['userId'] !== undefined)).toBe(false);
    expect(plain.every((r) => r['countOfArrivedContacts'] === 1)).toBe(true);
    const withUser = await rows(sim, `${DETAILS}&showUser=true`);
    expect(withUser.some((r) => r['userName'] !== undefined)).toBe(true);
    expect(withUser.some((r) => 'countOfArrivedContacts' in r)).toBe(false);
  });

  it('showOnlyContactCenter=false adds contacts outside the contact-center application (default true)', async () => {
    const only = await rows(sim, DETAILS);
    const all = await rows(sim, `${DETAILS}&showOnlyContactCenter=false`);
    expect(all.length).toBeGreaterThan(only.length);
  });

  it('showDirectContacts: 0 excludes, 1 includes, 2 only direct (queueless) contacts', async () => {
    const none = await rows(sim, `${DETAILS}&showDirectContacts=0`);
    const only = await rows(sim, `${DETAILS}&showDirectContacts=2`);
    const both = await rows(sim, DETAILS);
    expect(none.every((r) => r['queueId'] !== undefined)).toBe(true);
    expect(only.length).toBeGreaterThan(0);
    expect(only.every((r) => r['queueId'] === undefined)).toBe(true);
    expect(none.length + only.length).toBe(both.length);
    expect((await get(sim, `${DETAILS}&showDirectContacts=3`)).status).toBe(400);
  });

  it('showInternalContacts: 0 excludes, 2 only internal contacts', async () => {
    const args = `${DETAILS}&showOnlyContactCenter=false`;
    const none = await rows(sim, `${args}&showInternalContacts=0`);
    const only = await rows(sim, `${args}&showInternalContacts=2`);
    expect(only.length).toBeGreaterThan(0);
    expect(none.length + only.length).toBe((await rows(sim, args)).length);
  });

  it('field filters match with * and ? patterns', async () => {
    const star = await rows(sim, `${DETAILS}&queueName=Sa*`);
    expect(star.length).toBeGreaterThan(0);
    expect(star.every((r) => r['queueName'] === 'Sales')).toBe(true);
    const question = await rows(sim, `${DETAILS}&type=Ch?tIn`);
    expect(question.length).toBeGreaterThan(0);
    expect(question.every((r) => r['type'] === 'ChatIn')).toBe(true);
    expect((await get(sim, `${DETAILS}&colour=red`)).text).toBe('Unknown parameter: colour');
  });

  it('sort: default maxChangeTimestamp ascending, "-" descending, any field, optional LOCALE', async () => {
    const byDefault = (await rows(sim, DETAILS)).map((r) => String(r['maxChangeTimestamp']));
    expect(byDefault).toEqual([...byDefault].sort());
    const descending = (await rows(sim, `${DETAILS}&sort=-handlingDuration`)).map((r) => Number(r['handlingDuration']));
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    const named = (await rows(sim, `${DETAILS}&sort=queueName,LOCALE-en&showDirectContacts=0`)).map((r) => String(r['queueName']));
    expect(named).toEqual([...named].sort((a, b) => a.localeCompare(b, 'en')));
    expect((await get(sim, `${DETAILS}&sort=nonsense`)).status).toBe(400);
  });

  it('offset and limit page the rows (limit default 100)', async () => {
    const all = await rows(sim, DETAILS);
    expect(all.length).toBeGreaterThan(100);
    expect(await rows(sim, `${CH}?${RANGE}&showDetails=true`)).toEqual(all.slice(0, 100));
    expect(await rows(sim, `${CH}?${RANGE}&showDetails=true&offset=5&limit=3`)).toEqual(all.slice(5, 8));
  });
});
