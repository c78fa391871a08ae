import type { Admin, Kafka } from 'kafkajs';
import type { SourceAdapter } from '../core/source/source-adapter.ts';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import { readToOffsets } from '../kafka/read-to-offsets.ts';
import { fixedAssigner } from './changelog-restorer.ts';
import type { RawRecordDecoder } from './raw-record-decoder.ts';
import { eventSpan } from './reprocess-requests.ts';
import { fetchPartitionOffsets } from './topic-offsets.ts';

/**
 * Records are published after their event time, but a poller's clock may run behind the vendor's: a raw scan starts
 * at records published this long before the earliest event time it needs.
 */
export const PUBLISH_CLOCK_SLACK_MS = 3_600_000;

export interface RawScanRequest {
  readonly topic: string;
  readonly partition: number;
  /** Exclusive offset to read up to (the raw end offset when the run began). */
  readonly end: number;
  readonly tenant: string;
  readonly users: ReadonlySet<string>;
  /** Records with an event in [eventFrom, eventTo] are kept. */
  readonly eventFrom: number;
  readonly eventTo: number;
  readonly timeoutMs?: number;
}

export interface ScannedRecord {
  readonly offset: number;
  readonly userId: string;
  /** Earliest event time of the record. */
  readonly eventFrom: number;
  readonly record: Readonly<Record<string, unknown>>;
}

export interface RawScan {
  readonly records: ScannedRecord[];
  /** Where the scan started (the first record published at or after eventFrom − slack). */
  readonly startOffset: number;
  /**
   * True when retention has deleted records of the partition that may have been published inside the scanned time
   * (the scan had to start at the partition's low offset, and that offset is not 0): the history may be incomplete.
   */
  readonly historyTruncated: boolean;
}

/**
 * Reads the raw records of `users` of one tenant whose events touch [eventFrom, eventTo] from one raw partition, from
 * the first record published at or after eventFrom − {@link PUBLISH_CLOCK_SLACK_MS} (records are stamped with their
 * publish time, so `fetchTopicOffsetsByTimestamp` finds it) to `end`, read_committed. The message key (the userId)
 * selects records before they are decoded. Throws when the registry is unreachable or the read times out.
 */
export async function scanRawPartition(kafka: Kafka, admin: Admin, decoder: RawRecordDecoder, adapter: SourceAdapter, request: RawScanRequest): Promise<RawScan> {
  const { topic, partition, end } = request;
  const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, request.eventFrom - PUBLISH_CLOCK_SLACK_MS);
  const low = (await fetchPartitionOffsets(admin, topic)).find((p) => p.partition === partition)?.low ?? 0;
  const found = Number(byTime.find((p) => p.partition === partition)?.offset ?? end);
  const startOffset = Math.max(low, Math.min(found, end));
  const historyTruncated = low > 0 && startOffset <= low;
  const records: ScannedRecord[] = [];
  const timeoutMs = request.timeoutMs ?? 300_000;
  await readToOffsets(kafka, {
    topic,
    targets: new Map([[partition, end]]),
    startOffsets: new Map([[partition, startOffset]]),
    timeoutMs,
    timeoutError: () => new AgentTimelinesError('SERVICE_UNAVAILABLE', `reading ${topic} partition ${partition} from ${startOffset} to ${end} took longer than ${timeoutMs} ms`),
    consumer: { partitionAssigners: [fixedAssigner(topic, [partition])], maxBytesPerPartition: 8 * 1024 * 1024 },
    onMessage: async (message) => {
      const userId = message.key?.toString('utf8') ?? '';
      if (!request.users.has(userId)) return;
      const decoded = await decoder.decode(message.value);
      if ('errorCode' in decoded || decoded.tenant !== request.tenant || decoded.record['userId'] !== userId) return;
      const span = eventSpan(decoded.record, adapter);
      if (span === null || span.to < request.eventFrom || span.from > request.eventTo) return;
      records.push({ offset: Number(message.offset), userId, eventFrom: span.from, record: decoded.record });
    },
  });
  return { records, startOffset, historyTruncated };
}
