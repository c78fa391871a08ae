import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { Cluster, Redis } from 'ioredis';
import { expect } from 'vitest';
import { parseConfig } from '../../../src/config/config.ts';
import type { Config } from '../../../src/config/config.ts';
import { replay } from '../../../src/core/replay/replay.ts';
import { METRIC_FIELDS } from '../../../src/core/statistic/agent-statistic-fields.ts';
import { parseTimestamp } from '../../../src/core/time/timestamp.ts';
import { readCommittedToEnd } from '../../../src/ingest/read-committed.ts';
import { AvroSerde } from '../../../src/kafka/avro-serde.ts';
import { createKafka } from '../../../src/kafka/kafka-client.ts';
import { createProducer } from '../../../src/kafka/producer.ts';
import { processorTopics } from '../../../src/processor/processor-topics.ts';
import type { ProcessorTopics } from '../../../src/processor/processor-topics.ts';
import { createLogger } from '../../../src/runtime/logger.ts';
import { setupTopology } from '../../../src/cli/setup-command.ts';
import type { RedisStore } from '../../../src/state/redis-client.ts';
import { storeKeys } from '../../../src/state/store-keys.ts';
import type { QuarterHourRow } from '../../../src/state/store-types.ts';
import { TimelineStoreReader } from '../../../src/state/timeline-store-reader.ts';
import type { RawRecord } from './raw-history.ts';
import type { TopicReader } from './topic-checks.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';

export const TENANT = 'default';
export const SOURCE = 'sinch-rai/agentStatusHistory';

/** An isolated pipeline on the real stack: fresh topic prefix, group id and Redis key prefix. */
export interface TestPipeline {
  readonly id: string;
  readonly config: Config;
  /** Environment for `node src/bin/cli.ts process` children. */
  readonly env: Record<string, string>;
  readonly topics: ProcessorTopics;
  readonly kafka: Kafka;
  readonly serde: AvroSerde;
  readonly producer: Producer;
  /** A Cluster when the pipeline's env sets REDIS_CLUSTER_NODES. */
  readonly redis: RedisStore;
  readonly reader: TimelineStoreReader;
  close(): Promise<void>;
}

/** `beforeSetup` runs with the pipeline's config before topics are aligned and the current schemas registered. */
export async function createTestPipeline(base: Config, extraEnv: Record<string, string> = {}, beforeSetup?: (config: Config) => Promise<void>): Promise<TestPipeline> {
  const id = `test-${randomUUID()}`;
  const env: Record<string, string> = {
    KAFKA_BROKERS: base.kafka.brokers.join(','),
    SCHEMA_REGISTRY_URL: base.schemaRegistry.url,
    REDIS_URL: base.redis.url,
    TOPIC_PREFIX: `${id}.`,
    PROCESSOR_GROUP_ID: id,
    REDIS_KEY_PREFIX: `at:${id}:`,
    PROCESSOR_SESSION_TIMEOUT_MS: '6000',
    PROCESSOR_TICK_MS: '100',
    // the state every 2 s and the input journal between, so that the tests see both kinds of commit
    PROCESSOR_STATE_INTERVAL_MS: '2000',
    REDIS_RETENTION_MS: '400000000000',
    LOG_LEVEL: 'warn',
    PROCESSOR_METRICS_PORT: '0',
    ...extraEnv,
  };
  const config = parseConfig(env);
  const logger = createLogger('warn');
  await beforeSetup?.(config);
  await setupTopology(config, logger);
  const kafka = createKafka(config, logger, '-test');
  const producer = createProducer(kafka);
  await producer.connect();
  const nodes = config.redis.clusterNodes?.map((node) => ({ host: node.slice(0, node.lastIndexOf(':')), port: Number(node.slice(node.lastIndexOf(':') + 1)) }));
  const redis: RedisStore = nodes === undefined
    ? new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 20 })
    : new Cluster(nodes, { lazyConnect: true, redisOptions: { maxRetriesPerRequest: 20 } });
  redis.on('error', () => undefined);
  await redis.connect();
  return {
    id, config, env, kafka, producer, redis,
    topics: processorTopics(config.topicPrefix, 'raw.sinch.agent-status-history'),
    serde: new AvroSerde(config.schemaRegistry),
    reader: new TimelineStoreReader(redis, storeKeys(config.redis.keyPrefix)),
    close: async () => {
      await Promise.allSettled([producer.disconnect(), redis.quit()]);
    },
  };
}

/** The Avro value the poller would publish for a raw record. */
export function rawValue(record: RawRecord, pollId = 'poll-test'): Record<string, unknown> {
  const field = (name: string): string | null => record[name] ?? null;
  return {
    sessionId: record['sessionId'], userId: record['userId'], userName: field('userName'), signOn: field('signOn'),
    profile: field('profile'), profileReason: field('profileReason'), profileType: field('profileType'),
    userStatus: field('userStatus'), userStatusTimestamp: field('userStatusTimestamp') ?? field('userStatusTimeStamp'),
    status: field('status'), statusTimestamp: field('statusTimestamp') ?? field('statusTimeStamp'),
    changeTimestamp: record['changeTimestamp'] ?? record['changeTimeStamp'], OutboundServing: field('OutboundServing'),
    keySpellings: {}, tenant: TENANT, source: SOURCE, pollId, receivedAt: 0,
  };
}

