import { describe, expect, it } from 'vitest';
import type { ActiveContact } from '../../../src/core/live/live-contact.ts';
import { ACTIVE_CONTACT_FIELDS, activeContactFields, compareContactVersions } from '../../../src/core/live/live-contact.ts';

const NOW = Date.UTC(2024, 2, 4, 12);
const contact = (contactId: string, channel: ActiveContact['channel'], direction: ActiveContact['direction'], since: number): ActiveContact => ({ contactId, userId: 'U', channel, direction, since });

describe('active-contact fields', () => {
  it('are the document twelve, in its order', () => {
    expect(ACTIVE_CONTACT_FIELDS).toEqual([
      'phoneActiveInboundContacts', 'phoneActiveInboundDuration', 'phoneActiveOutboundContacts', 'phoneActiveOutboundDuration',
      'chatActiveInboundContacts', 'chatActiveInboundDuration', 'chatActiveOutboundContacts', 'chatActiveOutboundDuration',
      'emailActiveInboundContacts', 'emailActiveInboundDuration', 'emailActiveOutboundContacts', 'emailActiveOutboundDuration',
    ]);
  });

  it('count the contacts per channel and direction and time the earliest connect; channels without one are left out', () => {
    const fields = activeContactFields([
      contact('a', 'chat', 'Inbound', NOW - 60_000),
      contact('b', 'chat', 'Inbound', NOW - 300_000),
      contact('c', 'phone', 'Outbound', NOW - 1_000),
      contact('d', 'email', 'Inbound', NOW + 5_000),
    ], NOW);
    expect(fields).toEqual({ phoneActiveOutboundContacts: 1, phoneActiveOutboundDuration: 1_000, chatActiveInboundContacts: 2, chatActiveInboundDuration: 300_000 });
    expect(activeContactFields([], NOW)).toEqual({});
  });

  it('order versions by change time, a completed version after an open one at the same time', () => {
    expect(compareContactVersions({ changedAt: 2, completed: false }, { changedAt: 1, completed: true })).toBeGreaterThan(0);
    expect(compareContactVersions({ changedAt: 1, completed: true }, { changedAt: 1, completed: false })).toBeGreaterThan(0);
    expect(compareContactVersions({ changedAt: 1, completed: false }, { changedAt: 1, completed: false })).toBe(0);
  });
});
