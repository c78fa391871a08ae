import type { Kafka } from 'kafkajs';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import { readToOffsets } from '../kafka/read-to-offsets.ts';
import type { OutgoingRecord } from './output-records.ts';
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

/**
 * Reads the progress topic (compacted, small) to the end offsets it has now, read_committed, and returns the latest
 * progress of `requestPartition`. Call it after opening the partition's transactional producer, so no transaction of
 * a previous owner is still open. Throws STATE_RESTORE_FAILED after `timeoutMs`.
 */
export async function restoreProgress(kafka: Kafka, serde: AvroSerde, topic: string, requestTopic: string, requestPartition: number, timeoutMs = 60_000): Promise<ReprocessorProgress | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  let targets: Map<number, number>;
  try {
    targets = new Map((await fetchPartitionOffsets(admin, topic)).filter((o) => o.high > o.low).map((o) => [o.partition, o.high]));
  } finally {
    await admin.disconnect();
  }
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
