import type { Kafka } from 'kafkajs';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import { readByMarkers } from '../kafka/read-by-markers.ts';
import type { OutgoingRecord } from './output-records.ts';
import type { PartitionProducer } from './partition-producer.ts';
import { fetchPartitionOffsets } from './topic-offsets.ts';

/**
 * Where the re-processor of one request partition stands (schemas/reprocessor-progress.avsc). A run takes the requests
 * [start, end), reads raw records below `rawEnds`, and commits its chunks one transaction each, this record with them;
 * once chunksDone = chunks the next run starts at `end`.
 */
export interface ReprocessorProgress {
  readonly requestPartition: number;
  readonly run: number;
  readonly start: number;
  readonly end: number;
  readonly rawEnds: ReadonlyMap<number, number>;
  readonly chunks: number;
  readonly chunksDone: number;
  readonly updatedAt: number;
}

interface ProgressValue {
  requestPartition: number;
  run: number;
  start: number;
  end: number;
  rawEnds: { partition: number; offset: number }[];
  chunks: number;
  chunksDone: number;
  updatedAt: number;
}

export function progressKey(requestTopic: string, partition: number): string {
  return `${requestTopic}|${partition}`;
}

export function progressRecord(topic: string, requestTopic: string, progress: ReprocessorProgress): OutgoingRecord {
  const value: ProgressValue = {
    requestPartition: progress.requestPartition,
    run: progress.run,
    start: progress.start,
    end: progress.end,
    rawEnds: [...progress.rawEnds].map(([partition, offset]) => ({ partition, offset })),
    chunks: progress.chunks,
    chunksDone: progress.chunksDone,
    updatedAt: progress.updatedAt,
  };
  return { topic, key: progressKey(requestTopic, progress.requestPartition), value };
}

/** Key of the barrier records {@link restoreProgress} writes (tombstones: compaction removes them). */
export function barrierKey(requestTopic: string, partition: number): string {
  return `${progressKey(requestTopic, partition)}|barrier`;
}

/**
 * The latest committed progress of `requestPartition`, read with the partition's own transactional `producer` (a
 * fresh one). It first commits a barrier: a tombstone of {@link barrierKey} on every partition of the progress topic.
 * That first transaction fences every older producer of the partition (kafkajs runs InitProducerId there, not in
 * `connect`): an open transaction of theirs is aborted, one being committed completes first, and none can commit
 * afterwards. So every progress the partition ever wrote is below the barriers, and so is the marker that ended its
 * transaction. The topic is then read up to the barriers deciding by those markers ({@link readByMarkers}), which
 * needs no other producer's transaction to end. Two ways this went wrong before: reading to the end offsets kafkajs
 * lists (the last stable offset) stops at the first transaction still open on the partition, which all request
 * partitions share, so a later committed progress was missed and its chunk committed again (the same revision twice);
 * and kafkajs' own read_committed filter returned a progress from an aborted transaction, so a chunk was skipped.
 * Throws STATE_RESTORE_FAILED after `timeoutMs`, TRANSACTION_FAILED when the barrier cannot be committed.
 */
export async function restoreProgress(
  kafka: Kafka, serde: AvroSerde, producer: PartitionProducer, topic: string, requestTopic: string, requestPartition: number, timeoutMs = 60_000,
): Promise<ReprocessorProgress | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  let partitions: number[];
  try {
    partitions = (await fetchPartitionOffsets(admin, topic)).map((o) => o.partition);
  } finally {
    await admin.disconnect();
  }
  const barrier = barrierKey(requestTopic, requestPartition);
  const sent = await producer.commit(partitions.map((partition) => ({ topic, key: barrier, value: null, partition })), null);
  const targets = new Map([...(sent.get(topic) ?? [])].map(([partition, offset]) => [partition, offset + 1]));
  if (targets.size !== partitions.length) throw new AgentTimelinesError('STATE_RESTORE_FAILED', `no barrier offset for every partition of ${topic}`);
  const key = progressKey(requestTopic, requestPartition);
  let latest: ReprocessorProgress | undefined;
  await readByMarkers(kafka, {
    topic,
    targets,
    mustResolve: (message) => message.key?.toString('utf8') === key,
    timeoutMs,
    timeoutError: () => new AgentTimelinesError('STATE_RESTORE_FAILED', `restoring ${topic} took longer than ${timeoutMs} ms`),
    onMessage: async (message) => {
      if (message.key?.toString('utf8') !== key) return;
      if (message.value === null || message.value.length === 0) {
        latest = undefined;
        return;
      }
      const value = await serde.decode<ProgressValue>(message.value);
      latest = { ...value, rawEnds: new Map(value.rawEnds.map((r) => [r.partition, Number(r.offset)])), start: Number(value.start), end: Number(value.end), updatedAt: Number(value.updatedAt) };
    },
  });
  return latest;
}
