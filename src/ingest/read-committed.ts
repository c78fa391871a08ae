import type { Kafka, KafkaMessage } from 'kafkajs';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import { readToOffsets } from '../kafka/read-to-offsets.ts';

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
 * Reads `topic` from the beginning with isolation read_committed up to the last stable offset that each partition
 * had when the call started, calling `onMessage` in partition order, then stops. Throws SERVICE_UNAVAILABLE after
 * `timeoutMs`.
 */
export async function readCommittedToEnd(
  kafka: Kafka,
  topic: string,
  onMessage: (message: KafkaMessage, partition: number) => void | Promise<void>,
  timeoutMs = 60_000,
): Promise<void> {
  await readToOffsets(kafka, {
    topic,
    targets: await highWatermarks(kafka, topic),
    onMessage,
    timeoutMs,
    timeoutError: () => new AgentTimelinesError('SERVICE_UNAVAILABLE', `reading ${topic} to its end took longer than ${timeoutMs} ms`),
  });
}
