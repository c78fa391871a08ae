import type { Kafka } from 'kafkajs';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import { readToOffsets } from '../kafka/read-to-offsets.ts';
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
 * fresh one: its first transaction fences every older producer of the partition). That transaction is a barrier: a
 * tombstone of {@link barrierKey} on every partition of the progress topic. The topic is then read read_committed up
 * to the barriers. The partition's older producers can no longer commit, and every record before a barrier becomes
 * readable only once each transaction open before it has ended, so what is read is every progress the partition
 * ever committed, whatever other request partitions' producers (live or dead, sharing the topic's partition) have
 * open. Reading to the end offsets instead (kafkajs lists the last stable offset) stops before the first open
 * transaction and can return an older progress than the last one committed. Throws STATE_RESTORE_FAILED after
 * `timeoutMs` (default longer than the 60 s transaction timeout, so that a transaction a dead producer left open, which
 * the broker aborts by then, does not fail the restore), TRANSACTION_FAILED when the barrier cannot be committed.
 */
export async function restoreProgress(
  kafka: Kafka, serde: AvroSerde, producer: PartitionProducer, topic: string, requestTopic: string, requestPartition: number, timeoutMs = 90_000,
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
  await readToOffsets(kafka, {
    topic,
    targets,
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
