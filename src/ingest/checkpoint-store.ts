import type { Kafka } from 'kafkajs';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import type { PollerCheckpoint } from './checkpoint.ts';
import { readCommittedToEnd } from './read-committed.ts';

/** Avro value of a checkpoint (schemas/poller-checkpoint.avsc). */
export function checkpointValue(checkpoint: PollerCheckpoint): Record<string, unknown> {
  return { ...checkpoint, recentKeys: checkpoint.recentKeys.map((k) => ({ key: k.key, time: k.time })) };
}

/**
 * Restores checkpoints from the compacted checkpoint topic, read_committed to its end, so only checkpoints whose
 * transaction committed (together with their records) count. Call it after the poller's transactional producer
 * has connected: connecting fences a previous instance and aborts its open transaction, so the end is final.
 * Returns the latest checkpoint per key among `keys`.
 */
export async function restoreCheckpoints(kafka: Kafka, serde: AvroSerde, topic: string, keys: readonly string[]): Promise<Map<string, PollerCheckpoint>> {
  const wanted = new Set(keys);
  const found = new Map<string, PollerCheckpoint>();
  await readCommittedToEnd(kafka, topic, async (message) => {
    const key = message.key?.toString('utf8');
    if (key === undefined || !wanted.has(key)) return;
    if (message.value === null) {
      found.delete(key);
      return;
    }
    const value = await serde.decode<{ tenant: string; endpoint: string; highMark: Date | number; recentKeys: Array<{ key: string; time: number }>; pollId: string; updatedAt: Date | number }>(message.value);
    found.set(key, {
      tenant: value.tenant,
      endpoint: value.endpoint,
      highMark: Number(value.highMark),
      recentKeys: value.recentKeys.map((k) => ({ key: k.key, time: Number(k.time) })),
      pollId: value.pollId,
      updatedAt: Number(value.updatedAt),
    });
  });
  return found;
}
