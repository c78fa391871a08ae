/**
 * The compact session states of state format 10 (src/core/engine/compact-session-state.ts): a decoded state equals
 * the encoded one, through JSON, for any field values; the fields are written in a fixed order without names.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSessionState, encodeSessionState } from '../../../src/core/engine/compact-session-state.ts';
import type { CompactSessionState } from '../../../src/core/engine/compact-session-state.ts';
import type { SessionState } from '../../../src/core/session/session-state.ts';
import { initialSessionState } from '../../../src/core/session/session-state.ts';

const time = fc.option(fc.integer({ min: 0, max: 2 ** 42 }), { nil: null });
const text = fc.option(fc.constantFrom('Office', 'Lunch', '', '["P",null,"C"]', 'Ünïcødé 名前'), { nil: null });
const code = fc.integer({ min: 0, max: 12 });

const stateArb: fc.Arbitrary<SessionState> = fc.record({
  cursor: time,
  ended: fc.boolean(),
  endTime: time,
  lastEventTime: time,
  presenceKnown: fc.boolean(),
  user: code,
  handling: code,
  userSince: time,
  handlingSince: time,
  profile: text,
  profileReason: text,
  profileType: text,
  campaignId: text,
  lastContact: code,
  runKind: code,
  runPart: text,
  runStart: time,
  segment: fc.option(fc.record({ start: fc.integer({ min: 0, max: 2 ** 42 }), user: code, handling: code, profile: text, profileReason: text, profileType: text, campaignId: text }), { nil: null }),
});

describe('compact session states', () => {
  it('decode to the state that was encoded, also through JSON, with a segment of their own', () => {
    fc.assert(
      fc.property(stateArb, (state) => {
        const persisted = JSON.parse(JSON.stringify(encodeSessionState(state))) as CompactSessionState;
        const decoded = decodeSessionState(persisted);
        expect(decoded).toEqual(state);
        expect(Object.keys(decoded)).toEqual(Object.keys(initialSessionState()));
        if (decoded.segment !== null) expect(decoded.segment).not.toBe(state.segment);
      }),
    );
  });

  it('write the fields in their order, without names', () => {
    const state: SessionState = { ...initialSessionState(), cursor: 9, lastEventTime: 8, user: 1, handling: 4, handlingSince: 5, runKind: 1, runStart: 5, segment: { start: 5, user: 1, handling: 4, profile: null, profileReason: null, profileType: null, campaignId: 'C' } };
    expect(JSON.stringify(encodeSessionState(state))).toBe('[9,false,null,8,true,1,4,null,5,null,null,null,null,0,1,null,5,[5,1,4,null,null,null,"C"]]');
  });
});
