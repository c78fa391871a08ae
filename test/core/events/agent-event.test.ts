import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../../src/core/events/agent-event.ts';
import { compareEvents, createAgentEvent, isSameChange, isSessionEnd } from '../../../src/core/events/agent-event.ts';
import { handlingStatusCode, userStatusCode } from '../../../src/core/events/status.ts';

function event(kind: 'userStatus' | 'handling', value: string, eventTime: number, changeTime: number, profile?: string): AgentEvent {
  const code = (kind === 'userStatus' ? userStatusCode(value) : handlingStatusCode(value)) ?? 0;
  return createAgentEvent({ sessionId: 'S', userId: 'U', userName: 'n', eventTime, changeTime, kind, value: value as AgentEvent['value'], code }, { profile });
}

describe('canonical event order', () => {
  it('orders by eventTime, changeTime, kind (userStatus first), value', () => {
    const sorted = [
      event('handling', 'Waiting', 2, 1),
      event('handling', 'Dialing_Outbound_Campaign', 1, 3),
      event('handling', 'Preview', 1, 2),
      event('userStatus', 'Ready', 1, 2),
      event('handling', 'OBJoin', 1, 1),
    ].sort(compareEvents);
    expect(sorted.map((e) => e.value)).toEqual(['OBJoin', 'Ready', 'Preview', 'Dialing_Outbound_Campaign', 'Waiting']);
  });
  it('recognizes duplicates by (kind, eventTime, changeTime, value) and ends by LoggedOut', () => {
    expect(isSameChange(event('userStatus', 'Ready', 1, 2, 'A'), event('userStatus', 'Ready', 1, 2, 'B'))).toBe(true);
    expect(isSameChange(event('userStatus', 'Ready', 1, 2), event('userStatus', 'Ready', 1, 3))).toBe(false);
    expect(compareEvents(event('userStatus', 'Ready', 1, 2, 'A'), event('userStatus', 'Ready', 1, 2, 'B'))).toBeLessThan(0);
    expect(isSessionEnd(event('handling', 'LoggedOut', 1, 1))).toBe(true);
    expect(isSessionEnd(event('userStatus', 'LoggedOut', 1, 1))).toBe(true);
    expect(isSessionEnd(event('handling', 'Wrap', 1, 1))).toBe(false);
  });
});
