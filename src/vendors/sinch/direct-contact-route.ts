type Value = Readonly<Record<string, unknown>>;

/** A raw.sinch.contacts record re-keyed for raw.sinch.agent-status-history: its key (the userId) and value. */
export interface RoutedDirectContact {
  readonly key: string;
  readonly value: Record<string, unknown>;
}

const count = (value: unknown): number | null => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null);
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * The direct-contact route of one raw.sinch.contacts value (schemas/sinch-contact.avsc) onto the agent status history
 * topic, keyed like its rows (userId), so the processor's partition task of the user sees the contact
 * (docs/metrics.md, "Direct contacts"). Only a completed call (`/contactHistory`) that a user handled
 * (countOfHandledContacts ≥ 1, handlingDurationUser > 0) and that no queue routed (`queueId` absent) is routed; for
 * every other record the answer is null (nothing to route). A direct call without a usable maxChangeTimestamp or
 * afterworkDuration is a problem (the record is dead-lettered).
 */
export function sinchDirectContactRoute(value: Value): RoutedDirectContact | null | { readonly problem: string } {
  if (value['endpoint'] !== 'contactHistory') return null;
  const type = value['type'];
  if (type !== 'CallIn' && type !== 'CallOut') return null;
  if (text(value['queueId']) !== null) return null;
  const userId = text(value['userId']);
  const handled = count(value['countOfHandledContacts']);
  const handlingMs = count(value['handlingDurationUser']);
  if (userId === null || handled === null || handled < 1 || handlingMs === null || handlingMs <= 0) return null;
  const contactId = text(value['contactId']);
  if (contactId === null) return { problem: 'direct call without contactId' };
  const changeTimestamp = text(value['maxChangeTimestamp']);
  if (changeTimestamp === null) return { problem: `direct call ${contactId} without maxChangeTimestamp` };
  const afterworkMs = count(value['afterworkDuration']);
  if (afterworkMs === null) return { problem: `direct call ${contactId} without afterworkDuration` };
  return {
    key: userId,
    value: {
      sessionId: '', userId, userName: text(value['userName']), signOn: null, profile: null, profileReason: null, profileType: null,
      userStatus: null, userStatusTimestamp: null, status: null, statusTimestamp: null, changeTimestamp, OutboundServing: null,
      keySpellings: {}, tenant: value['tenant'], source: value['source'], pollId: value['pollId'], receivedAt: value['receivedAt'],
      vendorPoll: null, vendorRow: null,
      directContactId: contactId, directContactType: type, directHandlingDuration: handlingMs, directAfterworkDuration: afterworkMs,
    },
  };
}
