import { REPROCESS_REVISION_BASE } from '../../../src/config/config.ts';
import type { QuarterHourRow } from '../../../src/state/store-types.ts';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { readCommittedToEnd } from '../../../src/ingest/read-committed.ts';
import { readByMarkers } from '../../../src/kafka/read-by-markers.ts';
import type { TestPipeline } from './pipeline.ts';

/** Reads a whole topic, calling `onMessage` for each committed record. */
export type TopicReader = (kafka: Kafka, topic: string, onMessage: (message: KafkaMessage, partition: number) => Promise<void>) => Promise<void>;

/**
 * A {@link TopicReader} to the end offsets the topic has now (kafkajs lists the last stable offset), deciding which
 * records are committed by their transaction markers ({@link readByMarkers}): kafkajs' read_committed filter returns
 * records of aborted transactions when aborted transactions of different producers overlap, which a test that kills
 * transactional producers produces (src/kafka/kafkajs-read-committed-fix.ts fixes that; this reader does not rely on it).
 */
export const readCommittedByMarkers: TopicReader = async (kafka, topic, onMessage) => {
  const admin = kafka.admin();
  await admin.connect();
  let targets: Map<number, number>;
  try {
    targets = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  } finally {
    await admin.disconnect();
  }
  await readByMarkers(kafka, { topic, targets, onMessage, timeoutMs: 60_000, timeoutError: (pending) => new Error(`reading ${topic} (partitions ${pending.join(',')}) took longer than 60 s`) });
};

/**
 * Every committed revision of every quarter-hour key, in topic order (read_committed). Exactly-once means each key's
 * live revisions are exactly 1, 2, …, n (a gap is a lost emission, a repeat is one counted twice), followed by the
 * re-processor's, if any: 2^30 + run, strictly increasing (a run that re-emits nothing leaves a gap there, by design).
 */
export async function revisionHistory(pipeline: TestPipeline, read: TopicReader = readCommittedToEnd): Promise<Map<string, number[]>> {
  const history = new Map<string, number[]>();
  await read(pipeline.kafka, pipeline.topics.quarterHours, async (message) => {
    if (message.value === null) return;
    const row = await pipeline.serde.decode<QuarterHourRow>(message.value);
    const key = `${row.userId}|${row.intervalStart}`;
    const revisions = history.get(key) ?? [];
    revisions.push(row.revision);
    history.set(key, revisions);
  });
  return history;
}

/** True when `revisions` are 1..n from the live engine, then strictly increasing re-processor revisions (≥ 2^30). */
export function isRevisionSequence(revisions: readonly number[]): boolean {
  const live = revisions.findIndex((revision) => revision >= REPROCESS_REVISION_BASE);
  const liveCount = live === -1 ? revisions.length : live;
  for (let i = 0; i < liveCount; i++) if (revisions[i] !== i + 1) return false;
  for (let i = liveCount + 1; i < revisions.length; i++) if (revisions[i]! <= revisions[i - 1]!) return false;
  return true;
}

/** Keys whose revisions are not 1..n in order, optionally followed by strictly increasing re-processor revisions. */
export function brokenRevisionSequences(history: Map<string, number[]>): string[] {
  const broken: string[] = [];
  for (const [key, revisions] of history) if (!isRevisionSequence(revisions)) broken.push(`${key}: ${revisions.join(',')}`);
  return broken;
}

/** Where one copy of a quarter-hour row is on the topic, and which producer committed it. */
export interface RowCopy {
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly producerId: string | null;
  readonly producerEpoch: number | null;
}

/** Every (key, revision) committed more than once, with where each copy is (decided by markers), for failure messages. */
export async function duplicateRevisionCopies(pipeline: TestPipeline): Promise<{ key: string; revision: number; copies: RowCopy[] }[]> {
  const copies = new Map<string, RowCopy[]>();
  await readCommittedByMarkers(pipeline.kafka, pipeline.topics.quarterHours, async (message, partition) => {
    if (message.value === null) return;
    const row = await pipeline.serde.decode<QuarterHourRow>(message.value);
    const context = (message as { batchContext?: { producerId?: string; producerEpoch?: number } }).batchContext;
    const id = `${row.userId}|${row.intervalStart}|${row.revision}`;
    const list = copies.get(id) ?? [];
    list.push({ partition, offset: message.offset, timestamp: message.timestamp, producerId: context?.producerId ?? null, producerEpoch: context?.producerEpoch ?? null });
    copies.set(id, list);
  });
  return [...copies]
    .filter(([, list]) => list.length > 1)
    .map(([id, list]) => ({ key: id.slice(0, id.lastIndexOf('|')), revision: Number(id.slice(id.lastIndexOf('|') + 1)), copies: list }));
}

/** True once `groupId`'s committed offsets on `topic` reached `ends` on every partition. */
export async function committedReached(admin: Admin, groupId: string, topic: string, ends: ReadonlyMap<number, number>): Promise<boolean> {
  const [fetched] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const committed = new Map((fetched?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  for (const [partition, end] of ends) if (end > 0 && (committed.get(partition) ?? -1) < end) return false;
  return true;
}
