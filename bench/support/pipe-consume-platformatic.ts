/**
 * The pipe alone (bench/support/pipe-consume.ts) with another Kafka client, @platformatic/kafka, for issue 16's
 * choice of client: the same raw topic consumed from its start by a fresh read_committed group with the processor's
 * fetch sizes, and, per partition and per fetched run of records, that run's share of the captured output records
 * produced and the offset committed in one transaction of the partition's own transactional producer. The client
 * hands records over as a stream, not as batches: the records a fetch delivered in one go (up to the stream's pause)
 * make a partition's "batch". A plain consume with the same client (no producing) gives its raw rate.
 */
import { randomUUID } from 'node:crypto';
import { Consumer, FetchIsolationLevels, MessagesStreamModes, Producer } from '@platformatic/kafka';
import type { Message, MessagesStream } from '@platformatic/kafka';
import type { BenchStack } from './bench-stack.ts';
import { sleep } from './bench-stack.ts';
import { requestChunks } from './pipe-consume.ts';
import type { CapturedRecord, PipeResult } from './pipe-consume.ts';

/** A bench leg's timing: wall time from start, and from the first record seen (without the group join). */
export interface ConsumeResult {
  readonly totalMs: number;
  readonly fromFirstMs: number;
}

function consumerOf(stack: BenchStack, groupId: string): Consumer {
  const perPartition = stack.config.processor.fetchMaxBytesPerPartition;
  return new Consumer({
    clientId: `${groupId}-consumer`, bootstrapBrokers: [...stack.config.kafka.brokers], groupId, autocommit: false,
    maxWaitTime: 100, maxBytesPerPartition: perPartition, maxBytes: Math.max(perPartition * 6, 10 * 1024 * 1024),
    isolationLevel: FetchIsolationLevels.READ_COMMITTED, highWaterMark: 65_536,
  });
}

async function streamOf(consumer: Consumer, topic: string): Promise<MessagesStream<Buffer, Buffer, Buffer, Buffer>> {
  return consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, isolationLevel: FetchIsolationLevels.READ_COMMITTED });
}

/** Reads `stack`'s raw topic to `ends` with @platformatic/kafka, doing nothing with the records. */
export async function rawConsumePlatformatic(stack: BenchStack, ends: ReadonlyMap<number, number>, deadlineMs: number): Promise<ConsumeResult> {
  const consumer = consumerOf(stack, `${stack.id}-raw-pk-${randomUUID()}`);
  const remaining = new Map([...ends].filter(([, end]) => end > 0));
  const started = performance.now();
  let first = 0;
  try {
    const stream = await streamOf(consumer, stack.topics.raw);
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (message: Message<Buffer, Buffer, Buffer, Buffer>) => {
        if (first === 0) first = performance.now();
        const end = remaining.get(message.partition);
        if (end !== undefined && Number(message.offset) + 1 >= end) remaining.delete(message.partition);
        if (remaining.size === 0) resolve();
      });
      stream.on('error', reject);
    });
    await Promise.race([done, sleep(deadlineMs).then(() => Promise.reject(new Error('raw consume (platformatic) timed out')))]);
    const finished = performance.now();
    await stream.close();
    return { totalMs: finished - started, fromFirstMs: finished - (first === 0 ? started : first) };
  } finally {
    await consumer.close(true).catch(() => undefined);
  }
}

/** {@link pipeConsume}'s pipe with @platformatic/kafka: one transaction per partition and fetched run of records. */
export async function pipeConsumePlatformatic(stack: BenchStack, ends: ReadonlyMap<number, number>, outputs: readonly CapturedRecord[], deadlineMs: number): Promise<PipeResult> {
  const groupId = `${stack.id}-pipe-pk-${randomUUID()}`;
  const consumer = consumerOf(stack, groupId);
  const inputs = [...ends.values()].reduce((sum, end) => sum + end, 0);
  const perInput = outputs.length / inputs;
  const producers = new Map<number, Producer>();
  const producerOf = (partition: number): Producer => {
    let producer = producers.get(partition);
    if (producer === undefined) {
      producer = new Producer({ clientId: `${groupId}-${partition}`, bootstrapBrokers: [...stack.config.kafka.brokers], idempotent: true, transactionalId: `${groupId}-${partition}`, acks: -1 });
      producers.set(partition, producer);
    }
    return producer;
  };
  const remaining = new Map([...ends].filter(([, end]) => end > 0));
  const pending = new Map<number, Message<Buffer, Buffer, Buffer, Buffer>[]>();
  let consumed = 0;
  let cursor = 0;
  let transactions = 0;
  let first = 0;
  const started = performance.now();
  try {
    const stream = await streamOf(consumer, stack.topics.raw);
    const done = new Promise<void>((resolve, reject) => {
      let flushing = false;
      const commitPartition = async (partition: number, run: Message<Buffer, Buffer, Buffer, Buffer>[]): Promise<void> => {
        consumed += run.length;
        const upTo = Math.min(outputs.length, Math.round(consumed * perInput));
        const slice = outputs.slice(cursor, upTo);
        cursor = Math.max(cursor, upTo);
        const transaction = await producerOf(partition).beginTransaction();
        try {
          await transaction.addConsumer(consumer);
          for (const chunk of requestChunks(slice)) {
            await transaction.send({ messages: chunk.map((r) => ({ topic: r.topic, partition: r.partition, key: r.key ?? undefined, value: r.value ?? Buffer.alloc(0) })) });
          }
          const last = run[run.length - 1]!;
          await transaction.addOffset(last);
          await transaction.commit();
          transactions += 1;
          const end = remaining.get(partition);
          if (end !== undefined && Number(last.offset) + 1 >= end) remaining.delete(partition);
        } catch (error) {
          await transaction.abort().catch(() => undefined);
          throw error;
        }
      };
      const flush = async (): Promise<void> => {
        if (flushing || pending.size === 0) return;
        flushing = true;
        stream.pause();
        const runs = [...pending];
        pending.clear();
        try {
          await Promise.all(runs.map(([partition, run]) => commitPartition(partition, run)));
        } catch (error) {
          reject(error as Error);
          return;
        }
        flushing = false;
        if (remaining.size === 0) {
          resolve();
          return;
        }
        stream.resume();
        if (pending.size > 0) setImmediate(() => void flush());
      };
      stream.on('data', (message: Message<Buffer, Buffer, Buffer, Buffer>) => {
        if (first === 0) first = performance.now();
        const run = pending.get(message.partition);
        if (run === undefined) pending.set(message.partition, [message]);
        else run.push(message);
        if (!flushing) setImmediate(() => void flush());
      });
      stream.on('error', reject);
    });
    await Promise.race([done, sleep(deadlineMs).then(() => Promise.reject(new Error('pipe consume (platformatic) timed out')))]);
    const finished = performance.now();
    await stream.close();
    return { totalMs: finished - started, fromFirstMs: finished - (first === 0 ? started : first), transactions, produced: cursor };
  } finally {
    await consumer.close(true).catch(() => undefined);
    await Promise.all([...producers.values()].map((producer) => producer.close().catch(() => undefined)));
  }
}