/** Normalises seed-style spellings (UserId, changeTimeStamp, …) the way the pollers do. */
export function normaliseRecord(record: Record<string, string>): RawRecord {
  const out: RawRecord = {};
  for (const [key, value] of Object.entries(record)) {
    const normal = key === 'UserId' ? 'userId' : key.replace('TimeStamp', 'Timestamp');
    out[normal] = value;
  }
  return out;
}

export async function produceRaw(pipeline: TestPipeline, records: readonly RawRecord[], chunk = 500): Promise<void> {
  for (let i = 0; i < records.length; i += chunk) {
    const messages = await Promise.all(records.slice(i, i + chunk).map(async (record) => ({ key: record['userId'] ?? '', value: await pipeline.serde.encode(pipeline.topics.raw, rawValue(record)) })));
    await pipeline.producer.send({ topic: pipeline.topics.raw, acks: -1, messages });
  }
}

export async function publishWatermark(pipeline: TestPipeline, watermark: number): Promise<void> {
  const value = await pipeline.serde.encode(pipeline.topics.watermarks, { tenant: TENANT, source: SOURCE, pollId: `wm-${watermark}`, watermark, publishedAt: Date.now() });
  await pipeline.producer.send({ topic: pipeline.topics.watermarks, acks: -1, messages: [{ key: `${TENANT}|${SOURCE}`, value }] });
}

/** The greatest changeTimestamp of `records` (epoch ms). */
export function maxChangeTime(records: readonly RawRecord[]): number {
  return Math.max(...records.map((r) => parseTimestamp(r['changeTimestamp'] ?? '')));
}

/** A row reduced to what must equal the batch replay: `userId|intervalStart` → fields. */
export type ComparableRows = Map<string, Record<string, string | number | null>>;

export function expectedRows(records: readonly RawRecord[], until: number): ComparableRows {
  const rows: ComparableRows = new Map();
  for (const row of replay(records, sinchAgentStatusHistoryAdapter, { until }).rows) {
    const fields: Record<string, string | number | null> = { userName: row.userName, intervalEnd: parseTimestamp(row.intervalEnd), maxChangeTimestamp: parseTimestamp(row.maxChangeTimestamp) };
    for (const field of METRIC_FIELDS) fields[field] = row[field];
    rows.set(`${row.userId}|${parseTimestamp(row.intervalStart)}`, fields);
  }
  return rows;
}

export function comparable(rows: Iterable<QuarterHourRow>): ComparableRows {
  const out: ComparableRows = new Map();
  for (const row of rows) {
    if (METRIC_FIELDS.every((field) => row[field] === 0 || row[field] === null)) continue;
    const fields: Record<string, string | number | null> = { userName: row.userName, intervalEnd: row.intervalEnd, maxChangeTimestamp: row.maxChangeTimestamp };
    for (const field of METRIC_FIELDS) fields[field] = row[field];
    out.set(`${row.userId}|${row.intervalStart}`, fields);
  }
  return out;
}

/** Latest revision per key of the quarter-hour topic, read with isolation read_committed (or `read`); also counts revisions. */
export async function readQuarterHours(
  pipeline: TestPipeline,
  read: TopicReader = readCommittedToEnd,
): Promise<{ latest: Map<string, QuarterHourRow>; records: number; duplicateRevisions: number; sample: { partition: number; offset: string } | null }> {
  const latest = new Map<string, QuarterHourRow>();
  const seen = new Set<string>();
  let records = 0;
  let duplicateRevisions = 0;
  let sample: { partition: number; offset: string } | null = null;
  await read(pipeline.kafka, pipeline.topics.quarterHours, async (message, partition) => {
    if (message.value === null) return;
    sample ??= { partition, offset: message.offset };
    const row = await pipeline.serde.decode<QuarterHourRow>(message.value);
    records++;
    const key = `${row.userId}|${row.intervalStart}`;
    const revisionId = `${key}|${row.revision}`;
    if (seen.has(revisionId)) duplicateRevisions++;
    seen.add(revisionId);
    const current = latest.get(key);
    if (current === undefined || row.revision > current.revision) latest.set(key, row);
  });
  return { latest, records, duplicateRevisions, sample };
}

/** Field-by-field equality of actual and expected rows, with a readable first difference. */
export function expectSameRows(actual: ComparableRows, expected: ComparableRows, label: string): void {
  const missing = [...expected.keys()].filter((key) => !actual.has(key));
  const extra = [...actual.keys()].filter((key) => !expected.has(key));
  expect(missing.slice(0, 5), `${label}: rows missing (${missing.length})`).toEqual([]);
  expect(extra.slice(0, 5), `${label}: unexpected rows (${extra.length})`).toEqual([]);
  for (const [key, fields] of expected) expect(actual.get(key), `${label}: ${key}`).toEqual(fields);
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns whether it succeeded. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** True once every input partition applied `watermark` (as the processor published it to Redis). */
export async function watermarkApplied(pipeline: TestPipeline, watermark: number): Promise<boolean> {
  const { upTo } = await pipeline.reader.getWatermark(TENANT);
  return upTo !== null && upTo >= watermark;
}

/** Redis rows equal `expected` (polled until the sink caught up). */
export async function redisMatches(pipeline: TestPipeline, expected: ComparableRows): Promise<boolean> {
  const rows = await pipeline.reader.listQuarterHours({ tenant: TENANT, from: 0, to: 8.64e15 });
  const actual = comparable(rows);
  if (actual.size !== expected.size) return false;
  for (const [key, fields] of expected) if (JSON.stringify(actual.get(key)) !== JSON.stringify(fields)) return false;
  return rows.every((row) => row.final);
}
