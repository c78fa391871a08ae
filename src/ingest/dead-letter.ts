import type { OutgoingRecord } from './transactional-publisher.ts';

/** A dead-letter record (schemas/dead-letter.avsc) for something a poller received but could not use. */
export function vendorDeadLetter(
  topic: string,
  details: { source: string; body: string; reason: string; errorCode: string; retriable: boolean; failedAt: number },
): OutgoingRecord {
  const sourceTopic = `vendor:${details.source}`;
  return {
    topic,
    key: `${sourceTopic}|-1|-1`,
    value: {
      originalKey: null,
      originalValue: Buffer.from(details.body, 'utf8'),
      sourceTopic,
      sourcePartition: -1,
      sourceOffset: -1,
      reason: details.reason,
      errorCode: details.errorCode,
      retriable: details.retriable,
      failedAt: details.failedAt,
      component: 'poller',
    },
  };
}
