import type { SimContact } from './sim-contact.ts';
import { formatIsoTimestamp } from './raw-timestamp.ts';

/** Waits shorter than this that end unconnected are false attempts, not abandons. */
const FALSE_ATTEMPT_MS = 5_000;

/** The count and duration fields of a completed contact, in the contactHistory field order. */
export const COMPLETED_CONTACT_METRIC_FIELDS = [
  'countOfCompletedContacts', 'countOfHandledContacts', 'countOfFalseAttemptContacts', 'countOfAbandonedContacts', 'countOfServiceClosedContacts',
  'countOfAnsweredOnTimeContacts', 'countOfOverflowedContacts', 'countOfDivertedContacts', 'countOfAgentTransferredContacts', 'countOfTransferredInContacts',
  'waitingDuration', 'maxWaitingDuration', 'waitingDurationForHandled', 'maxWaitingDurationForHandled', 'waitingDurationForNotHandled',
  'maxWaitingDurationForNotHandled', 'queuingDuration', 'maxQueuingDuration', 'queuingDurationForHandled', 'maxQueuingDurationForHandled',
  'queuingDurationForNotHandled', 'maxQueuingDurationForNotHandled', 'handlingDuration', 'maxHandlingDuration', 'handlingDurationUser',
  'maxHandlingDurationUser', 'afterworkDuration', 'maxAfterworkDuration', 'holdDuration', 'maxHoldDuration',
] as const;

/** The counts and durations (ms) of one completed contact, in the contactHistory field order. */
export function completedContactMetrics(contact: SimContact, now = Number.POSITIVE_INFINITY): Record<string, number> {
  const handled = contact.connect !== null;
  const answerTime = contact.connect ?? contact.disconnect;
  const waiting = answerTime - contact.arrival;
  const queuing = answerTime - contact.queueArrival;
  const handling = contact.connect === null ? 0 : contact.disconnect - contact.connect;
  const afterwork = Math.max(0, Math.min(now, contact.afterworkEnd) - contact.disconnect);
  const inbound = contact.type === 'CallIn' || contact.type === 'ChatIn' || contact.type === 'EmailIn';
  const falseAttempt = !handled && inbound && waiting < FALSE_ATTEMPT_MS;
  const onTime = handled && contact.queue !== undefined && inbound && queuing <= contact.queue.serviceLevelMs;
  const whenHandled = handled ? 1 : 0;
  return {
    countOfCompletedContacts: 1,
    countOfHandledContacts: whenHandled,
    countOfFalseAttemptContacts: falseAttempt ? 1 : 0,
    countOfAbandonedContacts: !handled && inbound && !falseAttempt ? 1 : 0,
    countOfServiceClosedContacts: 0,
    countOfAnsweredOnTimeContacts: onTime ? 1 : 0,
    countOfOverflowedContacts: 0,
    countOfDivertedContacts: 0,
    countOfAgentTransferredContacts: 0,
    countOfTransferredInContacts: 0,
    waitingDuration: waiting,
    maxWaitingDuration: waiting,
    waitingDurationForHandled: handled ? waiting : 0,
    maxWaitingDurationForHandled: handled ? waiting : 0,
    waitingDurationForNotHandled: handled ? 0 : waiting,
    maxWaitingDurationForNotHandled: handled ? 0 : waiting,
    queuingDuration: queuing,
    maxQueuingDuration: queuing,
    queuingDurationForHandled: handled ? queuing : 0,
    maxQueuingDurationForHandled: handled ? queuing : 0,
    queuingDurationForNotHandled: handled ? 0 : queuing,
    maxQueuingDurationForNotHandled: handled ? 0 : queuing,
    handlingDuration: handling,
    maxHandlingDuration: handling,
    handlingDurationUser: handling,
    maxHandlingDurationUser: handling,
    afterworkDuration: afterwork,
    maxAfterworkDuration: afterwork,
    holdDuration: contact.holdDuration,
    maxHoldDuration: contact.holdDuration,
  };
}

/** The dimension fields of a contact (contactId, channel, type, application, queue, user), absent ones omitted. */
export function contactDimensions(contact: SimContact): Record<string, string> {
  const out: Record<string, string> = { contactId: contact.contactId, channel: contact.channel, type: contact.type };
  out['applicationId'] = contact.application.id;
  out['applicationName'] = contact.application.name;
  if (contact.queue !== undefined) {
    out['queueId'] = contact.queue.id;
    out['queueName'] = contact.queue.name;
  }
  if (contact.user !== undefined) {
    out['userId'] = contact.user.userId;
    out['userName'] = contact.user.userName;
  }
  return out;
}

/**
 * The ground-truth contactHistory record of a completed contact: what `/contactHistory?showDetails=true&showUser=true`
 * serves, plus countOfArrivedContacts (served only with showUser=false).
 */
export function contactHistoryRecord(contact: SimContact, maxChangeTimestamp: number): Record<string, unknown> {
  return { ...contactDimensions(contact), countOfArrivedContacts: 1, ...completedContactMetrics(contact), maxChangeTimestamp: formatIsoTimestamp(maxChangeTimestamp) };
}
