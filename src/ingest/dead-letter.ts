import type { OutgoingRecord } from './transactional-publisher.ts';

/** Bodies above this are cut, so a dead letter stays well below the topic's max.message.bytes (as in the processor). */
export const VENDOR_DEAD_LETTER_BODY_LIMIT = 256 * 1024;

/** A dead-letter record (schemas/dead-letter.avsc) for something a poller received but could not use. */
export function vendorDeadLetter(
  topic: string,
  details: { source: string; body: string; reason: string; errorCode: string; retriable: boolean; failedAt: number },
): OutgoingRecord {
  const sourceTopic = `vendor:${details.source}`;
  const body = Buffer.from(details.body, 'utf8');
  const cut = body.length > VENDOR_DEAD_LETTER_BODY_LIMIT;
  return {
    topic,
    key: `${sourceTopic}|-1|-1`,
    value: {
      originalKey: null,
      originalValue: cut ? body.subarray(0, VENDOR_DEAD_LETTER_BODY_LIMIT) : body,
      sourceTopic,
      sourcePartition: -1,
      sourceOffset: -1,
      reason: cut ? `${details.reason} (body cut from ${body.length} to ${VENDOR_DEAD_LETTER_BODY_LIMIT} bytes)` : details.reason,
      errorCode: details.errorCode,
      retriable: details.retriable,
      failedAt: details.failedAt,
      component: 'poller',
    },
  };
}
