import type { PollerTopics } from './poller-context.ts';
import type { OutgoingRecord, SentEnds } from './transactional-publisher.ts';

/** A poll watermark (schemas/poll-watermark.avsc) without the raw ends, which the publisher fills in. */
export interface PollWatermark {
  readonly tenant: string;
  readonly source: string;
  readonly pollId: string;
  readonly watermark: number;
  readonly publishedAt: number;
}

/**
 * The watermark record of a poll: published in the poll's transaction after its raw records, carrying where they ended
 * in `topics.raw` (`rawEnds`, per partition written), so a processor can apply it as soon as it has read that far
 * instead of waiting for the raw topic's end (docs/processor.md, "Watermarks"). Its `value` is the watermark without
 * the ends (what a publisher that does not count them would send).
 */
export function pollWatermarkRecord(topics: Pick<PollerTopics, 'raw' | 'watermarks'>, watermark: PollWatermark): OutgoingRecord {
  return {
    topic: topics.watermarks,
    key: `${watermark.tenant}|${watermark.source}`,
    value: { ...watermark, rawEnds: null },
    valueAfterSends: (ends: SentEnds) => ({
      ...watermark,
      rawEnds: { topic: topics.raw, partitions: [...(ends.get(topics.raw) ?? new Map<number, number>())].sort(([a], [b]) => a - b).map(([partition, end]) => ({ partition, end })) },
    }),
  };
}
