import type { Admin } from 'kafkajs';

const TRANSIENT = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'NOT_LEADER_FOR_PARTITION', 'NOT_LEADER_OR_FOLLOWER', 'LEADER_NOT_AVAILABLE', 'REQUEST_TIMED_OUT']);

export interface PartitionOffsets {
  readonly partition: number;
  readonly low: number;
  readonly high: number;
}

/**
 * Low and high offsets of every partition of `topic`, retrying the transient answers a broker gives right after a
 * topic was created or a leader moved.
 */
export async function fetchPartitionOffsets(admin: Admin, topic: string, attempts = 30): Promise<PartitionOffsets[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) })).sort((a, b) => a.partition - b.partition);
    } catch (error) {
      const type = (error as { type?: unknown }).type;
      if (typeof type !== 'string' || !TRANSIENT.has(type) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * attempt)));
    }
  }
}
