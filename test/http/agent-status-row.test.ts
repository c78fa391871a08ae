import { describe, expect, it } from 'vitest';
import type { AgentSnapshot } from '../../src/core/live/agent-snapshot.ts';
import { agentStatusRow } from '../../src/http/agent-status-row.ts';
import type { AgentStateRow } from '../../src/state/store-types.ts';

const T = Date.UTC(2024, 5, 1, 10);
const NOW = T + 600_000;
const USER = 'AC083B34470B4164A6A5968DD031B5E5';

const state = (fields: Partial<AgentStateRow> = {}): AgentStateRow => ({
  tenant: 't', source: 'sinch-rai', userId: USER, userName: 'Fox, John', sessionId: 'S1', loggedIn: true, userStatus: 'Ready', handlingStatus: 'Waiting',
  profile: 'Office', profileReason: 'NONE', campaignId: null, userStatusSince: T, handlingStatusSince: T + 60_000, asOf: T + 300_000, ...fields,
});

const snapshot = (fields: Partial<AgentSnapshot> = {}): AgentSnapshot => ({
  tenant: 't', userId: USER, snapshotAt: T + 120_000, userName: 'Fox, John', reportingGroupId: 'G1', reportingGroupName: 'Sales', profile: 'Office', profileType: 'Presence',
  profileSince: T - 30_000, userStatus: 'Ready', userStatusSince: T, contactHandlingStatus: 'Waiting', contactHandlingStatusSince: T + 60_000,
  info: { number: '201', mobileNumber: null, externalNumber: null, email: 'a@b', chatName: 'Fox, John', chat: 'a@b', chatCapacity: 2, location: 'Espoo' }, ...fields,
});

const ACTIVE_NULLS = Object.fromEntries(['phone', 'chat', 'email'].flatMap((c) => ['Inbound', 'Outbound'].flatMap((d) => [[`${c}Active${d}Contacts`, null], [`${c}Active${d}Duration`, null]])));

describe('the RAI agentStatus row', () => {
  it('is null wherever the source supplies nothing (no snapshot, no contact feed, no profile run)', () => {
    const row = agentStatusRow(state({ source: 'thulium' }), NOW, { showAgentInfo: true });
    expect(row).toMatchObject({ reportingGroupid: null, reportingGroupName: null, profileType: null, profileDuration: null, ...ACTIVE_NULLS, number: null, location: null, chatCapacity: null });
  });

  it('takes the profile run from the timeline, the group and agent info from the snapshot, and the active contacts at now', () => {
    const row = agentStatusRow(state(), NOW, {
      snapshot: snapshot(), profileRun: { since: T, profileType: 'Presence' }, showAgentInfo: true,
      activeContacts: [{ contactId: 'C1', userId: USER, channel: 'chat', direction: 'Inbound', since: T + 540_000 }],
    });
    expect(row).toMatchObject({ reportingGroupid: 'G1', reportingGroupName: 'Sales', profileType: 'Presence', profileDuration: 600_000, chatActiveInboundContacts: 1, chatActiveInboundDuration: 60_000, number: '201', chatCapacity: 2, mobileNumber: null });
    expect(row).not.toHaveProperty('phoneActiveInboundContacts');
    expect(agentStatusRow(state(), NOW, { snapshot: snapshot() })).not.toHaveProperty('number');
  });

  it("falls back to the snapshot's profile start and type only when it describes the current profile after the last change", () => {
    const unknownRun = { since: null, profileType: null };
    expect(agentStatusRow(state(), NOW, { snapshot: snapshot(), profileRun: unknownRun })).toMatchObject({ profileType: 'Presence', profileDuration: 630_000 });
    expect(agentStatusRow(state(), NOW, { snapshot: snapshot({ profile: 'Lunch' }), profileRun: unknownRun })).toMatchObject({ profileType: null, profileDuration: null });
    expect(agentStatusRow(state(), NOW, { snapshot: snapshot({ snapshotAt: T + 30_000 }), profileRun: unknownRun })).toMatchObject({ profileType: null, profileDuration: null });
  });

  it('of a logged-out agent has its group but no profile, handling or active contacts', () => {
    const row = agentStatusRow(state({ loggedIn: false, userStatus: 'LoggedOut', handlingStatus: 'LoggedOut', profile: null, profileReason: null }), NOW, { snapshot: snapshot(), activeContacts: [] });
    expect(row).toMatchObject({ userStatus: 'LoggedOut', availability: 'LoggedOut', reportingGroupid: 'G1' });
    for (const field of ['profile', 'profileType', 'profileDuration', 'contactHandlingStatus', 'phoneActiveInboundContacts']) expect(row).not.toHaveProperty(field);
  });
});
