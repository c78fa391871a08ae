import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_FIELDS } from '../../src/core/statistic/agent-statistic-fields.ts';
import type { TimelineReader } from '../../src/http/server-deps.ts';
import type { StoreFixture } from './support/http-fixture.ts';
import { createStoreFixture, qh, rowsOf, testServer, USER_A, USER_B, USER_C } from './support/http-fixture.ts';

/**
 * GET /api/agents_work_report over a seeded store: parameters and Thulium error bodies, row order, null rows, labels
 * and paging. Expected figures are written out by hand from the seeded rows. 2024-01-15 is winter: Warsaw = UTC+1.
 */
const Q = 900_000;
const T0 = Date.UTC(2024, 0, 15, 8); // 09:00 in Warsaw
const EVO = '65a0c0ffee0000000000abcd';
const EVO_KNOWN = new Set(['servingDuration', 'readyDuration', 'notReadyDuration', 'afterworkDuration', 'callOutDuration', 'countOfHandledCallOut']);
const EVO_NULLS = Object.fromEntries(METRIC_FIELDS.filter((f) => !EVO_KNOWN.has(f)).map((f) => [f, null]));
const URL = '/api/agents_work_report';
const DAY = 'date_from=2024-01-15&date_to=2024-01-15';
const MORNING = 'date_from=2024-01-15 09:00&date_to=2024-01-15 12:00';

let store: StoreFixture;
let app: FastifyInstance;

async function get(query: string, headers: Record<string, string> = {}) {
  return app.inject({ method: 'GET', url: `${URL}?${query}`, headers });
}

async function rows(query: string): Promise<Record<string, unknown>[]> {
  const response = await get(query);
  expect(response.statusCode, response.body).toBe(200);
  return rowsOf(response.body);
}

/** The Thulium error body of a 400: asserts its shape and returns the codes. */
async function errorCodes(query: string, headers: Record<string, string> = {}): Promise<number[]> {
  const response = await get(query, headers);
  expect(response.statusCode, response.body).toBe(400);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(response.body) as { request_id: string; errors: { message: string; code: number }[] };
  expect(Object.keys(body)).toEqual(['request_id', 'errors']);
  expect(body.request_id).toMatch(/^[0-9a-f]{13}$/);
  for (const error of body.errors) expect(Object.keys(error)).toEqual(['message', 'code']);
  return body.errors.map((error) => error.code);
}

const summary = (row: Record<string, unknown>): string => `${(row['agent'] as { login: string }).login} ${String(row['period'])}`;

