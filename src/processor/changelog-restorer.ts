import { AssignerProtocol } from 'kafkajs';
import type { Kafka, PartitionAssigner } from 'kafkajs';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import { readToOffsets } from '../kafka/read-to-offsets.ts';
import type { ChangelogValue, StoredRecord } from './changelog-records.ts';
import { fetchPartitionOffsets } from './topic-offsets.ts';

/** Gives the only member of a throw-away group exactly `partitions` of `topic` (kafkajs has no manual assign). */
export function fixedAssigner(topic: string, partitions: readonly number[]): PartitionAssigner {
  return () => ({
    name: 'FixedPartitions',
    version: 1,
    assign: async ({ members }) =>
      members.map((member, index) => ({
        memberId: member.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: index === 0 ? { [topic]: [...partitions] } : {}, userData: Buffer.alloc(0) }),
      })),
    protocol: ({ topics }) => ({ name: 'FixedPartitions', metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) }),
  });
}

/**
 * Reads changelog partitions from their start to the end offsets they had when the call began (read_committed; the
 * caller has already fenced the partition's previous producer, so no transaction of it stays open) and returns the
 * latest record per key, decoded with its writer schema (changelog-records.ts joins and checks them). Throws
 * STATE_RESTORE_FAILED after `timeoutMs`.
 */
export async function restoreChangelog(kafka: Kafka, serde: AvroSerde, topic: string, partitions: readonly number[], timeoutMs = 60_000): Promise<Map<number, StoredRecord[]>> {
  const latest = new Map<number, Map<string, StoredRecord>>(partitions.map((p) => [p, new Map()]));
  const admin = kafka.admin();
  await admin.connect();
  let targets: Map<number, number>;
  try {
    const offsets = await fetchPartitionOffsets(admin, topic);
    targets = new Map(offsets.filter((o) => latest.has(o.partition) && o.high > o.low).map((o) => [o.partition, o.high]));
  } finally {
    await admin.disconnect();
  }
  const result = (): Map<number, StoredRecord[]> => new Map([...latest].map(([p, entries]) => [p, [...entries.values()]]));
  if (targets.size === 0) return result();

  await readToOffsets(kafka, {
    topic,
    targets,
    timeoutMs,
    timeoutError: (pending) => new AgentTimelinesError('STATE_RESTORE_FAILED', `restoring ${topic} ${pending.join(',')} took longer than ${timeoutMs} ms`),
    consumer: { partitionAssigners: [fixedAssigner(topic, [...targets.keys()])], maxBytesPerPartition: 8 * 1024 * 1024 },
    onMessage: async (message, partition) => {
      const entries = latest.get(partition);
      if (entries === undefined) return;
      const key = message.key?.toString('utf8') ?? '';
      if (message.value === null || message.value.length === 0) {
        entries.delete(key);
        return;
      }
      const value = await serde.decode<ChangelogValue>(message.value);
      entries.set(key, { key, value: { ...value, writtenAt: Number(value.writtenAt) } });
    },
  });
  return result();
}
