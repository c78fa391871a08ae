import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentStatusRow } from '../../src/http/routes/agent-status-route.ts';
import type { StoreFixture } from './support/http-fixture.ts';
import { agentState, createStoreFixture, LATENESS_MS, rowsOf, segment, testServer, USER_A, USER_B, USER_C } from './support/http-fixture.ts';

const T = Date.UTC(2024, 5, 1, 10);
const NOW = T + 3_600_000;

let store: StoreFixture;
let app: FastifyInstance;

beforeAll(async () => {
  store = await createStoreFixture();
  await store.write([
    { kind: 'agentState', state: agentState(USER_A, { userStatusSince: T, handlingStatusSince: T + 600_000, handlingStatus: 'Talking_Inbound', asOf: T + 900_000 }) },
    { kind: 'agentState', state: agentState(USER_B, { userStatus: 'Pause', profile: 'Lunch', userStatusSince: T + 1_200_000, handlingStatusSince: T + 1_200_000, asOf: T + 1_500_000 }) },
    { kind: 'agentState', state: agentState(USER_C, { loggedIn: false, userStatus: 'LoggedOut', handlingStatus: 'LoggedOut', profile: null, profileReason: null, userStatusSince: T - 3_600_000, handlingStatusSince: T - 3_600_000, asOf: T }) },
    { kind: 'segment', segment: segment(USER_A, T - 600_000, T) },
    { kind: 'segment', segment: segment(USER_A, T, T + 600_000, { handlingStatus: 'Talking_Inbound', revision: 2 }) },
    { kind: 'segment', segment: segment(USER_A, T + 600_000, T + 1_800_000, { userStatus: 'Pause' }) },
    { kind: 'segment', segment: segment(USER_A, T + 7_200_000, T + 7_500_000) },
  ]);
  await store.watermark(T + 600_000 + LATENESS_MS);
  app = testServer(store.reader, { clock: () => NOW });
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

describe('GET /agentStatus', () => {
  it('gives the current state with time in state from the injected clock', async () => {
    const response = await app.inject('/agentStatus?sort=userName');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['x-data-complete-up-to']).toBe(new Date(T + 600_000).toISOString());
    const [bob, fox, wolf] = rowsOf(response.body);
    expect(fox).toMatchObject({
      userId: USER_A, userName: 'Fox, John', userStatus: 'Ready', availability: 'Busy', contactHandlingStatus: 'Talking_Inbound',
      userStatusDuration: 3_600_000, contactHandlingStatusDuration: 3_000_000, changeTimestamp: new Date(T + 600_000).toISOString(), loggedIn: true,
    });
    expect(wolf).toMatchObject({ userStatus: 'Pause', availability: 'Away', profile: 'Lunch', userStatusDuration: 2_400_000 });
    expect(bob).toMatchObject({ userStatus: 'LoggedOut', availability: 'LoggedOut', userStatusDuration: 7_200_000, loggedIn: false });
    expect(bob).not.toHaveProperty('contactHandlingStatus');
    const later = testServer(store.reader, { clock: () => NOW + 1000 });
    expect(rowsOf((await later.inject(`/agentStatus?userId=${USER_A}`)).body)[0]).toMatchObject({ userStatusDuration: 3_601_000 });
    await later.close();
  });

  it('names the source, and for a source without presence gives availability only when a contact makes it known', () => {
    const hosted = (handlingStatus: string) => agentStatusRow(agentState(USER_A, { source: 'hostedsuite', userStatus: 'Unknown', handlingStatus, asOf: T }), NOW);
    expect(hosted('Talking_Inbound')).toMatchObject({ source: 'hostedsuite', userStatus: 'Unknown', availability: 'Busy' });
    expect(hosted('Waiting')).toMatchObject({ availability: null });
    expect(agentStatusRow(agentState(USER_A, { userStatus: 'Unknown', handlingStatus: 'Waiting', asOf: T }), NOW)).toMatchObject({ source: 'sinch-rai', availability: 'Away' });
  });

  it('selects by changeTimestamp range, userId, field filters, sort and paging', async () => {
    const recent = rowsOf((await app.inject(`/agentStatus?startTime=${new Date(T).toISOString()}`)).body);
    expect(recent.map((r) => r['userId'])).toEqual([USER_A, USER_B]);
    expect(rowsOf((await app.inject(`/agentStatus?userId=${USER_B}`)).body).map((r) => r['userId'])).toEqual([USER_B]);
    expect(rowsOf((await app.inject('/agentStatus?availability=B*')).body).map((r) => r['userId'])).toEqual([USER_A]);
    expect(rowsOf((await app.inject('/agentStatus?sort=-userStatusDuration&limit=1')).body).map((r) => r['userId'])).toEqual([USER_C]);
    const bad = await app.inject('/agentStatus?userId=nope!');
    expect([bad.statusCode, bad.body]).toEqual([400, "Invalid GUID: 'nope!'"]);
    expect((await app.inject('/agentStatus?reportingGroupId=2F7A2AA9697449BA7A854C79ACD0DCD0')).statusCode).toBe(400);
  });
});

describe('GET /agents/{userId}/timeline', () => {
  it('returns the segments overlapping [startTime, endTime) with per-segment final', async () => {
    const url = `/agents/${USER_A}/timeline?startTime=${new Date(T - 60_000).toISOString()}&endTime=${new Date(T + 3_600_000).toISOString()}`;
    const response = await app.inject(url);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['x-watermark']).toBe(new Date(T + 600_000 + LATENESS_MS).toISOString());
    const body = JSON.parse(response.body) as { userId: string; userName: string; segments: Record<string, unknown>[] };
    expect(body).toMatchObject({ userId: USER_A, userName: 'Fox, John' });
    expect(body.segments.map((s) => [s['start'], s['handlingStatus'], s['durationMs'], s['final'], s['revision']])).toEqual([
      [new Date(T - 600_000).toISOString(), 'Waiting', 600_000, true, 1],
      [new Date(T).toISOString(), 'Talking_Inbound', 600_000, true, 2],
      [new Date(T + 600_000).toISOString(), 'Waiting', 1_200_000, false, 1],
    ]);
    expect(body.segments.every((s) => s['source'] === 'sinch-rai')).toBe(true);
    const lower = await app.inject(`/agents/${USER_A.toLowerCase()}/timeline?startTime=${new Date(T + 7_000_000).toISOString()}&endTime=${new Date(T + 8_000_000).toISOString()}`);
    expect((JSON.parse(lower.body) as { segments: unknown[] }).segments).toHaveLength(1);
  });

  it('answers 400 for bad input and 404 for an unknown user', async () => {
    const range = 'startTime=2024-06-01T00:00:00Z&endTime=2024-06-02T00:00:00Z';
    expect((await app.inject(`/agents/xy%3Bz/timeline?${range}`)).body).toBe("Invalid GUID: 'xy;z'");
    expect((await app.inject(`/agents/xyz/timeline?${range}`)).body).toBe("Unknown user: 'xyz'");
    expect((await app.inject(`/agents/${USER_A}/timeline?startTime=2024-06-01T00:00:00Z`)).body).toBe('Missing required parameter: endTime');
    expect((await app.inject(`/agents/${USER_A}/timeline?startTime=2024-06-02T00:00:00Z&endTime=2024-06-01T00:00:00Z`)).statusCode).toBe(400);
    expect((await app.inject(`/agents/${USER_A}/timeline?${range}&limit=5`)).body).toBe('Unknown parameter: limit');
    const unknown = await app.inject(`/agents/2B8ED95B0EC911E79675005056A75D90/timeline?${range}`);
    expect([unknown.statusCode, unknown.body]).toEqual([404, "Unknown user: '2B8ED95B0EC911E79675005056A75D90'"]);
  });
});
