/**
 * "The pipe alone" of the processor (issue 16): what the Kafka client costs for the processor's traffic without the
 * engine. {@link captureOutputs} reads what a processor run committed to its output topics; {@link pipeConsume} then
 * consumes the same raw topic the way the processor does (a consumer group with its fetch sizes, eachBatch per
 * partition, read_committed)
 * and, per batch, produces that batch's share of the captured records (their own keys, Avro values and partitions) and
 * commits the batch's offset in one transaction of the partition's own transactional producer: the same number and
 * size of records and the same transaction shape, with no decoding, no engine and no encoding.
 */
import { randomUUID } from 'node:crypto';
import type { Message, Producer, TopicMessages } from 'kafkajs';
import { createProducer } from '../../src/kafka/producer.ts';
import { readToOffsets } from '../../src/kafka/read-to-offsets.ts';
import type { BenchStack } from './bench-stack.ts';
import { endOffsets, sleep } from './bench-stack.ts';

/** One committed output record as it is in the log. */
export interface CapturedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/** The committed records of `topics`, topic after topic, each in partition order. */
export async function captureOutputs(stack: BenchStack, topics: readonly string[]): Promise<CapturedRecord[]> {
  const out: CapturedRecord[] = [];
  for (const topic of topics) {
    await readToOffsets(stack.kafka, {
      topic,
      targets: await endOffsets(stack.admin, topic),
      onMessage: (message, partition) => {
        out.push({ topic, partition, key: message.key, value: message.value });
      },
      timeoutMs: 120_000,
      timeoutError: (pending) => new Error(`capturing ${topic} timed out on partitions ${pending.join(',')}`),
    });
  }
  return out;
}

/** Produce requests of at most this many bytes, as PartitionProducer sends them. */
const REQUEST_BYTES = 512 * 1024;

/** `records` cut, in order, into runs of at most {@link REQUEST_BYTES} (a record larger than that is a run of its own). */
export function requestChunks(records: readonly CapturedRecord[]): CapturedRecord[][] {
  const chunks: CapturedRecord[][] = [];
  let chunk: CapturedRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = (record.key?.length ?? 0) + (record.value?.length ?? 0) + 64;
    if (chunk.length > 0 && bytes + size > REQUEST_BYTES) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(record);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** The produce requests of `records`: each chunk's messages grouped by topic. */
function requests(records: readonly CapturedRecord[]): TopicMessages[][] {
  return requestChunks(records).map((chunk) => {
    const byTopic = new Map<string, Message[]>();
    for (const record of chunk) {
      const messages = byTopic.get(record.topic) ?? [];
      messages.push({ key: record.key, value: record.value, partition: record.partition });
      byTopic.set(record.topic, messages);
    }
    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  });
}

export interface PipeResult {
  readonly totalMs: number;
  readonly fromFirstMs: number;
  readonly transactions: number;
  readonly produced: number;
}

/**
 * Consumes `stack`'s raw topic from the start with a fresh group until every partition's committed offset reaches
 * `ends`, producing `outputs` (in order, spread over the input records in proportion) into their topics and
 * partitions, one transaction per consumed batch. Rejects after `deadlineMs`.
 */
export async function pipeConsume(stack: BenchStack, ends: ReadonlyMap<number, number>, outputs: readonly CapturedRecord[], deadlineMs: number): Promise<PipeResult> {
  const perPartition = stack.config.processor.fetchMaxBytesPerPartition;
  const inputs = [...ends.values()].reduce((sum, end) => sum + end, 0);
  const perInput = outputs.length / inputs;
  const groupId = `${stack.id}-pipe-${randomUUID()}`;
  // the processor's fetch sizes (timeline-processor.ts), so the batches and transactions are the same
  const consumer = stack.kafka.consumer({
    groupId, readUncommitted: false, allowAutoTopicCreation: false, maxWaitTimeInMs: 100,
    maxBytesPerPartition: perPartition, maxBytes: Math.max(perPartition * Math.max(1, ends.size), 10 * 1024 * 1024),
  });
  const producers = new Map<number, Promise<Producer>>();
  const producerOf = (partition: number): Promise<Producer> => {
    let producer = producers.get(partition);
    if (producer === undefined) {
      const made = createProducer(stack.kafka, { transactionalId: `${groupId}-${partition}` });
      producers.set(partition, (producer = made.connect().then(() => made)));
    }
    return producer;
  };
  let consumed = 0;
  let cursor = 0;
  let transactions = 0;
  let first = 0;
  const started = performance.now();
  const remaining = new Map([...ends].filter(([, end]) => end > 0));
  try {
    const done = new Promise<void>((resolve, reject) => {
      void consumer.connect().then(async () => {
        await consumer.subscribe({ topics: [stack.topics.raw], fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: Math.max(1, ends.size),
          eachBatch: async ({ batch, resolveOffset }) => {
            if (batch.messages.length === 0) return;
            if (first === 0) first = performance.now();
            consumed += batch.messages.length;
            const upTo = Math.min(outputs.length, Math.round(consumed * perInput));
            const slice = outputs.slice(cursor, upTo);
            cursor = Math.max(cursor, upTo);
            const producer = await producerOf(batch.partition);
            const transaction = await producer.transaction();
            try {
              for (const topicMessages of requests(slice)) await transaction.sendBatch({ topicMessages, acks: -1 });
              const next = Number(batch.lastOffset()) + 1;
              await transaction.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: stack.topics.raw, partitions: [{ partition: batch.partition, offset: String(next) }] }] });
              await transaction.commit();
              transactions += 1;
              resolveOffset(batch.lastOffset());
              const end = remaining.get(batch.partition);
              if (end !== undefined && next >= end) remaining.delete(batch.partition);
              if (remaining.size === 0) resolve();
            } catch (error) {
              await transaction.abort().catch(() => undefined);
              reject(error as Error);
            }
          },
        });
      }, reject);
    });
    await Promise.race([done, sleep(deadlineMs).then(() => Promise.reject(new Error('pipe consume timed out')))]);
    const finished = performance.now();
    return { totalMs: finished - started, fromFirstMs: finished - (first === 0 ? started : first), transactions, produced: cursor };
  } finally {
    await consumer.disconnect();
    await Promise.all([...producers.values()].map(async (producer) => (await producer).disconnect().catch(() => undefined)));
  }
}
