import type { AgentSnapshot } from '../../core/live/agent-snapshot.ts';
import type { LiveChannel, LiveContact, LiveDirection } from '../../core/live/live-contact.ts';
import { parseTimestamp } from '../../core/time/timestamp.ts';

type Value = Readonly<Record<string, unknown>>;

/** A decoded raw record mapped onto the vendor-neutral live view, or why it cannot be (it is then dead-lettered). */
export type LiveDecode<T> = T | { readonly problem: string };

const TYPES: Readonly<Record<string, readonly [LiveChannel, LiveDirection]>> = {
  CallIn: ['phone', 'Inbound'], CallOut: ['phone', 'Outbound'], ChatIn: ['chat', 'Inbound'],
  ChatOut: ['chat', 'Outbound'], EmailIn: ['email', 'Inbound'], EmailOut: ['email', 'Outbound'],
};

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const count = (value: unknown): number | null => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null);

function epochMs(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
  if (typeof value !== 'string') return null;
  const time = parseTimestamp(value);
  return Number.isNaN(time) ? null : time;
}

/** `snapshotAt − duration`, or null when the duration is not a non-negative integer. */
function since(snapshotAt: number, duration: unknown): number | null {
  const ms = count(duration);
  return ms === null ? null : snapshotAt - ms;
}

/**
 * One raw.sinch.agent-status value (schemas/sinch-agent-status.avsc: a row of RAI `/agentStatus?showAgentInfo=true`
 * with the poller's envelope) as an {@link AgentSnapshot}. Each `…Since` is snapshotAt − the matching `…Duration`.
 */
export function sinchAgentSnapshot(value: Value): LiveDecode<AgentSnapshot> {
  const tenant = text(value['tenant']);
  if (tenant === null) return { problem: 'missing tenant' };
  const userId = text(value['userId']);
  if (userId === null) return { problem: 'missing userId' };
  const snapshotAt = epochMs(value['snapshotAt']);
  if (snapshotAt === null) return { problem: `invalid snapshotAt ${JSON.stringify(value['snapshotAt'])}` };
  const chatCapacity = value['chatCapacity'] === null || value['chatCapacity'] === undefined ? null : count(value['chatCapacity']);
  if (chatCapacity === null && value['chatCapacity'] !== null && value['chatCapacity'] !== undefined) return { problem: `invalid chatCapacity ${JSON.stringify(value['chatCapacity'])}` };
  return {
    tenant, userId, snapshotAt,
    userName: text(value['userName']),
    reportingGroupId: text(value['reportingGroupId']),
    reportingGroupName: text(value['reportingGroupName']),
    profile: text(value['profile']),
    profileType: text(value['profileType']),
    profileSince: since(snapshotAt, value['profileDuration']),
    userStatus: text(value['userStatus']),
    userStatusSince: since(snapshotAt, value['userStatusDuration']),
    contactHandlingStatus: text(value['contactHandlingStatus']),
    contactHandlingStatusSince: since(snapshotAt, value['contactHandlingStatusDuration']),
    info: {
      number: text(value['number']), mobileNumber: text(value['mobileNumber']), externalNumber: text(value['externalNumber']), email: text(value['email']),
      chatName: text(value['chatName']), chat: text(value['chat']), chatCapacity, location: text(value['location']),
    },
  };
}

/**
 * One raw.sinch.contacts value (schemas/sinch-contact.avsc: a `/contactStatistic` or `/contactHistory` row with
 * showDetails=true&showUser=true) as a {@link LiveContact}. With showUser=true RAI leaves out countOfInProcessContacts
 * and activeHandlingDuration, so a contact is active at its user when it is handled (countOfHandledContacts ≥ 1) and
 * not completed (countOfCompletedContacts 0); its last change, maxChangeTimestamp, is then its connect (no later
 * change happens before the disconnect, which completes it). Every contactHistory row is completed.
 */
export function sinchLiveContact(value: Value): LiveDecode<LiveContact> {
  const tenant = text(value['tenant']);
  if (tenant === null) return { problem: 'missing tenant' };
  const contactId = text(value['contactId']);
  if (contactId === null) return { problem: 'missing contactId' };
  const type = TYPES[String(value['type'])];
  if (type === undefined) return { problem: `unknown contact type ${JSON.stringify(value['type'])}` };
  const changedAt = epochMs(value['maxChangeTimestamp']);
  if (changedAt === null) return { problem: `invalid maxChangeTimestamp ${JSON.stringify(value['maxChangeTimestamp'])}` };
  const completedCount = count(value['countOfCompletedContacts']);
  const handledCount = count(value['countOfHandledContacts']);
  if (completedCount === null || handledCount === null) return { problem: 'countOfCompletedContacts and countOfHandledContacts must be non-negative integers' };
  const userId = text(value['userId']);
  const completed = value['endpoint'] === 'contactHistory' || completedCount > 0;
  const active = !completed && handledCount > 0 && userId !== null;
  return { tenant, contactId, userId, channel: type[0], direction: type[1], active, since: active ? changedAt : null, changedAt, completed };
}
