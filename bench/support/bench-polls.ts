import { Partitioners } from 'kafkajs';
import type { Message } from 'kafkajs';
import type { BenchStack } from './bench-stack.ts';
import { SOURCE, TENANT } from './bench-stack.ts';

/**
 * Produces raw `messages` (in event-time order, `times[i]` the change time of message i) as a poller would: for each
 * of `watermarks`, the records up to it, then the watermark with where they ended on each partition (`rawEnds`, as
 * pollWatermarkRecord writes it). Partitions are the producer's own murmur2 choice, set explicitly so the ends can be
 * counted. Records after the last watermark are produced without one.
 */
export async function producePolls(stack: BenchStack, messages: readonly Message[], times: readonly number[], watermarks: readonly number[]): Promise<void> {
  const topic = stack.topics.raw;
  const metadata = await stack.admin.fetchTopicMetadata({ topics: [topic] });
  const partitionMetadata = [...(metadata.topics[0]?.partitions ?? [])].sort((a, b) => a.partitionId - b.partitionId);
  const partitioner = Partitioners.DefaultPartitioner();
  let next = 0;
  const send = async (chunk: Message[]): Promise<Map<number, number>> => {
    const ends = new Map<number, number>();
    for (let i = 0; i < chunk.length; i += 2_000) {
      const part = chunk.slice(i, i + 2_000);
      const counts = new Map<number, number>();
      for (const message of part) counts.set(message.partition as number, (counts.get(message.partition as number) ?? 0) + 1);
      for (const meta of await stack.producer.send({ topic, acks: -1, messages: part })) ends.set(meta.partition, Number(meta.baseOffset) + (counts.get(meta.partition) ?? 0));
    }
    return ends;
  };
  for (const watermark of [...watermarks, Number.POSITIVE_INFINITY]) {
    const chunk: Message[] = [];
    for (; next < messages.length && (times[next] as number) <= watermark; next++) {
      const message = messages[next] as Message;
      chunk.push({ ...message, partition: partitioner({ topic, partitionMetadata, message }) });
    }
    const ends = await send(chunk);
    if (!Number.isFinite(watermark)) break;
    const rawEnds = { topic, partitions: [...ends].sort(([a], [b]) => a - b).map(([partition, end]) => ({ partition, end })) };
    const value = await stack.serde.encode(stack.topics.watermarks, { tenant: TENANT, source: SOURCE, pollId: `wm-${watermark}`, watermark, publishedAt: Date.now(), rawEnds });
    await stack.producer.send({ topic: stack.topics.watermarks, acks: -1, messages: [{ key: `${TENANT}|${SOURCE}`, value }] });
  }
}
