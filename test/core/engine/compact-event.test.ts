/**
 * The compact session log of state format 7 (src/core/engine/compact-event.ts): decoding an encoded log gives the same
 * events, for any names, attributes and users; repeated names are written once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeLog, encodeLog } from '../../../src/core/engine/compact-event.ts';
import type { AgentEvent } from '../../../src/core/events/agent-event.ts';
import { createAgentEvent } from '../../../src/core/events/agent-event.ts';

const SESSION = 'S-1';
const USER = 'U-1';

const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

const eventArb: fc.Arbitrary<AgentEvent> = fc
  .record({
    userId: fc.constantFrom(USER, USER, USER, 'U-2'),
    userName: fc.constantFrom('Fox, John', 'Fox, John', 'John Fox', '', 'Ünïcødé 名前'),
    eventTime: fc.integer({ min: 0, max: 2 ** 42 }),
    lag: fc.integer({ min: 0, max: 10_000 }),
    handling: fc.boolean(),
    value: fc.constantFrom('Ready', 'NotReady', 'Pause', 'LoggedOut', 'Waiting', 'Talking_Inbound', 'OBJoin'),
    code: fc.integer({ min: -3, max: 20 }),
    profile: optional(fc.constantFrom('Office', 'Lunch', '')),
    profileReason: optional(fc.constantFrom('NONE', 'LUNCH')),
    profileType: optional(fc.constantFrom('Presence', 'Absence')),
    campaignId: optional(fc.constantFrom('C1', 'C2')),
    vendorPosition: optional(fc.tuple(fc.nat(), fc.nat())),
  })
  .map((r) =>
    createAgentEvent(
      { sessionId: SESSION, userId: r.userId, userName: r.userName, eventTime: r.eventTime, changeTime: r.eventTime + r.lag, kind: r.handling ? 'handling' : 'userStatus', value: r.value as AgentEvent['value'], code: r.code },
      { profile: r.profile, profileReason: r.profileReason, profileType: r.profileType, campaignId: r.campaignId, vendorPoll: r.vendorPosition?.[0], vendorRow: r.vendorPosition?.[1] },
    ),
  );

describe('compact session log', () => {
  it('decodes to the events that were encoded, also through JSON', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), (log) => {
        const persisted = JSON.parse(JSON.stringify(encodeLog(log, USER))) as ReturnType<typeof encodeLog>;
        expect(decodeLog(persisted, SESSION, USER)).toEqual(log);
      }),
    );
  });

  it('encodes an event persisted as JSON before format 7 as the engine holds it', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 20 }), (log) => {
        const asJson = JSON.parse(JSON.stringify(log)) as Record<string, unknown>[];
        expect(encodeLog(asJson, USER)).toEqual(encodeLog(log, USER));
      }),
    );
  });

  it('writes a name only where it changes, and another user only where the event is not the session user\'s', () => {
    const base = { sessionId: SESSION, userId: USER, changeTime: 5, kind: 'handling' as const, value: 'Waiting' as const, code: 1 };
    const log = [
      createAgentEvent({ ...base, userName: 'A', eventTime: 1 }),
      createAgentEvent({ ...base, userName: 'A', eventTime: 2 }, { profile: 'Office' }),
      createAgentEvent({ ...base, userName: 'B', eventTime: 3, userId: 'U-2' }),
    ];
    expect(encodeLog(log, USER)).toEqual([
      [1, 5, 1, 'Waiting', 1, 'A'],
      [2, 5, 1, 'Waiting', 1, null, { profile: 'Office' }],
      [3, 5, 1, 'Waiting', 1, 'B', { userId: 'U-2' }],
    ]);
  });
});
