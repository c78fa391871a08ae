/**
 * Test helpers: Sinch raw records as the raw topic's decoder hands them to the adapter (no envelope, no nulls): an
 * agentStatusHistory row, and a handled call's raw.sinch.contacts record routed by the processor's route. Times are
 * stated by the test, never derived from src/core.
 */
import type { Call as BaseCall } from './direct-calls.ts';
import { sinchDirectContactRoute } from '../../../src/vendors/sinch/direct-contact-route.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/** A call of direct-calls.ts, with whether it is direct and when its contact record changes and arrives. */
export interface Call extends BaseCall {
  readonly direct: boolean;
  readonly lag: number;
  readonly arrivesAt: number;
}

export type Raw = Record<string, unknown>;

/** An agentStatusHistory row as the raw topic's decoder gives it (no envelope, no nulls). */
export function historyRow(sessionId: string, userId: string, t: number, kind: 'userStatus' | 'status', value: string): Raw {
  const row: Raw = { sessionId, userId, userName: `Agent ${userId}`, changeTimestamp: iso(t + 100) };
  if (kind === 'userStatus') Object.assign(row, { userStatus: value, userStatusTimestamp: iso(t) });
  else Object.assign(row, { status: value, statusTimestamp: iso(t) });
  return row;
}

/** The raw.sinch.contacts record of a handled call (queueId only for a queued one), routed as the processor routes it, then decoded. */
export function routedContact(userId: string, call: Call): Raw {
  const contact: Raw = {
    endpoint: 'contactHistory', contactId: call.contactId, type: call.inbound ? 'CallIn' : 'CallOut', userId, userName: `Agent ${userId}`,
    countOfHandledContacts: 1, handlingDurationUser: call.disconnect - call.connect, afterworkDuration: call.afterworkEnd - call.disconnect,
    maxChangeTimestamp: iso(call.afterworkEnd + call.lag), tenant: 't', source: 'sinch-rai/contactHistory', pollId: 'p', receivedAt: iso(call.afterworkEnd + call.lag),
  };
  const routed = sinchDirectContactRoute(contact);
  if (routed === null || 'problem' in routed) throw new Error(`not routed: ${JSON.stringify(routed)}`);
  const decoded: Raw = {};
  for (const [key, value] of Object.entries(routed.value)) if (value !== null && !['keySpellings', 'tenant', 'source', 'pollId', 'receivedAt'].includes(key)) decoded[key] = value;
  return decoded;
}

