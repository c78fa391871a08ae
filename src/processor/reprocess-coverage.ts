import type { Admin, Kafka } from 'kafkajs';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import { readToOffsets } from '../kafka/read-to-offsets.ts';
import type { ReprocessChunk } from './reprocess-plan.ts';
import { fetchPartitionOffsets } from './topic-offsets.ts';

/** A backfill's announcement as the re-processor reads it (schemas/backfill-range.avsc). */
export interface BackfillRange {
  readonly tenant: string;
  readonly source: string;
  readonly from: number;
  readonly to: number;
  readonly startedAt: number;
  readonly completedAt: number | null;
}

/** Every backfill range announced so far: the compacted topic read to its end, read_committed. */
export async function readBackfillRanges(kafka: Kafka, admin: Admin, serde: AvroSerde, topic: string, timeoutMs = 60_000): Promise<BackfillRange[]> {
  const targets = new Map((await fetchPartitionOffsets(admin, topic)).filter((o) => o.high > o.low).map((o) => [o.partition, o.high]));
  const latest = new Map<string, BackfillRange>();
  await readToOffsets(kafka, {
    topic,
    targets,
    timeoutMs,
    timeoutError: () => new AgentTimelinesError('SERVICE_UNAVAILABLE', `reading ${topic} took longer than ${timeoutMs} ms`),
    onMessage: async (message) => {
      const key = message.key?.toString('utf8') ?? '';
      if (message.value === null || message.value.length === 0) {
        latest.delete(key);
        return;
      }
      const value = await serde.decode<BackfillRange>(message.value);
      latest.set(key, {
        tenant: value.tenant, source: value.source, from: Number(value.from), to: Number(value.to), startedAt: Number(value.startedAt),
        completedAt: value.completedAt === null ? null : Number(value.completedAt),
      });
    },
  });
  return [...latest.values()];
}

/**
 * The backfill of the chunk's tenant and `source` whose range holds the whole chunk, if any (the latest started).
 * Its rows are published again at or after its `startedAt`, so the chunk's history is complete as far as the backfill
 * got, as long as those are retained. A backfill still running counts: the rows of its later chunks come with their
 * own requests, and their windows are corrected again then.
 */
export function coveringBackfill(ranges: readonly BackfillRange[], chunk: Pick<ReprocessChunk, 'tenant' | 'start' | 'end'>, source: string): BackfillRange | undefined {
  return ranges
    .filter((r) => r.tenant === chunk.tenant && r.source === source && r.from <= chunk.start && chunk.end <= r.to)
    .sort((a, b) => b.startedAt - a.startedAt)[0];
}

/**
 * True when the raw partition still holds every record published at or after `since`: retention deletes a prefix,
 * so that holds when a record published before `since` is still there.
 */
export async function retainedSince(admin: Admin, topic: string, partition: number, since: number): Promise<boolean> {
  const low = (await fetchPartitionOffsets(admin, topic)).find((p) => p.partition === partition)?.low ?? 0;
  if (low === 0) return true;
  const first = Number((await admin.fetchTopicOffsetsByTimestamp(topic, since)).find((p) => p.partition === partition)?.offset ?? low);
  return first > low;
}
