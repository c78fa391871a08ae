import { describe, expect, it } from 'vitest';
import type { AgentSnapshot } from '../../../src/core/live/agent-snapshot.ts';
import type { HistoryState } from '../../../src/core/live/reconcile.ts';
import { confirmedDisagreement } from '../../../src/core/live/reconcile.ts';

const T = Date.UTC(2024, 2, 4, 12);
const GRACE = 300_000;

const history = (fields: Partial<HistoryState> = {}): HistoryState => ({ loggedIn: true, userStatus: 'Ready', handlingStatus: 'Waiting', lastChange: T, completeUpTo: T + 600_000, ...fields });
const snapshot = (fields: Partial<AgentSnapshot> = {}): AgentSnapshot => ({
  tenant: 't', userId: 'U', snapshotAt: T + 700_000, userName: null, reportingGroupId: null, reportingGroupName: null, profile: null, profileType: null, profileSince: null,
  userStatus: 'Ready', userStatusSince: T, contactHandlingStatus: 'Waiting', contactHandlingStatusSince: T,
  info: { number: null, mobileNumber: null, externalNumber: null, email: null, chatName: null, chat: null, chatCapacity: null, location: null }, ...fields,
});

describe('reconciling a snapshot with the history', () => {
  it('finds nothing when they agree, or when the snapshot is older than the latest change', () => {
    expect(confirmedDisagreement(history(), snapshot(), GRACE)).toBeNull();
    expect(confirmedDisagreement(history({ lastChange: T + 800_000 }), snapshot({ userStatus: 'LoggedOut', userStatusSince: T + 100_000 }), GRACE)).toBeNull();
    expect(confirmedDisagreement(history({ completeUpTo: null }), snapshot({ userStatus: 'LoggedOut', userStatusSince: T + 100_000 }), GRACE)).toBeNull();
  });

  it('confirms a session that ended without LoggedOut once the history is complete for the grace past the vendor logout', () => {
    const loggedOut = snapshot({ userStatus: 'LoggedOut', userStatusSince: T + 300_000, contactHandlingStatus: null, contactHandlingStatusSince: null });
    expect(confirmedDisagreement(history(), loggedOut, GRACE)).toEqual({
      kind: 'ended-without-logout', vendorSince: T + 300_000,
      view: { loggedIn: false, userStatus: 'LoggedOut', userStatusSince: T + 300_000, handlingStatus: null, handlingStatusSince: null },
    });
    expect(confirmedDisagreement(history({ completeUpTo: T + 599_999 }), loggedOut, GRACE)).toBeNull();
  });

  it('names a missed login, another userStatus and another handling status, dated by the vendor', () => {
    expect(confirmedDisagreement(history({ loggedIn: false, userStatus: 'LoggedOut', handlingStatus: 'LoggedOut' }), snapshot(), GRACE)?.kind).toBe('missed-login');
    expect(confirmedDisagreement(history(), snapshot({ userStatus: 'Pause', userStatusSince: T + 200_000 }), GRACE)).toMatchObject({ kind: 'user-status', vendorSince: T + 200_000 });
    expect(confirmedDisagreement(history(), snapshot({ contactHandlingStatus: 'Talking_Inbound', contactHandlingStatusSince: T + 250_000 }), GRACE)).toMatchObject({ kind: 'handling', view: { handlingStatus: 'Talking_Inbound' } });
    expect(confirmedDisagreement(history(), snapshot({ contactHandlingStatus: 'Talking_Inbound', contactHandlingStatusSince: null }), GRACE)).toBeNull();
  });
});