beforeAll(async () => {
  store = await createStoreFixture();
  await store.quarterHours([
    qh(USER_A, T0, 900_000, { metrics: { callInDuration: 400_400, countOfHandledCallIn: 2, pauseDuration: 100_000, freeDuration: 300_000, callOutDuration: 60_000, countOfHandledCallOut: 1, countOfHandledChatIn: 1, countOfHandledEmailIn: 2 } }),
    qh(USER_A, T0 + Q, 900_000, { metrics: { callInDuration: 200_000, countOfHandledCallIn: 1, pauseDuration: 0, freeDuration: 700_000 } }),
    qh(USER_A, T0 + 8 * Q, 600_000, { metrics: { freeDuration: 600_000 } }), // 11:00 local
    qh(USER_A, T0 + 24 * 3_600_000, 900_000, { metrics: { freeDuration: 900_000 } }), // the next day, 09:00 local
    qh(USER_B, T0, 300_000, { metrics: { freeDuration: 300_000 } }),
    qh(USER_C, Date.UTC(2024, 0, 10, 8), 100_000), // known to the tenant, nothing on the 15th
    qh(EVO, T0, 600_000, { source: 'evo-voice', userName: 'Evo Agent', ...EVO_NULLS, metrics: { notReadyDuration: 0, callOutDuration: 100_000, countOfHandledCallOut: 1 } }),
  ]);
  app = testServer(store.reader);
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

describe('GET /api/agents_work_report parameters', () => {
  it('answers Thulium\'s error body, all problems at once', async () => {
    expect(await errorCodes('agent_logins[]=x')).toEqual([1001, 1001]);
    expect(await errorCodes(`${DAY}`)).toEqual([1004]);
    expect(await errorCodes(`${DAY}&agent_logins[]=x&color=red`)).toEqual([1101]);
    expect(await errorCodes(`${DAY}&agent_logins[]=x&limit=5&limit=6`)).toEqual([1102]);
  });

  it('refuses agent groups and queues: agent-timelines has neither', async () => {
    expect(await errorCodes(`${DAY}&agent_group_ids[]=2`)).toEqual([1201]);
    expect(await errorCodes(`${DAY}&agent_group_ids[]=2&agent_logins[]=x`)).toEqual([1201]);
    expect(await errorCodes(`${DAY}&agent_logins[]=x&queues_ids[]=1`)).toEqual([1202]);
  });

  it('checks dates: formats, quarter-hours, order and the range cap', async () => {
    expect(await errorCodes('agent_logins[]=x&date_from=2024-01-15T09:00&date_to=2024-02-30')).toEqual([1002, 1002]);
    expect(await errorCodes('agent_logins[]=x&date_from=2024-01-15 09:10&date_to=2024-01-15 10:00:01')).toEqual([1205, 1205]);
    expect(await errorCodes('agent_logins[]=x&date_from=2024-01-15 10:00&date_to=2024-01-15 10:00')).toEqual([1003]);
    expect(await errorCodes('agent_logins[]=x&date_from=2024-01-16&date_to=2024-01-15 12:00')).toEqual([1003]);
    expect(await errorCodes('agent_logins[]=x&date_from=2024-01-01&date_to=2025-01-02')).toEqual([1206]);
    expect((await get('agent_logins[]=x&date_from=2024-01-01&date_to=2024-12-31')).statusCode).toBe(200);
  });

  it('checks aggregate_by, outbound_threshold, limit and offset', async () => {
    const base = `${DAY}&agent_logins[]=x`;
    expect(await errorCodes(`${base}&aggregate_by=minute`)).toEqual([1203]);
    expect(await errorCodes(`${base}&aggregate_by=quarter`)).toEqual([1005]);
    expect(await errorCodes(`${base}&outbound_threshold=10`)).toEqual([1204]);
    expect(await errorCodes(`${base}&outbound_threshold=-1`)).toEqual([1008]);
    expect(await errorCodes(`${base}&limit=101`)).toEqual([1006]);
    expect(await errorCodes(`${base}&limit=0`)).toEqual([1006]);
    expect(await errorCodes(`${base}&limit=1.5`)).toEqual([1006]);
    expect(await errorCodes(`${base}&offset=-1`)).toEqual([1007]);
    expect(await errorCodes(`${base}&timeZone=Mars/Olympus`)).toEqual([1105]);
    expect(await errorCodes(`${base}&tenant=a b`)).toEqual([1104]);
    expect(await errorCodes(`${DAY}&agent_logins[]=`)).toEqual([1103]);
    for (const ok of ['outbound_threshold=0', 'limit=100', 'limit=1', 'offset=5', 'aggregate_by=hour_of_day', 'timeZone=UTC']) {
      expect((await get(`${base}&${ok}`)).statusCode, ok).toBe(200);
    }
  });

  it('answers in Polish when Accept-Language starts with pl', async () => {
    const response = await get(`${DAY}&agent_group_ids[]=2`, { 'accept-language': 'pl-PL,pl;q=0.9' });
    expect(JSON.parse(response.body).errors[0].message).toMatch(/^Grupy agentów nie są obsługiwane/);
    const english = await get(`${DAY}&agent_group_ids[]=2`, { 'accept-language': 'en-US' });
    expect(JSON.parse(english.body).errors[0].message).toMatch(/^Agent groups are not supported/);
  });

  it('answers 503 in Thulium\'s shape, with Retry-After, when the store cannot be read', async () => {
    const broken: TimelineReader = { ...store.reader, getCompleteness: async () => Promise.reject(new Error('connection lost')) } as unknown as TimelineReader;
    const down = testServer(broken);
    const response = await down.inject(`${URL}?${DAY}&agent_logins[]=${USER_A}`);
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(JSON.parse(response.body)).toMatchObject({ errors: [{ code: 5003 }] });
    await down.close();
  });

  it('takes PHP-style, indexed and encoded list forms alike', async () => {
    const php = await rows(`${MORNING}&aggregate_by=hour&agent_logins[]=${USER_A}&agent_logins[]=${USER_B}`);
    expect(php).toHaveLength(6);
    expect(await rows(`${MORNING}&aggregate_by=hour&agent_logins[0]=${USER_A}&agent_logins[1]=${USER_B}`)).toEqual(php);
    expect(await rows(`${MORNING}&aggregate_by=hour&agent_logins%5B%5D=${USER_B}&agent_logins%5B%5D=${USER_A.toLowerCase()}`)).toEqual(php);
  });
});

describe('GET /api/agents_work_report rows', () => {
  it('one row per known agent and bucket, by login then period; unknown logins have none; no data is a row of nulls', async () => {
    const all = await rows(`${MORNING}&aggregate_by=hour&agent_logins[]=${USER_C}&agent_logins[]=nobody&agent_logins[]=${USER_A}&agent_logins[]=${EVO}&agent_logins[]=${USER_B}`);
    expect(all.map(summary)).toEqual([
      `${USER_B} 2024-01-15 09`, `${USER_B} 2024-01-15 10`, `${USER_B} 2024-01-15 11`,
      `${EVO} 2024-01-15 09`, `${EVO} 2024-01-15 10`, `${EVO} 2024-01-15 11`,
      `${USER_A} 2024-01-15 09`, `${USER_A} 2024-01-15 10`, `${USER_A} 2024-01-15 11`,
      `${USER_C} 2024-01-15 09`, `${USER_C} 2024-01-15 10`, `${USER_C} 2024-01-15 11`,
    ]);
    const [a9, a10, a11] = all.slice(6, 9) as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    expect(a9).toMatchObject({
      agent: { login: USER_A, name: 'Fox, John', surname: null },
      inbound: { count: null, answered_count: 3, sum: '00:10:00', average: '00:03:20', not_answered_count: null, wait_sum: null },
      chat: { closed: 1, responded: null },
      ticket: { closed: 2, responded: null, total_responded: null },
      outbound_above_threshold: { count: 1, sum: '00:01:00', average: '00:01:00' },
      outbound_below_threshold: { count: null, sum: null, average: null },
      login_date: null,
      logout_date: null,
      pauses: [{ id: 'all', count: null, sum: '00:01:40', average: null }, { id: 'free', count: null, sum: '00:16:40', average: null }],
    });
    // 10:00 has no stored quarter-hour of USER_A: unknown, not zero
    expect(a10).toMatchObject({ agent: { login: USER_A, name: 'Fox, John' }, inbound: { answered_count: null, sum: null }, chat: { closed: null }, pauses: [{ id: 'all', sum: null }, { id: 'free', sum: null }] });
    expect(a11).toMatchObject({ inbound: { answered_count: 0, sum: '00:00:00', average: '00:00:00' }, pauses: [{ id: 'all', sum: '00:00:00' }, { id: 'free', sum: '00:10:00' }] });
    expect(all[9]).toMatchObject({ agent: { login: USER_C, name: 'Bear, Bob' }, outbound_above_threshold: { count: null, sum: null, average: null } });
    // an Evo Voice agent: only what Evo Voice supplies is a number
    expect(all[3]).toMatchObject({
      agent: { login: EVO, name: 'Evo Agent' },
      inbound: { answered_count: null, sum: null, average: null },
      chat: { closed: null },
      ticket: { closed: null },
      outbound_above_threshold: { count: 1, sum: '00:01:40', average: '00:01:40' },
      pauses: [{ id: 'all', sum: null }, { id: 'free', sum: null }],
    });
  });

  it('default aggregate_by is month, clipped to the range; a date-only date_to takes the whole day', async () => {
    const [month, ...rest] = await rows(`${DAY}&agent_logins[]=${USER_A}`);
    expect(rest).toHaveLength(0);
    expect(month).toMatchObject({ period: '2024-01', pauses: [{ id: 'all', sum: '00:01:40' }, { id: 'free', sum: '00:26:40' }] });
    const days = await rows(`date_from=2024-01-15&date_to=2024-01-16&aggregate_by=day&agent_logins[]=${USER_A}`);
    expect(days.map((row) => [row['period'], (row['pauses'] as { sum: string }[])[1]?.sum])).toEqual([['2024-01-15', '00:26:40'], ['2024-01-16', '00:15:00']]);
    const weeks = await rows(`date_from=2024-01-15&date_to=2024-01-16&aggregate_by=week&agent_logins[]=${USER_A}`);
    expect(weeks.map((row) => row['period'])).toEqual(['2024-W03']);
    const years = await rows(`date_from=2024-01-15&date_to=2024-01-16&aggregate_by=year&agent_logins[]=${USER_A}`);
    expect(years.map((row) => row['period'])).toEqual(['2024']);
  });

  it('hour_of_day sums the same local hour over days, ordered 00..23', async () => {
    const hours = await rows(`date_from=2024-01-15 09:00&date_to=2024-01-16 10:00&aggregate_by=hour_of_day&agent_logins[]=${USER_A}`);
    expect(hours.map((row) => row['period'])).toEqual(Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')));
    expect(hours[9]).toMatchObject({ pauses: [{ id: 'all', sum: '00:01:40' }, { id: 'free', sum: '00:31:40' }] });
    expect(hours[11]).toMatchObject({ pauses: [{ id: 'all', sum: '00:00:00' }, { id: 'free', sum: '00:10:00' }] });
    expect(hours[10]).toMatchObject({ pauses: [{ id: 'all', sum: null }, { id: 'free', sum: null }] });
  });

  it('labels in the requested zone; the default zone is the tenant\'s configured one, else Europe/Warsaw', async () => {
    const utc = await rows(`${MORNING.replaceAll('09:00', '08:00').replace('12:00', '11:00')}&aggregate_by=hour&agent_logins[]=${USER_B}&timeZone=UTC`);
    expect(utc.map((row) => row['period'])).toEqual(['2024-01-15 08', '2024-01-15 09', '2024-01-15 10']);
    expect(utc[0]).toMatchObject({ pauses: [{ id: 'all' }, { id: 'free', sum: '00:05:00' }] });
    const helsinki = testServer(store.reader, { tenantTimeZones: { default: 'Europe/Helsinki' } });
    const response = await helsinki.inject(`${URL}?date_from=2024-01-15 10:00&date_to=2024-01-15 11:00&aggregate_by=hour&agent_logins[]=${USER_B}`);
    expect(rowsOf(response.body)).toMatchObject([{ period: '2024-01-15 10', pauses: [{ id: 'all' }, { id: 'free', sum: '00:05:00' }] }]);
    await helsinki.close();
  });

  it('pages with offset and limit over login-then-period order, X-Total-Count before paging', async () => {
    const query = `${MORNING}&aggregate_by=hour&agent_logins[]=${USER_A}&agent_logins[]=${USER_B}`;
    const all = await rows(query);
    const first = await get(`${query}&limit=4`);
    expect(first.headers['x-total-count']).toBe('6');
    expect(rowsOf(first.body)).toEqual(all.slice(0, 4));
    expect(await rows(`${query}&limit=4&offset=4`)).toEqual(all.slice(4));
    expect(await rows(`${query}&offset=6`)).toEqual([]);
  });
});
