import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiToken } from '../../src/config/config-schema.ts';
import { buildServer } from '../../src/http/server.ts';
import type { LiveLimits, ServerSecurity } from '../../src/http/server-deps.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { ChangeFeed } from '../../src/state/change-feed.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import type { AgentStateRow } from '../../src/state/store-types.ts';
import { agentState, createStoreFixture, LATENESS_MS, TENANT, USER_A, USER_B, USER_C } from './support/http-fixture.ts';
import type { StoreFixture } from './support/http-fixture.ts';
import { openEventStream } from './support/sse-client.ts';
import type { ReceivedEvent, SseConnection } from './support/sse-client.ts';
import { BOARD_UNKNOWN_FIELDS } from '../../src/http/live/board-row.ts';

const NOW = Date.UTC(2024, 5, 1, 12);
/** The client name of this file's feed connections, so other tests' connections on the same Redis do not count. */
const CONNECTION_NAME = `board-events-test-${randomUUID()}`;
const sha = (token: string): string => createHash('sha256').update(token).digest('hex');
const TOKENS: ApiToken[] = [
  { name: 'mine', sha256: sha('secret-mine'), tenants: [TENANT], scopes: [] },
  { name: 'other', sha256: sha('secret-other'), tenants: ['other'], scopes: [] },
];

const put = (...states: AgentStateRow[]) => states.map((s) => ({ kind: 'agentState' as const, state: s }));
const state = (userId: string, asOf: number, fields: Partial<AgentStateRow> = {}): AgentStateRow =>
  agentState(userId, { asOf, userStatusSince: asOf, handlingStatusSince: asOf, ...fields });

interface Snapshot { serverTime: string; agents: Record<string, unknown>[] }
interface Change { serverTime: string; agent: Record<string, unknown> }

/**
 * GET /board/events on the real Redis, over real HTTP (a listening server and a streaming client): snapshot, live
 * changes, resume from Last-Event-ID, the client bound, the shared feed connection, auth and shutdown.
 */
