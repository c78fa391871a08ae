/**
 * Shared helpers of the stack benchmarks (bench/processor-*.bench.ts, bench/http-*.bench.ts, bench/restore.bench.ts):
 * an isolated `bench-<uuid>.` topic prefix, group id and Redis key prefix on the local stack, Avro encoding of raw
 * agentStatusHistory records, and cleanup of everything a benchmark created (topics, registry subjects, consumer
 * groups, Redis keys). Not a test helper: nothing here asserts.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import type { Admin, Kafka, Message, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { Redis } from 'ioredis';
import { setupTopology } from '../../src/cli/setup-command.ts';
import { parseConfig } from '../../src/config/config.ts';
import type { Config } from '../../src/config/config.ts';
import { AvroSerde } from '../../src/kafka/avro-serde.ts';
import { createKafka } from '../../src/kafka/kafka-client.ts';
import { createProducer } from '../../src/kafka/producer.ts';
import { processorTopics } from '../../src/processor/processor-topics.ts';
import type { ProcessorTopics } from '../../src/processor/processor-topics.ts';
import { fetchPartitionOffsets } from '../../src/processor/topic-offsets.ts';
import { createLogger } from '../../src/runtime/logger.ts';
export { committedReached } from '../../test/processor/support/topic-checks.ts';

export const TENANT = 'default';
export const SOURCE = 'sinch-rai/agentStatusHistory';

export type RawRecord = Record<string, string>;

export interface BenchStack {
  readonly id: string;
  readonly prefix: string;
  readonly baseEnv: Record<string, string>;
  readonly config: Config;
  readonly topics: ProcessorTopics;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly producer: Producer;
  readonly serde: AvroSerde;
  readonly redis: Redis;
  readonly logger: Logger;
  /** A config of this stack with a different group id (and any other variables overridden). */
  configWith(extra: Record<string, string>): Config;
  /** Deletes the topics, subjects, groups and Redis keys of this stack and closes its clients. */
  cleanup(extraGroups?: readonly string[]): Promise<void>;
}

export function machineLine(): string {
  const [one, five, fifteen] = loadavg();
  return `nproc ${cpus().length}, CPU ${cpus()[0]?.model ?? '?'}, node ${process.version}, load average ${one?.toFixed(2)} ${five?.toFixed(2)} ${fifteen?.toFixed(2)}`;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function createBenchStack(extraEnv: Record<string, string> = {}, options: { topics?: boolean } = {}): Promise<BenchStack> {
  const id = `bench-${randomUUID()}`;
  const prefix = `${id}.`;
  // the processor's settings from the environment (PROCESSOR_PRODUCER_CLIENT, PROCESSOR_FETCH_MAX_BYTES_PER_PARTITION, …),
  // to compare them in alternating runs; the bench's own (group id, tick, metrics port) take precedence
  const processorEnv = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('PROCESSOR_') && entry[1] !== undefined));
  const baseEnv: Record<string, string> = {
    ...processorEnv,
    KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092',
    SCHEMA_REGISTRY_URL: process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
    REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    TOPIC_PREFIX: prefix,
    PROCESSOR_GROUP_ID: id,
    REDIS_KEY_PREFIX: `at:${id}:`,
    PROCESSOR_TICK_MS: '100',
    PROCESSOR_METRICS_PORT: '0',
    REDIS_RETENTION_MS: '400000000000',
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  const config = parseConfig(baseEnv);
  const logger = createLogger('warn');
  if (options.topics !== false) await setupTopology(config, logger);
  const kafka = createKafka(config, logger, '-bench');
  const admin = kafka.admin();
  await admin.connect();
  const producer = createProducer(kafka);
  await producer.connect();
  const redis = new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 20 });
  redis.on('error', () => undefined);
  await redis.connect();
  const groups = new Set<string>([id]);
  return {
    id, prefix, baseEnv, config, kafka, admin, producer, redis, logger,
    topics: processorTopics(prefix, 'raw.sinch.agent-status-history'),
    serde: new AvroSerde(config.schemaRegistry),
    configWith: (extra) => {
      if (extra['PROCESSOR_GROUP_ID'] !== undefined) groups.add(extra['PROCESSOR_GROUP_ID']);
      return parseConfig({ ...baseEnv, ...extra });
    },
    cleanup: async (extraGroups = []) => {
      for (const group of extraGroups) groups.add(group);
      await producer.disconnect().catch(() => undefined);
      const ours = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
      await admin.deleteGroups([...groups]).catch(() => undefined);
      if (ours.length > 0) await admin.deleteTopics({ topics: ours, timeout: 30_000 }).catch((error: unknown) => console.error('topic cleanup failed:', error));
      await admin.disconnect().catch(() => undefined);
      await deleteSubjects(config, prefix);
      await deleteRedisKeys(redis, config.redis.keyPrefix);
      await redis.quit().catch(() => undefined);
    },
  };
}

