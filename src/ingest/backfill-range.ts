import type { Kafka } from 'kafkajs';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import type { TimeRange } from './time-range.ts';
import type { OutgoingRecord } from './transactional-publisher.ts';
import { readCommittedToEnd } from './read-committed.ts';

/**
 * A backfill's announcement (schemas/backfill-range.avsc): the tenant's rows of [from, to) are published again, all
 * at or after `startedAt`; `completedAt` is set by the last chunk. The re-processor relies on it where retention has
 * deleted older raw records (docs/processor.md "Late history").
 */
export interface BackfillRange {
  readonly tenant: string;
  readonly source: string;
  readonly from: number;
  readonly to: number;
  readonly startedAt: number;
  readonly completedAt: number | null;
}

export function backfillRangeKey(tenant: string, source: string, range: TimeRange): string {
  return `${tenant}|${source}|${range.start}|${range.end}`;
}

export function backfillRangeRecord(topic: string, marker: BackfillRange): OutgoingRecord {
  return { topic, key: backfillRangeKey(marker.tenant, marker.source, { start: marker.from, end: marker.to }), value: { ...marker } };
}

/**
 * When an earlier run of the same backfill published its first chunk, read_committed from the compacted topic; call
 * it after the backfill's transactional producer has connected (fencing a previous run). Undefined for a new backfill.
 */
export async function restoreBackfillStart(kafka: Kafka, serde: AvroSerde, topic: string, key: string): Promise<number | undefined> {
  let startedAt: number | undefined;
  await readCommittedToEnd(kafka, topic, async (message) => {
    if (message.key?.toString('utf8') !== key) return;
    startedAt = message.value === null ? undefined : Number((await serde.decode<{ startedAt: number }>(message.value)).startedAt);
  });
  return startedAt;
}
