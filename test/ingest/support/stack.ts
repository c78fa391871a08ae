import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { parseConfig } from '../../../src/config/config.ts';
import type { Config, SinchTenant } from '../../../src/config/config.ts';
import { AvroSerde } from '../../../src/kafka/avro-serde.ts';
import { createKafka } from '../../../src/kafka/kafka-client.ts';
import { setupTopology } from '../../../src/cli/setup-command.ts';
import { readCommittedToEnd } from '../../../src/ingest/read-committed.ts';
import { normaliseRow, recordKey } from '../../../src/ingest/record-key.ts';
import { parseTimestamp } from '../../../src/core/time/timestamp.ts';
import { createLogger } from '../../../src/runtime/logger.ts';
import { requireServices } from '../../support/services.ts';

export interface TestStack {
  readonly config: Config;
  readonly logger: Logger;
  readonly serde: AvroSerde;
  readonly kafka: ReturnType<typeof createKafka>;
  readonly env: Record<string, string>;
}

/** A fresh topic prefix with the whole topology set up on the running stack. */
export async function freshStack(): Promise<TestStack> {
  const services = await requireServices();
  const prefix = `test-${randomUUID()}.`;
  const env = { KAFKA_BROKERS: services.kafka.brokers.join(','), SCHEMA_REGISTRY_URL: services.schemaRegistry.url, REDIS_URL: services.redis.url, TOPIC_PREFIX: prefix, LOG_LEVEL: 'warn' };
  const config = parseConfig(env);
  const logger = createLogger('fatal');
  await setupTopology(config, logger);
  return { config, logger, serde: new AvroSerde(config.schemaRegistry), kafka: createKafka(config, logger, '-test'), env };
}

/** A validated tenant (defaults from the config schema) with overrides. */
export function tenantFor(url: string, overrides: Record<string, unknown>): SinchTenant {
  const tenants = JSON.stringify([{ id: 'acme', baseUrl: url, credentials: { username: 'api', password: 'secret' }, ...overrides }]);
  const tenant = parseConfig({ SINCH_TENANTS: tenants }).sinch.tenants[0];
  if (tenant === undefined) throw new Error('no tenant');
  return tenant;
}

export interface RawRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly value: Record<string, unknown>;
  /** The Kafka record timestamp (publish time). */
  readonly timestamp: number;
}

/** Every record of a topic as a read_committed consumer sees it, decoded. */
export async function readTopic(stack: TestStack, logicalTopic: string): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  await readCommittedToEnd(stack.kafka, `${stack.config.topicPrefix}${logicalTopic}`, async (message, partition) => {
    if (message.value === null) return;
    out.push({ partition, offset: Number(message.offset), key: message.key?.toString('utf8') ?? '', value: await stack.serde.decode<Record<string, unknown>>(message.value), timestamp: Number(message.timestamp) });
  });
  return out;
}

const METADATA = new Set(['keySpellings', 'tenant', 'source', 'pollId', 'receivedAt', 'vendorPoll', 'vendorRow']);

/** The record key of a published raw agentStatusHistory record (nulls were absent in the vendor row). */
export function publishedKey(value: Record<string, unknown>): string {
  return recordKey(Object.fromEntries(Object.entries(value).filter(([k, v]) => v !== null && !METADATA.has(k))));
}

/** The record key of a ground-truth row exactly as the API serves it. */
export function truthKey(row: Record<string, unknown>): string {
  return recordKey(normaliseRow(row)?.fields ?? {});
}

export function rowTime(row: Record<string, unknown>): number {
  return parseTimestamp(String(row['changeTimestamp'] ?? row['changeTimeStamp']));
}

/** Keys that occur more than once, the expected keys missing, and published keys not expected. */
export function compareKeys(published: readonly string[], expected: readonly string[]): { duplicates: string[]; missing: string[]; extra: string[] } {
  const counts = new Map<string, number>();
  for (const key of published) counts.set(key, (counts.get(key) ?? 0) + 1);
  const want = new Set(expected);
  return {
    duplicates: [...counts].filter(([, n]) => n > 1).map(([k]) => k),
    missing: [...want].filter((k) => !counts.has(k)),
    extra: [...counts.keys()].filter((k) => !want.has(k)),
  };
}

/** Pairs (partition, userId) whose records are not in changeTimestamp order within the partition. */
export function orderViolations(records: readonly RawRecord[]): string[] {
  const last = new Map<string, number>();
  const violations: string[] = [];
  for (const r of [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
    const id = `${r.partition}/${String(r.value['userId'])}`;
    const time = parseTimestamp(String(r.value['changeTimestamp']));
    if (time < (last.get(id) ?? Number.NEGATIVE_INFINITY)) violations.push(`${id}@${r.offset}`);
    last.set(id, Math.max(time, last.get(id) ?? Number.NEGATIVE_INFINITY));
  }
  return violations;
}