/** Soft- then hard-deletes the registry subjects `<prefix>…-value` (best effort). */
async function deleteSubjects(config: Config, prefix: string): Promise<void> {
  const base = config.schemaRegistry.url;
  try {
    const subjects = (await (await fetch(`${base}/subjects`)).json()) as unknown;
    if (!Array.isArray(subjects)) return;
    for (const subject of subjects) {
      if (typeof subject !== 'string' || !subject.startsWith(prefix)) continue;
      await fetch(`${base}/subjects/${encodeURIComponent(subject)}`, { method: 'DELETE' });
      await fetch(`${base}/subjects/${encodeURIComponent(subject)}?permanent=true`, { method: 'DELETE' });
    }
  } catch (error) {
    console.error('registry cleanup failed:', error);
  }
}

export async function deleteRedisKeys(redis: Redis, keyPrefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** The Avro value the poller would publish for a raw record (as test/processor/support/pipeline.ts builds it). */
export function rawValue(record: RawRecord, pollId = 'poll-bench'): Record<string, unknown> {
  const field = (name: string): string | null => record[name] ?? null;
  return {
    sessionId: record['sessionId'], userId: record['userId'], userName: field('userName'), signOn: field('signOn'),
    profile: field('profile'), profileReason: field('profileReason'), profileType: field('profileType'),
    userStatus: field('userStatus'), userStatusTimestamp: field('userStatusTimestamp'),
    status: field('status'), statusTimestamp: field('statusTimestamp'),
    changeTimestamp: record['changeTimestamp'], OutboundServing: field('OutboundServing'),
    keySpellings: {}, tenant: TENANT, source: SOURCE, pollId, receivedAt: 0,
  };
}

export async function encodeRaw(stack: BenchStack, records: readonly RawRecord[]): Promise<Message[]> {
  const out: Message[] = [];
  for (const record of records) out.push({ key: record['userId'] ?? '', value: await stack.serde.encode(stack.topics.raw, rawValue(record)) });
  return out;
}

export async function produceMessages(stack: BenchStack, topic: string, messages: readonly Message[], chunk = 2_000): Promise<void> {
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < messages.length; i += chunk) {
    inFlight.push(stack.producer.send({ topic, acks: -1, messages: messages.slice(i, i + chunk) }));
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
}

export async function watermarkMessage(stack: BenchStack, watermark: number): Promise<Message> {
  const value = await stack.serde.encode(stack.topics.watermarks, { tenant: TENANT, source: SOURCE, pollId: `wm-${watermark}`, watermark, publishedAt: Date.now() });
  return { key: `${TENANT}|${SOURCE}`, value };
}

/** High watermark per partition of `topic`. */
export async function endOffsets(admin: Admin, topic: string): Promise<Map<number, number>> {
  return new Map((await fetchPartitionOffsets(admin, topic)).map((p) => [p.partition, p.high]));
}

/** Runs `cleanup` on SIGINT/SIGTERM too, so an interrupted benchmark leaves nothing behind. */
export function cleanupOnSignal(cleanup: () => Promise<void>): void {
  const handler = (signal: string): void => {
    console.error(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

/** Copies of wire-format `messages` whose schema id header (bytes 1–4) says `schemaId`: the same Avro body for another stack's subject. */
export function restamp(messages: readonly Message[], schemaId: number): Message[] {
  return messages.map((message) => {
    if (!Buffer.isBuffer(message.value)) return message;
    const value = Buffer.from(message.value);
    value.writeInt32BE(schemaId, 1);
    return { ...message, value };
  });
}
