import type { Kafka } from 'kafkajs';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import { readToOffsets } from '../kafka/read-to-offsets.ts';
import type { AlertStateEntry } from './alert-state-entries.ts';
import { alertEntryKey } from './alert-state-entries.ts';
import { fixedAssigner } from './changelog-restorer.ts';
import type { PartitionOffsets } from './topic-offsets.ts';
import { fetchPartitionOffsets } from './topic-offsets.ts';

/** Low and high offsets of every partition of `topic`, over an admin client of its own. */
export async function partitionOffsets(kafka: Kafka, topic: string): Promise<PartitionOffsets[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fetchPartitionOffsets(admin, topic);
  } finally {
    await admin.disconnect();
  }
}

/**
 * The latest entry per key of the alert evaluator's changelog, read_committed to the end offsets it has when the
 * call begins (the caller has fenced the previous owner's producer first, so no transaction of it stays open).
 * Throws STATE_RESTORE_FAILED after `timeoutMs`.
 */
export async function readAlertChangelog(kafka: Kafka, serde: AvroSerde, topic: string, timeoutMs = 60_000): Promise<AlertStateEntry[]> {
  const targets = new Map((await partitionOffsets(kafka, topic)).filter((o) => o.high > o.low).map((o) => [o.partition, o.high]));
  const latest = new Map<string, AlertStateEntry>();
  await readToOffsets(kafka, {
    topic, targets, timeoutMs,
    timeoutError: (pending) => new AgentTimelinesError('STATE_RESTORE_FAILED', `restoring ${topic} ${pending.join(',')} took longer than ${timeoutMs} ms`),
    consumer: { partitionAssigners: [fixedAssigner(topic, [...targets.keys()])], maxBytesPerPartition: 8 * 1024 * 1024 },
    onMessage: async (message) => {
      if (message.value === null || message.value.length === 0) return;
      const entry = await serde.decode<AlertStateEntry>(message.value);
      latest.set(alertEntryKey(entry), entry);
    },
  });
  return [...latest.values()];
}
