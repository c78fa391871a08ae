import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';

/** Last stable offset per partition (kafkajs lists offsets read_committed); retries retriable broker errors. */
async function stableOffsets(kafka: Kafka, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.fetchTopicMetadata({ topics: [topic] });
        return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
      } catch (error) {
        if (attempt >= 6 || (error as { retriable?: unknown }).retriable !== true) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * The offsets to read up to. A transaction's commit returns before its markers reach the partitions, so the last
 * stable offset can lag a commit that just returned; wait until it stops moving (250 ms apart, 3 s at most).
 */
async function highWatermarks(kafka: Kafka, topic: string): Promise<Map<number, number>> {
  let current = await stableOffsets(kafka, topic);
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const next = await stableOffsets(kafka, topic);
    const moved = [...next].some(([partition, offset]) => offset !== current.get(partition));
    current = next;
    if (!moved) break;
  }
  return current;
}

/**
 * Reads `topic` from the beginning with isolation read_committed up to the high watermark that each partition
 * had when the call started, calling `onMessage` in partition order, then stops. Open transactions of other
 * producers delay the end until they finish; throws SERVICE_UNAVAILABLE after `timeoutMs`. Uses a throw-away
 * consumer group that commits nothing.
 */
export async function readCommittedToEnd(
  kafka: Kafka,
  topic: string,
  onMessage: (message: KafkaMessage, partition: number) => void | Promise<void>,
  timeoutMs = 60_000,
): Promise<void> {
  const targets = await highWatermarks(kafka, topic);
  const pending = new Set([...targets].filter(([, high]) => high > 0).map(([partition]) => partition));
  if (pending.size === 0) return;
  const consumer = kafka.consumer({ groupId: `read-committed-${randomUUID()}`, readUncommitted: false, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new AgentTimelinesError('SERVICE_UNAVAILABLE', `reading ${topic} to its end took longer than ${timeoutMs} ms`)), timeoutMs);
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
            eachMessage: async ({ message, partition }) => {
              if (pending.has(partition) && Number(message.offset) < (targets.get(partition) ?? 0)) await onMessage(message, partition);
            },
          }),
        )
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(error as Error);
        });
    });
  } finally {
    await consumer.disconnect();
  }
}
