import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentSnapshot } from '../../src/core/live/agent-snapshot.ts';
import { buildServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { LiveAgentStore } from '../../src/state/live-agent-store.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import type { StoreFixture } from './support/http-fixture.ts';
import { agentState, createStoreFixture, LATENESS_MS, rowsOf, segment, TENANT, USER_A, USER_B, USER_C } from './support/http-fixture.ts';

const T = Date.UTC(2024, 5, 1, 10);
const NOW = T + 3_600_000;
const GROUP_1 = '2F7A2AA969744BA7A8544C79ACD0DCD0';
const GROUP_2 = '88D28FCD5367489381DE66700E0F44B6';

const snapshot = (userId: string, group: string, fields: Partial<AgentSnapshot> = {}): AgentSnapshot => ({
  tenant: TENANT, userId, snapshotAt: T + 1_900_000, userName: null, reportingGroupId: group, reportingGroupName: `Group ${group.slice(0, 4)}`, profile: 'Available', profileType: 'Presence',
  profileSince: T, userStatus: 'Ready', userStatusSince: T, contactHandlingStatus: 'Talking_Inbound', contactHandlingStatusSince: T + 600_000,
  info: { number: '201', mobileNumber: null, externalNumber: null, email: null, chatName: null, chat: null, chatCapacity: 1, location: 'Espoo' }, ...fields,
});

let store: StoreFixture;
let app: FastifyInstance;
let registry: Registry;

beforeAll(async () => {
  store = await createStoreFixture();
  await store.write([
    { kind: 'agentState', state: agentState(USER_A, { userStatusSince: T, handlingStatusSince: T + 600_000, handlingStatus: 'Talking_Inbound', asOf: T + 900_000 }) },
    { kind: 'agentState', state: agentState(USER_B, { userStatusSince: T, handlingStatusSince: T, asOf: T + 900_000 }) },
    { kind: 'agentState', state: agentState(USER_C, { userStatusSince: T, handlingStatusSince: T, asOf: T + 900_000 }) },
    { kind: 'segment', segment: segment(USER_A, T, T + 600_000) },
  ]);
  await store.watermark(T + 1_800_000);
  const live = new LiveAgentStore(store.redis, storeKeys(store.prefix), 400_000_000_000);
  await live.write([
    { kind: 'snapshot', snapshot: snapshot(USER_A, GROUP_1) },
    // B's session ended at the vendor at T + 1 000 000 without a LoggedOut in the history
    { kind: 'snapshot', snapshot: snapshot(USER_B, GROUP_2, { userStatus: 'LoggedOut', userStatusSince: T + 1_000_000, contactHandlingStatus: null, contactHandlingStatusSince: null }) },
    // C's vendor logout is too recent to be confirmed (the history is complete up to T + 1 800 000)
    { kind: 'snapshot', snapshot: snapshot(USER_C, GROUP_2, { userStatus: 'LoggedOut', userStatusSince: T + 1_600_000, contactHandlingStatus: null, contactHandlingStatusSince: null }) },
    { kind: 'contact', contact: { tenant: TENANT, contactId: 'C1', userId: USER_A, channel: 'phone', direction: 'Inbound', active: true, since: T + 600_000, changedAt: T + 600_000, completed: false } },
  ]);
  registry = new Registry();
  app = buildServer({
    reader: store.reader, liveAgents: live, clock: () => NOW, probes: [], registry, logger: createLogger('silent'), tenant: TENANT, allowedLatenessMs: LATENESS_MS, collectDefaultMetrics: false, reconcileGraceMs: 300_000,
  });
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

describe('GET /agentStatus with live agent data', () => {
  it('adds the reporting group, the agent info, the profile run and the active contacts', async () => {
    const [row] = rowsOf((await app.inject(`/agentStatus?userId=${USER_A}&showAgentInfo=true`)).body);
    expect(row).toMatchObject({
      reportingGroupid: GROUP_1, reportingGroupName: 'Group 2F7A', profileType: 'Presence', profileDuration: 3_600_000, phoneActiveInboundContacts: 1, phoneActiveInboundDuration: 3_000_000,
      number: '201', location: 'Espoo', mobileNumber: null,
    });
    expect(row).not.toHaveProperty('reconciled');
  });

  it('filters by reporting group, hyphens or not', async () => {
    const ids = async (query: string) => rowsOf((await app.inject(`/agentStatus?${query}&sort=userId`)).body).map((r) => r['userId']);
    expect(await ids(`reportingGroupId=${GROUP_2}`)).toEqual([USER_B, USER_C].sort());
    expect(await ids('reportingGroupId=2f7a2aa9-6974-4ba7-a854-4c79acd0dcd0')).toEqual([USER_A]);
    expect((await app.inject('/agentStatus?reportingGroupId=nope')).body).toBe("Invalid GUID: 'nope'");
  });

  it('serves the snapshot once it disagrees with the history beyond the grace period, counts it once and says so', async () => {
    for (let i = 0; i < 2; i++) {
      const rows = rowsOf((await app.inject('/agentStatus?sort=userId')).body);
      const b = rows.find((r) => r['userId'] === USER_B);
      expect(b).toMatchObject({ userStatus: 'LoggedOut', availability: 'LoggedOut', userStatusDuration: 2_600_000, loggedIn: false, reconciled: 'ended-without-logout' });
      expect(b).not.toHaveProperty('contactHandlingStatus');
      expect(rows.find((r) => r['userId'] === USER_C)).toMatchObject({ userStatus: 'Ready', loggedIn: true });
      expect(rows.find((r) => r['userId'] === USER_C)).not.toHaveProperty('reconciled');
    }
    expect(await registry.getSingleMetricAsString('agent_timelines_agent_status_disagreements_total')).toContain('agent_timelines_agent_status_disagreements_total{kind="ended-without-logout"} 1');
  });
});
