import { randomUUID } from 'node:crypto';
import type { ConsumerConfig, Kafka, KafkaMessage } from 'kafkajs';
import { restartWhile, stopConsumer } from './restart-while.ts';

export interface ReadToOffsetsOptions {
  readonly topic: string;
  /** Partition → offset to stop before; partitions missing here are not read. */
  readonly targets: ReadonlyMap<number, number>;
  /** Partition → offset to start at (default: the beginning of the partition). */
  readonly startOffsets?: ReadonlyMap<number, number>;
  /** Called for every record below its partition's target, in partition order. */
  readonly onMessage: (message: KafkaMessage, partition: number) => void | Promise<void>;
  readonly timeoutMs: number;
  /** The error thrown when the targets are not reached in time; gets the partitions still pending. */
  readonly timeoutError: (pending: readonly number[]) => Error;
  /** Extra consumer settings, e.g. partitionAssigners to read only some partitions. */
  readonly consumer?: Partial<ConsumerConfig>;
}

/**
 * Reads `topic` from the beginning (or `startOffsets`) with isolation read_committed up to `targets`, then stops.
 * Uses a throw-away consumer group (kafkajs has no manual assign) that commits nothing and is disconnected before
 * returning.
 */
export async function readToOffsets(kafka: Kafka, options: ReadToOffsetsOptions): Promise<void> {
  const { topic, targets, onMessage } = options;
  const start = (partition: number): number => options.startOffsets?.get(partition) ?? 0;
  const pending = new Set([...targets].filter(([partition, target]) => target > start(partition)).map(([partition]) => partition));
  if (pending.size === 0) return;
  let finished = false;
  const consumer = kafka.consumer({
    groupId: `read-to-offsets-${randomUUID()}`, readUncommitted: false, allowAutoTopicCreation: false, retry: restartWhile(() => !finished), ...options.consumer,
  });
  if (options.startOffsets !== undefined) {
    const seeks = [...options.startOffsets].filter(([partition]) => pending.has(partition));
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const [partition, offset] of seeks) consumer.seek({ topic, partition, offset: String(offset) });
    });
  }
  await consumer.connect();
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(options.timeoutError([...pending])), options.timeoutMs);
      const reached = (partition: number, lastOffset: string): void => {
        if (Number(lastOffset) + 1 >= (targets.get(partition) ?? 0)) pending.delete(partition);
        if (pending.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => reached(payload.partition, payload.lastOffset));
      consumer
        .subscribe({ topics: [topic], fromBeginning: true })
        .then(() =>
          consumer.run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              if (!pending.has(batch.partition)) return;
              const target = targets.get(batch.partition) ?? 0;
              for (const message of batch.messages) {
                if (Number(message.offset) < start(batch.partition)) continue;
                if (Number(message.offset) >= target) break;
                await onMessage(message, batch.partition);
              }
            },
          }),
        )
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(error as Error);
        });
    });
  } finally {
    finished = true;
    await stopConsumer(consumer);
  }
}
