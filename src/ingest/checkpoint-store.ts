import type { Kafka } from 'kafkajs';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import { assertSchemaCarries } from '../kafka/schema-fields-check.ts';
import type { PollerCheckpoint } from './checkpoint.ts';
import type { CheckpointValue } from './checkpoint-format.ts';
import { CHECKPOINT_FORMAT_VERSION, decodeCheckpoint } from './checkpoint-format.ts';
import { readCommittedToEnd } from './read-committed.ts';

/** The part number of a part record key of one of `wanted` (`<key>|keys:<n>`), or undefined. */
function partOf(recordKey: string, wanted: ReadonlySet<string>): { key: string; part: number } | undefined {
  const at = recordKey.lastIndexOf('|keys:');
  if (at < 0) return undefined;
  const key = recordKey.slice(0, at);
  const part = Number(recordKey.slice(at + 6));
  return wanted.has(key) && Number.isInteger(part) && part > 0 ? { key, part } : undefined;
}

/**
 * Restores checkpoints from the compacted checkpoint topic in one pass, read_committed to its end, so only
 * checkpoints whose transaction committed (together with their records) count. Call it after the pollers'
 * transactional producers have connected: connecting fences a previous instance and aborts its open transaction, so
 * the end is final. Returns the latest checkpoint per key among `keys`, in any stored format version
 * (checkpoint-format.ts); when its key set cannot be read, the checkpoint comes back without keys and `onDropped`
 * hears why.
 */
export async function restoreCheckpoints(
  kafka: Kafka,
  serde: AvroSerde,
  topic: string,
  keys: readonly string[],
  onDropped: (key: string, reason: string) => void = () => undefined,
): Promise<Map<string, PollerCheckpoint>> {
  const wanted = new Set(keys);
  const heads = new Map<string, CheckpointValue>();
  const parts = new Map<string, Map<number, CheckpointValue>>();
  await readCommittedToEnd(kafka, topic, async (message) => {
    const recordKey = message.key?.toString('utf8');
    if (recordKey === undefined) return;
    const part = wanted.has(recordKey) ? undefined : partOf(recordKey, wanted);
    if (!wanted.has(recordKey) && part === undefined) return;
    const value = message.value === null || message.value.length === 0 ? null : await serde.decode<CheckpointValue>(message.value);
    if (part === undefined) {
      if (value === null) heads.delete(recordKey);
      else heads.set(recordKey, value);
      return;
    }
    const of = parts.get(part.key) ?? new Map<number, CheckpointValue>();
    parts.set(part.key, of);
    if (value === null) of.delete(part.part);
    else of.set(part.part, value);
  });
  const found = new Map<string, PollerCheckpoint>();
  for (const [key, head] of heads) {
    const decoded = decodeCheckpoint(head, parts.get(key) ?? new Map());
    if (decoded.dropped !== null) onDropped(key, decoded.dropped);
    found.set(key, decoded.checkpoint);
  }
  return found;
}

/** Throws SCHEMA_MISMATCH when the checkpoint topic's registered schema cannot carry this release's format. */
export async function assertCheckpointSchema(serde: AvroSerde, topic: string): Promise<void> {
  const probe = { tenant: '', endpoint: '', highMark: 0, recentKeys: [], pollId: '', updatedAt: 0, formatVersion: CHECKPOINT_FORMAT_VERSION, keyDigests: Buffer.alloc(16, 1), keyTimes: [1], part: 1, parts: 2 };
  await assertSchemaCarries(serde, topic, probe, ['formatVersion', 'keyDigests', 'keyTimes', 'part', 'parts']);
}

/** {@link assertCheckpointSchema}, and that it carries the report job fields report-job pollers cannot do without. */
export async function assertReportJobCheckpointSchema(serde: AvroSerde, topic: string): Promise<void> {
  await assertCheckpointSchema(serde, topic);
  const probe = {
    tenant: '', endpoint: '', highMark: 0, recentKeys: [], pollId: '', updatedAt: 0, formatVersion: CHECKPOINT_FORMAT_VERSION, keyDigests: null, keyTimes: [], part: 0, parts: 1,
    reportJob: { id: 'probe', windowStart: 1, windowEnd: 2, submittedAt: 3, attempt: 4 }, reportJobsToDelete: ['probe'],
  };
  const decoded = await serde.decode<CheckpointValue>(await serde.encode(topic, probe));
  const job = decoded.reportJob;
  const carried = job?.id === 'probe' && Number(job.windowEnd) === 2 && job.attempt === 4 && decoded.reportJobsToDelete?.[0] === 'probe';
  if (!carried) {
    throw new AgentTimelinesError('SCHEMA_MISMATCH', `the schema registered for ${topic} does not carry reportJob and reportJobsToDelete: it is older than this release; run \`agent-timelines setup\``);
  }
}
