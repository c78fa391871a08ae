/**
 * Test helpers: one agent session of calls as canonical events, and the direct contacts of its calls. Written apart
 * from the engine: times are stated, never derived from src/core.
 */
import { createAgentEvent } from '../../../src/core/events/agent-event.ts';
import type { AgentEvent } from '../../../src/core/events/agent-event.ts';
import type { DirectContact } from '../../../src/core/direct/direct-contact.ts';
import { handlingStatusCode, KIND_CALL_IN, KIND_CALL_OUT, userStatusCode } from '../../../src/core/events/status.ts';
import type { HandlingStatus, UserStatus } from '../../../src/core/events/status.ts';

export interface Call {
  readonly contactId: string;
  readonly inbound: boolean;
  /** Outbound: dialing starts here; inbound: the talk starts here. */
  readonly start: number;
  /** Outbound only: the talk starts here (after dialing). */
  readonly connect: number;
  readonly disconnect: number;
  readonly afterworkEnd: number;
}

export function callSession(sessionId: string, userId: string, login: number, calls: readonly Call[], logout: number): AgentEvent[] {
  const base = { sessionId, userId, userName: `Agent ${userId}` };
  const ev = (t: number, kind: 'userStatus' | 'handling', value: string): AgentEvent => {
    const code = kind === 'userStatus' ? userStatusCode(value) : handlingStatusCode(value);
    if (code === undefined) throw new Error(value);
    return createAgentEvent({ ...base, eventTime: t, changeTime: t + 100, kind, value: value as UserStatus | HandlingStatus, code });
  };
  const events = [ev(login, 'userStatus', 'Ready'), ev(login, 'handling', 'Waiting')];
  for (const call of calls) {
    if (call.inbound) events.push(ev(call.start, 'handling', 'Talking_Inbound'));
    else {
      events.push(ev(call.start, 'handling', 'Dialing_Outbound'));
      events.push(ev(call.connect, 'handling', 'Talking_Outbound'));
    }
    events.push(ev(call.disconnect, 'handling', 'Wrap'));
    events.push(ev(call.afterworkEnd, 'handling', 'Waiting'));
  }
  events.push(ev(logout, 'userStatus', 'LoggedOut'));
  return events;
}

/** The contact record of a call, its maxChangeTimestamp `lag` after the afterwork. */
export function directContactOf(userId: string, call: Call, lag = 700): DirectContact {
  return {
    contactId: call.contactId, userId, kind: call.inbound ? KIND_CALL_IN : KIND_CALL_OUT,
    handlingMs: call.disconnect - call.connect, afterworkMs: call.afterworkEnd - call.disconnect, changeTime: call.afterworkEnd + lag,
  };
}
