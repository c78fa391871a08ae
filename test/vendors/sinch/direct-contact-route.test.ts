import { describe, expect, it } from 'vitest';
import { KIND_CALL_IN, KIND_CALL_OUT } from '../../../src/core/events/status.ts';
import { adaptSinchRecord } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';
import { sinchDirectContactRoute } from '../../../src/vendors/sinch/direct-contact-route.ts';

const contact = {
  endpoint: 'contactHistory', contactId: '6BE639E35B75440C840881F04D260EF8', channel: 'Phone', type: 'CallIn', queueId: null, userId: 'AC083B34470B4164A6A5968DD031B5E5',
  userName: 'Fox, John', countOfHandledContacts: 1, handlingDurationUser: 61_000, afterworkDuration: 9_000, maxChangeTimestamp: '2019-12-25T10:11:12.000Z',
  tenant: 't1', source: 'sinch-rai/contactHistory', pollId: 'p1', receivedAt: 1,
};

describe('Sinch direct contacts: the route onto the history topic, and the adapter', () => {
  it('routes a handled direct call keyed by its user, and the adapter reads it back as a DirectContact', () => {
    const routed = sinchDirectContactRoute(contact);
    expect(routed).toMatchObject({ key: contact.userId, value: { sessionId: '', userId: contact.userId, changeTimestamp: contact.maxChangeTimestamp, directContactId: contact.contactId, directContactType: 'CallIn', directHandlingDuration: 61_000, directAfterworkDuration: 9_000 } });
    const value = (routed as { value: Record<string, unknown> }).value;
    const present = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
    expect(adaptSinchRecord(present)).toEqual({
      events: [],
      directContacts: [{ contactId: contact.contactId, userId: contact.userId, kind: KIND_CALL_IN, handlingMs: 61_000, afterworkMs: 9_000, changeTime: Date.parse(contact.maxChangeTimestamp) }],
    });
    expect(adaptSinchRecord({ ...present, directContactType: 'CallOut' })).toMatchObject({ directContacts: [{ kind: KIND_CALL_OUT }] });
    expect(adaptSinchRecord({ ...present, directContactType: 'ChatIn' })).toEqual({ rejection: 'not-a-call' });
  });

  it('routes nothing for a queued, unhandled, live or non-call contact, and refuses a direct call it cannot place', () => {
    expect(sinchDirectContactRoute({ ...contact, queueId: '249CEA29B6494EF1B1D16D23FE70E702' })).toBeNull();
    expect(sinchDirectContactRoute({ ...contact, countOfHandledContacts: 0, handlingDurationUser: 0 })).toBeNull();
    expect(sinchDirectContactRoute({ ...contact, endpoint: 'contactStatistic' })).toBeNull();
    expect(sinchDirectContactRoute({ ...contact, type: 'EmailIn' })).toBeNull();
    expect(sinchDirectContactRoute({ ...contact, userId: null })).toBeNull();
    expect(sinchDirectContactRoute({ ...contact, afterworkDuration: null })).toEqual({ problem: expect.stringContaining('without afterworkDuration') });
  });
});