describe('GET /board/events', () => {
  let store: StoreFixture;
  const open: SseConnection[] = [];
  const servers: FastifyInstance[] = [];

  beforeAll(async () => {
    store = await createStoreFixture();
    await store.write(put(state(USER_A, NOW - 60_000), state(USER_B, NOW - 120_000, { userStatus: 'Pause', profile: 'Lunch', handlingStatus: null })));
  });
  afterEach(async () => {
    for (const connection of open.splice(0)) connection.close();
    for (const app of servers.splice(0)) await app.close();
  });
  afterAll(async () => store.close());

  async function serve(options: { live?: LiveLimits; security?: ServerSecurity } = {}): Promise<{ app: FastifyInstance; url: string }> {
    const app = buildServer({
      reader: store.reader, clock: () => NOW, probes: [], registry: new Registry(), logger: createLogger('silent'), tenant: TENANT, allowedLatenessMs: LATENESS_MS,
      collectDefaultMetrics: false, changeFeed: new ChangeFeed(store.redis, storeKeys(store.prefix), CONNECTION_NAME), live: { blockMs: 500, ...options.live },
      ...(options.security === undefined ? {} : { security: options.security }),
    });
    servers.push(app);
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    return { app, url: `${address}/board/events` };
  }

  async function connect(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
    const connection = await openEventStream(url, headers);
    open.push(connection);
    return connection;
  }

  const isAgentOf = (userId: string) => (event: ReceivedEvent): boolean => event.event === 'agent' && (JSON.parse(event.data) as Change).agent['userId'] === userId;

  it('sends a snapshot of every agent as /agentStatus has them, then each change as it is written', async () => {
    const { app, url } = await serve();
    const events = await connect(url);
    expect(events.status).toBe(200);
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(events.headers.get('cache-control')).toBe('no-store');
    const snapshot = await events.next((e) => e.event === 'snapshot');
    const body = JSON.parse(snapshot.data) as Snapshot;
    const status = (await app.inject({ method: 'GET', url: '/agentStatus?sort=userId' })).json() as Record<string, unknown>[];
    expect(body.agents.map((a) => a['userId'])).toEqual(status.map((row) => row['userId']));
    // the board carries the timeline's state; what /agentStatus adds from the vendor snapshots, the live contacts and
    // the profile's run in the timeline (BOARD_UNKNOWN_FIELDS) is null on the board
    for (const row of status) {
      const agent = body.agents.find((a) => a['userId'] === row['userId']);
      expect(agent).toMatchObject(Object.fromEntries(Object.entries(row).filter(([field]) => !BOARD_UNKNOWN_FIELDS.includes(field))));
      for (const field of BOARD_UNKNOWN_FIELDS) if (field in (agent ?? {})) expect(agent?.[field], field).toBeNull();
    }
    expect(body.agents.find((a) => a['userId'] === USER_B)).toMatchObject({ userStatus: 'Pause', profile: 'Lunch', userStatusDuration: 120_000, userStatusSince: new Date(NOW - 120_000).toISOString() });
    expect(snapshot.id).toBe(await new ChangeFeed(store.redis, storeKeys(store.prefix)).lastId(TENANT));

    await store.write(put(state(USER_C, NOW - 5_000, { userStatus: 'Ready', handlingStatus: 'Talking' })));
    const change = await events.next(isAgentOf(USER_C));
    expect((JSON.parse(change.data) as Change).agent).toMatchObject({ userId: USER_C, contactHandlingStatus: 'Talking', contactHandlingStatusDuration: 5_000 });
    expect(change.id).not.toBe(snapshot.id);
  });

  it('a client resuming with Last-Event-ID gets every change after it, in order, and no snapshot', async () => {
    const { url } = await serve();
    const first = await connect(url);
    const snapshot = await first.next((e) => e.event === 'snapshot');
    await store.write(put(state(USER_A, NOW - 50_000, { userStatus: 'Pause', profile: 'Coffee' })));
    const seen = await first.next(isAgentOf(USER_A));
    first.close();

    const written = [
      state(USER_A, NOW - 40_000, { userStatus: 'Ready' }),
      state(USER_B, NOW - 30_000, { userStatus: 'Ready', handlingStatus: 'Waiting' }),
      state(USER_A, NOW - 20_000, { userStatus: 'Ready', handlingStatus: 'Talking' }),
    ];
    for (const s of written) await store.write(put(s));
    const again = await connect(url, { 'last-event-id': seen.id! });
    const replayed = [await again.next((e) => e.event === 'agent'), await again.next((e) => e.event === 'agent'), await again.next((e) => e.event === 'agent')];
    expect(replayed.map((e) => (JSON.parse(e.data) as Change).agent['changeTimestamp'])).toEqual(written.map((s) => new Date(s.asOf).toISOString()));
    expect(again.seen.some((e) => e.event === 'snapshot')).toBe(false);
    const ids = replayed.map((e) => e.id!);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]! > seen.id! && seen.id! > snapshot.id!).toBe(true);

    // and from the resumed position on, live changes follow
    await store.write(put(state(USER_B, NOW - 10_000, { userStatus: 'Pause', profile: 'Lunch' })));
    expect((JSON.parse((await again.next(isAgentOf(USER_B))).data) as Change).agent['profile']).toBe('Lunch');
  });

  it('a Last-Event-ID the feed cannot show it still holds (trimmed, foreign, malformed) gets a fresh snapshot', async () => {
    const { url } = await serve();
    for (const id of ['1-0', '99999999999999-0', 'garbage']) {
      const events = await connect(url, { 'last-event-id': id });
      const first = await events.next();
      expect(first.event).toBe('snapshot');
      expect((JSON.parse(first.data) as Snapshot).agents.length).toBe(3);
    }
  });

  it('serves many clients of a tenant from one blocking Redis connection, and stops it when they leave', async () => {
    const { app, url } = await serve();
    const feedConnections = async (): Promise<number> =>
      String(await store.redis.client('LIST')).split('\n').filter((line) => line.includes(`name=${CONNECTION_NAME} `)).length;
    // the connections of the earlier tests' loops close asynchronously
    await expect.poll(feedConnections, { timeout: 3_000 }).toBe(0);
    const before = 0;
    const clients = await Promise.all([1, 2, 3, 4].map(() => connect(url)));
    for (const client of clients) await client.next((e) => e.event === 'snapshot');
    expect(await feedConnections()).toBe(before + 1);
    await store.write(put(state(USER_C, NOW - 1_000, { userStatus: 'Pause', profile: 'Meeting' })));
    for (const client of clients) expect((JSON.parse((await client.next(isAgentOf(USER_C))).data) as Change).agent['profile']).toBe('Meeting');
    const gauge = async (): Promise<string | undefined> => /^http_event_streams (\d+)$/m.exec((await app.inject('/metrics')).body)?.[1];
    expect(await gauge()).toBe('4');
    for (const client of clients) client.close();
    await expect.poll(feedConnections, { timeout: 3_000 }).toBe(before);
    expect(await gauge()).toBe('0');
  });

  it('answers 503 naming HTTP_SSE_MAX_CLIENTS beyond the bound, and sends heartbeats', async () => {
    const { url } = await serve({ live: { maxClients: 1, heartbeatMs: 300 } });
    const one = await connect(url);
    const heartbeat = await one.next((e) => e.event === 'heartbeat');
    expect(heartbeat.id).toBeUndefined();
    expect(JSON.parse(heartbeat.data)).toEqual({ serverTime: new Date(NOW).toISOString() });
    const refused = await fetch(url);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.text()).toMatch(/HTTP_SSE_MAX_CLIENTS/);
  });

  it('honours tokens and tenants like every data route', async () => {
    const { url } = await serve({ security: { tokens: TOKENS } });
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(`${url}?tenant=${TENANT}`, { headers: { authorization: 'Bearer secret-other' } })).status).toBe(403);
    const other = await connect(url, { authorization: 'Bearer secret-other' });
    expect((JSON.parse((await other.next((e) => e.event === 'snapshot')).data) as Snapshot).agents).toEqual([]);
    const mine = await connect(url, { authorization: 'Bearer secret-mine' });
    expect((JSON.parse((await mine.next((e) => e.event === 'snapshot')).data) as Snapshot).agents.length).toBe(3);
  });

  it('closing the server ends the open streams at once', async () => {
    const { app, url } = await serve();
    const events = await connect(url);
    await events.next((e) => e.event === 'snapshot');
    const started = Date.now();
    await app.close();
    servers.splice(servers.indexOf(app), 1);
    await events.ended;
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
