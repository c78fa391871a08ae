import { describe, expect, it } from 'vitest';
import { sinchAgentSnapshot, sinchLiveContact } from '../../../src/vendors/sinch/live-records.ts';

const AT = Date.parse('2024-03-04T12:00:00.000Z');
const USER = 'E936C474B22311D38FBE0090279A922E';

/** A raw.sinch.agent-status value as the poller publishes the document's example row. */
const snapshotValue = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  userId: USER, userName: 'Fox, John', profile: 'Available', profileReason: 'None', profileDuration: 60_000, profileType: 'Presence', userStatus: 'Ready',
  availability: 'Busy', userStatusDuration: 3_600_000, contactHandlingStatus: 'Talking_Inbound', contactHandlingStatusDuration: 60_000, number: '201',
  mobileNumber: '+358123456201', externalNumber: '+358123456201', email: 'john.fox@sinch.com', chatName: 'Fox, John', chat: 'john.fox@sinch.com', chatCapacity: 1,
  reportingGroupId: '1381038F462C4E4684D997B5924F83DE', reportingGroupName: 'Sales', location: 'Espoo', changeTimestamp: '2019-12-25T10:11:12.000Z',
  snapshotAt: AT, tenant: 't1', source: 'sinch-rai/agentStatus', pollId: 'p', receivedAt: AT, ...over,
});

const contactValue = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  endpoint: 'contactStatistic', contactId: 'C1', channel: 'Phone', type: 'CallIn', userId: USER, userName: 'Fox, John',
  countOfCompletedContacts: 0, countOfHandledContacts: 1, maxChangeTimestamp: '2024-03-04T11:59:00.000Z', tenant: 't1', source: 'sinch-rai/contactStatistic', pollId: 'p', receivedAt: AT, ...over,
});

describe('Sinch agentStatus snapshots', () => {
  it('keep the reporting group, the agent info and the profile start (snapshotAt − profileDuration)', () => {
    expect(sinchAgentSnapshot(snapshotValue())).toEqual({
      tenant: 't1', userId: USER, snapshotAt: AT, userName: 'Fox, John', reportingGroupId: '1381038F462C4E4684D997B5924F83DE', reportingGroupName: 'Sales',
      profile: 'Available', profileType: 'Presence', profileSince: AT - 60_000, userStatus: 'Ready', userStatusSince: AT - 3_600_000, contactHandlingStatus: 'Talking_Inbound', contactHandlingStatusSince: AT - 60_000,
      info: { number: '201', mobileNumber: '+358123456201', externalNumber: '+358123456201', email: 'john.fox@sinch.com', chatName: 'Fox, John', chat: 'john.fox@sinch.com', chatCapacity: 1, location: 'Espoo' },
    });
  });

  it('leave unknowns null and refuse what is no snapshot', () => {
    const bare = sinchAgentSnapshot(snapshotValue({ profileDuration: null, chatCapacity: null, location: null, reportingGroupId: null }));
    expect(bare).toMatchObject({ profileSince: null, reportingGroupId: null, info: { chatCapacity: null, location: null } });
    expect(sinchAgentSnapshot(snapshotValue({ userId: '' }))).toEqual({ problem: 'missing userId' });
    expect(sinchAgentSnapshot(snapshotValue({ snapshotAt: 'soon' }))).toEqual({ problem: 'invalid snapshotAt "soon"' });
    expect(sinchAgentSnapshot(snapshotValue({ chatCapacity: -1 }))).toEqual({ problem: 'invalid chatCapacity -1' });
  });
});

describe('Sinch contact records', () => {
  it('are active at their user while handled and not completed, since their last change (the connect)', () => {
    expect(sinchLiveContact(contactValue())).toEqual({
      tenant: 't1', contactId: 'C1', userId: USER, channel: 'phone', direction: 'Inbound', active: true, since: Date.parse('2024-03-04T11:59:00.000Z'),
      changedAt: Date.parse('2024-03-04T11:59:00.000Z'), completed: false,
    });
  });

  it('are not active while queuing, once completed, or without a user; contactHistory rows are completed', () => {
    expect(sinchLiveContact(contactValue({ countOfHandledContacts: 0 }))).toMatchObject({ active: false, completed: false, since: null });
    expect(sinchLiveContact(contactValue({ countOfCompletedContacts: 1 }))).toMatchObject({ active: false, completed: true });
    expect(sinchLiveContact(contactValue({ userId: null }))).toMatchObject({ active: false, userId: null });
    expect(sinchLiveContact(contactValue({ endpoint: 'contactHistory' }))).toMatchObject({ active: false, completed: true });
    expect(sinchLiveContact(contactValue({ type: 'ChatOut' }))).toMatchObject({ channel: 'chat', direction: 'Outbound' });
  });

  it('refuse what is no contact', () => {
    expect(sinchLiveContact(contactValue({ type: 'Fax' }))).toEqual({ problem: 'unknown contact type "Fax"' });
    expect(sinchLiveContact(contactValue({ contactId: null }))).toEqual({ problem: 'missing contactId' });
    expect(sinchLiveContact(contactValue({ maxChangeTimestamp: 'x' }))).toEqual({ problem: 'invalid maxChangeTimestamp "x"' });
    expect(sinchLiveContact(contactValue({ countOfHandledContacts: null }))).toEqual({ problem: 'countOfCompletedContacts and countOfHandledContacts must be non-negative integers' });
  });
});
