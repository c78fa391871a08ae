import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreFixture } from './support/http-fixture.ts';
import { createStoreFixture, qh, rowsOf, testServer, USER_A, USER_B, USER_C } from './support/http-fixture.ts';

const Q = 900_000;
const T0 = Date.UTC(2024, 0, 15);
const DST_FROM = Date.UTC(2024, 2, 30, 21);
const DST_ROWS = 104;

let store: StoreFixture;
let app: FastifyInstance;

async function get(url: string) {
  return app.inject({ method: 'GET', url });
}

async function rows(url: string): Promise<Record<string, unknown>[]> {
  const response = await get(url);
  expect(response.statusCode, response.body).toBe(200);
  return rowsOf(response.body);
}

async function badRequest(url: string): Promise<string> {
  const response = await get(url);
  expect(response.statusCode).toBe(400);
  expect(response.headers['content-type']).toMatch(/^text\/plain/);
  return response.body;
}

const JAN = `startTime=2024-01-15T00:00:00.000Z&endTime=2024-01-16T00:00:00.000Z`;
const DST = `startTime=2024-03-30T21:00:00Z&endTime=2024-04-01T00:00:00Z&userId=${USER_A}`;

beforeAll(async () => {
  store = await createStoreFixture();
  await store.quarterHours([
    ...Array.from({ length: 8 }, (_, k) => qh(USER_A, T0 + k * Q, 1000 * (k + 1))),
    ...Array.from({ length: 4 }, (_, k) => qh(USER_B, T0 + k * Q, 500, { maxChangeTimestamp: T0 + k * Q + 30_000 })),
    qh(USER_C, T0 + Q, 200, { maxChangeTimestamp: T0 + Q + 90_000 }),
    ...Array.from({ length: DST_ROWS }, (_, k) => qh(USER_A, DST_FROM + k * Q, 1000 + k)),
  ]);
  app = testServer(store.reader);
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

describe('GET /agentStatistic time range', () => {
  it('requires startTime', async () => {
    expect(await badRequest('/agentStatistic')).toBe('Missing required parameter: startTime');
    expect(await badRequest('/agentStatistic?startTime=yesterday')).toMatch(/^Invalid startTime: 'yesterday'/);
  });

  it('rounds startTime up to the next quarter hour', async () => {
    const late = await rows(`/agentStatistic?startTime=2024-01-15T00:05:00.000Z&endTime=2024-01-16T00:00:00Z`);
    expect(late).toHaveLength(11);
    expect(late.map((r) => r['intervalStart'])).not.toContain('2024-01-15T00:00:00.000Z');
    expect(await rows(`/agentStatistic?startTime=2024-01-15T00:15:00.000Z&endTime=2024-01-16T00:00:00Z`)).toHaveLength(11);
  });

  it('rounds endTime up to the end of its quarter hour; an exact quarter hour stays', async () => {
    const rounded = await rows(`/agentStatistic?startTime=2024-01-15T00:00:00Z&endTime=2024-01-15T00:31:00Z`);
    expect(rounded).toHaveLength(7);
    expect(Math.max(...rounded.map((r) => Date.parse(String(r['intervalStart']))))).toBe(T0 + 2 * Q);
    expect(await rows(`/agentStatistic?startTime=2024-01-15T00:00:00Z&endTime=2024-01-15T00:30:00Z`)).toHaveLength(5);
    expect(await badRequest(`/agentStatistic?startTime=2024-01-15T01:00:00Z&endTime=2024-01-15T00:30:00Z`)).toMatch(/before startTime/);
  });

  it('defaults endTime to the end of the current quarter hour of the clock', async () => {
    const clocked = testServer(store.reader, { clock: () => T0 + 20 * 60_000 });
    const response = await clocked.inject(`/agentStatistic?startTime=2024-01-15T00:00:00Z&userId=${USER_A}`);
    expect(rowsOf(response.body).map((r) => r['intervalStart'])).toEqual(['2024-01-15T00:00:00.000Z', '2024-01-15T00:15:00.000Z']);
    await clocked.close();
  });
});

describe('GET /agentStatistic timeCategory', () => {
  const of = async (category: string, extra = '') => rows(`/agentStatistic?${JAN}&userId=${USER_A}&timeCategory=${category}${extra}`);

  it('default (null) gives quarter-hour rows without a timeCategory field, in RAI field names', async () => {
    const plain = await rows(`/agentStatistic?${JAN}&userId=${USER_A}`);
    expect(plain).toHaveLength(8);
    const first = plain[0] ?? {};
    expect(first).not.toHaveProperty('timeCategory');
    expect(Object.keys(first).slice(0, 5)).toEqual(['userId', 'userName', 'intervalStart', 'intervalEnd', 'servingDuration']);
    expect(first).toMatchObject({ userId: USER_A, userName: 'Fox, John', servingDuration: 1000, countOfHandledCallIn: 0, maxChangeTimestamp: '2024-01-15T00:01:00.000Z' });
    expect(await rows(`/agentStatistic?${JAN}&userId=${USER_A}&timeCategory=null`)).toEqual(plain);
  });

  it('quarterHour labels each row with its local ISO start', async () => {
    const quarter = await of('quarterHour', '&timeZone=Europe/Helsinki');
    expect(quarter[0]).toMatchObject({ timeCategory: '2024-01-15T02:00:00.000+02:00', intervalStart: '2024-01-15T00:00:00.000Z' });
  });

  it('hour, day, week, month, year and all sum the quarter hours', async () => {
    const hours = await of('hour');
    expect(hours.map((r) => [r['timeCategory'], r['servingDuration'], r['maxChangeTimestamp']])).toEqual([
      ['2024-01-15T00:00:00.000Z', 10_000, '2024-01-15T00:46:00.000Z'],
      ['2024-01-15T01:00:00.000Z', 26_000, '2024-01-15T01:46:00.000Z'],
    ]);
    expect(await of('day')).toMatchObject([{ timeCategory: '2024-01-15', servingDuration: 36_000, intervalStart: '2024-01-15T00:00:00.000Z', intervalEnd: '2024-01-16T00:00:00.000Z' }]);
    expect(await of('week')).toMatchObject([{ timeCategory: '2024-W03', servingDuration: 36_000, intervalStart: '2024-01-15T00:00:00.000Z', intervalEnd: '2024-01-22T00:00:00.000Z' }]);
    expect(await of('month')).toMatchObject([{ timeCategory: '2024-01', servingDuration: 36_000, intervalEnd: '2024-02-01T00:00:00.000Z' }]);
    expect(await of('year')).toMatchObject([{ timeCategory: '2024', servingDuration: 36_000 }]);
    expect(await of('all')).toMatchObject([{ timeCategory: 'all', servingDuration: 36_000, intervalStart: '2024-01-15T00:00:00.000Z', intervalEnd: '2024-01-15T02:00:00.000Z' }]);
  });

  it('labels ISO weeks in the time zone (Sunday evening UTC is Monday in Helsinki)', async () => {
    const sunday = Date.UTC(2024, 0, 14, 23);
    const tmp = await createStoreFixture();
    await tmp.quarterHours([qh(USER_A, sunday, 700)]);
    const local = testServer(tmp.reader);
    const at = (zone: string) => local.inject(`/agentStatistic?startTime=2024-01-14T00:00:00Z&endTime=2024-01-16T00:00:00Z&timeCategory=week&timeZone=${zone}`);
    expect(rowsOf((await at('UTC')).body)[0]).toMatchObject({ timeCategory: '2024-W02' });
    expect(rowsOf((await at('Europe/Helsinki')).body)[0]).toMatchObject({ timeCategory: '2024-W03', intervalStart: '2024-01-14T22:00:00.000Z' });
    await local.close();
    await tmp.close();
  });

  it('a DST day in Europe/Helsinki (23 h) is the sum of its 92 quarter hours', async () => {
    const days = await rows(`/agentStatistic?${DST}&timeCategory=day&timeZone=Europe/Helsinki`);
    expect(days.map((d) => d['timeCategory'])).toEqual(['2024-03-30', '2024-03-31', '2024-04-01']);
    const dayStart = Date.UTC(2024, 2, 30, 22);
    const first = (dayStart - DST_FROM) / Q;
    let sum = 0;
    for (let k = first; k < first + 92; k++) sum += 1000 + k;
    expect(days[1]).toMatchObject({ intervalStart: '2024-03-30T22:00:00.000Z', intervalEnd: '2024-03-31T21:00:00.000Z', servingDuration: sum, readyDuration: sum });
    const hours = await rows(`/agentStatistic?${DST}&timeCategory=hour&timeZone=Europe/Helsinki&limit=10000`);
    const dstHours = hours.filter((h) => String(h['timeCategory']).startsWith('2024-03-31'));
    expect(dstHours).toHaveLength(23);
    expect(dstHours.map((h) => String(h['timeCategory']).slice(11, 13))).not.toContain('03');
  });

  it('rejects an unknown timeCategory or timeZone', async () => {
    expect(await badRequest(`/agentStatistic?${JAN}&timeCategory=fortnight`)).toMatch(/^Invalid timeCategory: 'fortnight'/);
    expect(await badRequest(`/agentStatistic?${JAN}&timeZone=Mars/Olympus`)).toMatch(/^Invalid timeZone: 'Mars\/Olympus'/);
  });
});

describe('GET /agentStatistic selection', () => {
  it('filters by a userId list and rejects an invalid GUID as RAI does', async () => {
    const two = await rows(`/agentStatistic?${JAN}&userId=${USER_B},${USER_C.toLowerCase()}`);
    expect(new Set(two.map((r) => r['userId']))).toEqual(new Set([USER_B, USER_C]));
    expect(two).toHaveLength(5);
    expect(await badRequest(`/agentStatistic?${JAN}&userId=${USER_A},2B8ED95B0EC911E79675005056A75D9`)).toBe("Invalid GUID: '2B8ED95B0EC911E79675005056A75D9'");
  });

  it('applies field filters with * and ?', async () => {
    expect(new Set((await rows(`/agentStatistic?${JAN}&userName=Fox*`)).map((r) => r['userId']))).toEqual(new Set([USER_A]));
    expect(await rows(`/agentStatistic?${JAN}&userName=W?lf,%20Jane`)).toHaveLength(4);
    expect(await rows(`/agentStatistic?${JAN}&servingDuration=5?0`)).toHaveLength(4);
    expect(await rows(`/agentStatistic?${JAN}&servingDuration=?000&userName=fox*`)).toHaveLength(8);
    expect(await rows(`/agentStatistic?${JAN}&userName=Nobody`)).toEqual([]);
  });

  it('sorts by maxChangeTimestamp by default, by any field, and descending with -', async () => {
    const natural = await rows(`/agentStatistic?${JAN}`);
    const stamps = natural.map((r) => String(r['maxChangeTimestamp']));
    expect(stamps).toEqual([...stamps].sort());
    const down = await rows(`/agentStatistic?${JAN}&sort=-servingDuration`);
    expect(down.map((r) => r['servingDuration'])).toEqual([8000, 7000, 6000, 5000, 4000, 3000, 2000, 1000, 500, 500, 500, 500, 200]);
    const up = await rows(`/agentStatistic?${JAN}&sort=servingDuration`);
    expect(up[0]).toMatchObject({ servingDuration: 200 });
    const names = await rows(`/agentStatistic?${JAN}&sort=userName,LOCALE-en`);
    expect(names[0]).toMatchObject({ userName: 'Bear, Bob' });
    expect(await badRequest(`/agentStatistic?${JAN}&sort=-nothing`)).toMatch(/^Invalid sort: '-nothing'/);
  });

  it('pages with offset and limit (default 100, at most 10000)', async () => {
    const first = await get(`/agentStatistic?${DST}`);
    expect(rowsOf(first.body)).toHaveLength(100);
    expect(first.headers['x-total-count']).toBe(String(DST_ROWS));
    const all = await rows(`/agentStatistic?${DST}&limit=10000`);
    expect(all).toHaveLength(DST_ROWS);
    expect(await rows(`/agentStatistic?${DST}&offset=100`)).toEqual(all.slice(100));
    expect(await rows(`/agentStatistic?${DST}&offset=2&limit=3`)).toEqual(all.slice(2, 5));
    expect(await badRequest(`/agentStatistic?${DST}&limit=10001`)).toBe("Invalid limit: '10001' (at most 10000)");
    expect(await badRequest(`/agentStatistic?${DST}&offset=-1`)).toMatch(/^Invalid offset/);
  });

  it('showUser=false sums each period over the selected users', async () => {
    const hours = await rows(`/agentStatistic?${JAN}&timeCategory=hour&showUser=false&sort=timeCategory`);
    expect(hours).toHaveLength(2);
    expect(hours[0]).not.toHaveProperty('userId');
    expect(hours[0]).toMatchObject({ timeCategory: '2024-01-15T00:00:00.000Z', servingDuration: 10_000 + 2000 + 200 });
    expect(await badRequest(`/agentStatistic?${JAN}&showUser=maybe`)).toMatch(/^Invalid showUser/);
  });

  it('rejects unknown and repeated parameters', async () => {
    expect(await badRequest(`/agentStatistic?${JAN}&color=blue`)).toBe('Unknown parameter: color');
    expect(await badRequest(`/agentStatistic?${JAN}&timeCategory=day&timeCategory=hour`)).toBe('Repeated parameter: timeCategory');
    expect(await badRequest(`/agentStatistic?${JAN}&language=finnish`)).toMatch(/^Invalid language/);
  });
});
