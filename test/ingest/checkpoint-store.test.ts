import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.ts';
import { setupTopology } from '../../src/cli/setup-command.ts';
import { checkpointKey } from '../../src/ingest/checkpoint.ts';
import type { PollerCheckpoint } from '../../src/ingest/checkpoint.ts';
import { restoreCheckpoints } from '../../src/ingest/checkpoint-store.ts';
import { CONTACT_STATISTIC } from '../../src/vendors/sinch/endpoint-specs.ts';
import { createPollerMetrics } from '../../src/ingest/metrics.ts';
import { openPoller } from '../../src/ingest/poller-runtime.ts';
import type { PollerRuntime } from '../../src/ingest/poller-runtime.ts';
import { readCommittedToEnd } from '../../src/ingest/read-committed.ts';
import { SnapshotPoller } from '../../src/ingest/snapshot-poller.ts';
import { AvroSerde } from '../../src/kafka/avro-serde.ts';
import { createKafka } from '../../src/kafka/kafka-client.ts';
import { createProducer } from '../../src/kafka/producer.ts';
import { registerSchema, valueSubject } from '../../src/kafka/schema-registrar.ts';
import { ensureTopics } from '../../src/kafka/topic-admin.ts';
import { loadTopology } from '../../src/topology/load-topology.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { requireServices } from '../support/services.ts';
import checkpointsV1 from '../fixtures/state-format-v1/checkpoints.json' with { type: 'json' };
import { FakeClock } from './support/fake-clock.ts';
import { scriptedClient } from './support/quiet.ts';
import { freshStack, readTopic, tenantFor } from './support/stack.ts';
import type { TestStack } from './support/stack.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2025-06-02T22:00:00.000Z');
const TOPIC_LIMIT = 1_048_576;

/** A contactStatistic API over `rows` (startTime ≤ maxChangeTimestamp < endTime, offset/limit paging). */
function contactApi(rows: () => ReadonlyArray<Record<string, string>>): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    const start = Date.parse(`${url.searchParams.get('startTime')}`);
    const end = Date.parse(`${url.searchParams.get('endTime')}`);
    const offset = Number(url.searchParams.get('offset'));
    const limit = Number(url.searchParams.get('limit'));
    const matching = rows().filter((r) => {
      const time = Date.parse(`${r['maxChangeTimestamp']?.replace(' ', 'T')}Z`);
      return time >= start && time < end;
    });
    return new Response(JSON.stringify(matching.slice(offset, offset + limit)), { status: 200 });
  }) as typeof fetch;
}

function contacts(n: number, version = 0): Array<Record<string, string>> {
  const dayStart = Math.floor(NOW / DAY) * DAY;
  return Array.from({ length: n }, (_, i) => ({
    contactId: `C${String(i).padStart(6, '0')}`,
    channel: 'voice',
    countOfHandledContacts: String(version),
    maxChangeTimestamp: new Date(dayStart + Math.floor((i * (NOW - dayStart)) / n)).toISOString().replace('T', ' ').replace('Z', ''),
  }));
}

async function checkpointRecordSizes(stack: TestStack): Promise<Map<string, number>> {
  const latest = new Map<string, number>();
  await readCommittedToEnd(stack.kafka, `${stack.config.topicPrefix}control.poller-checkpoints`, (message) => {
    const key = message.key?.toString('utf8') ?? '';
    if (message.value === null) latest.delete(key);
    else latest.set(key, message.value.length + key.length);
  });
  return latest;
}

describe('poller checkpoints on the real broker', () => {
  const publishers: Array<{ disconnect(): Promise<void> }> = [];
  afterAll(async () => {
    await Promise.allSettled(publishers.map((p) => p.disconnect()));
  });

  it('a contactStatistic checkpoint with 50,000 contact keys commits, restores, and still dedups', async () => {
    const stack = await freshStack();
    const clock = new FakeClock(NOW);
    let rows = contacts(50_000);
    const { client } = scriptedClient(clock, contactApi(() => rows));
    const runtime: PollerRuntime = { config: stack.config, kafka: stack.kafka, serde: stack.serde, logger: stack.logger, clock, metrics: createPollerMetrics() };
    const tenant = tenantFor('http://vendor.invalid/RI/rai', { pageSize: 10_000 });
    const key = checkpointKey(tenant.id, 'contactStatistic');
    const settings = { checkpointKey: key, changesOnly: true, window: { kind: 'current-day' } } as const;

    const first = await openPoller(runtime, tenant, client, CONTACT_STATISTIC, 'contactStatistic', key);
    publishers.push(first.ctx.publisher);
    expect(first.restored).toBeUndefined();
    expect(await new SnapshotPoller(CONTACT_STATISTIC, first.ctx, settings, undefined).pollOnce()).toEqual({ fetched: 50_000, published: 50_000 });
    await first.ctx.publisher.disconnect();
    const sizes = await checkpointRecordSizes(stack);
    expect(sizes.size, 'the key set is split over several records').toBeGreaterThan(1);
    expect(Math.max(...sizes.values())).toBeLessThanOrEqual(300 * 1024);

    // A restart (fencing, then one read of the checkpoint topic) gets every key back: unchanged rows are not republished.
    rows = rows.map((row, i) => (i % 5_000 === 0 ? { ...row, countOfHandledContacts: '1' } : row));
    clock.current += 60_000;
    const second = await openPoller(runtime, tenant, client, CONTACT_STATISTIC, 'contactStatistic', key);
    publishers.push(second.ctx.publisher);
    expect(second.restored?.recentKeys).toHaveLength(50_000);
    const poller = new SnapshotPoller(CONTACT_STATISTIC, second.ctx, settings, second.restored);
    expect(await poller.pollOnce()).toEqual({ fetched: 50_000, published: 10 });

    // After midnight the key set shrinks, and the parts it no longer needs are deleted.
    rows = contacts(100, 2);
    expect(await poller.pollOnce()).toEqual({ fetched: 100, published: 100 });
    await second.ctx.publisher.disconnect();
    expect([...(await checkpointRecordSizes(stack)).keys()]).toEqual([key]);
    const restored = await restoreCheckpoints(stack.kafka, stack.serde, `${stack.config.topicPrefix}control.poller-checkpoints`, [key]);
    expect(restored.get(key)?.recentKeys).toHaveLength(100);
    expect((await readTopic(stack, 'raw.sinch.contacts')).length).toBe(50_000 + 10 + 100);
  }, 180_000);

  it('restores checkpoints written in the previous format (v1 schema) identically', async () => {
    const services = await requireServices();
    const prefix = `test-${randomUUID()}.`;
    const config = parseConfig({ KAFKA_BROKERS: services.kafka.brokers.join(','), SCHEMA_REGISTRY_URL: services.schemaRegistry.url, REDIS_URL: services.redis.url, TOPIC_PREFIX: prefix, LOG_LEVEL: 'warn' });
    const logger = createLogger('warn');
    const kafka = createKafka(config, logger, '-test');
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, await loadTopology(), prefix);
    await admin.disconnect();
    const topic = `${prefix}control.poller-checkpoints`;
    await registerSchema(config.schemaRegistry, valueSubject(topic), await readFile(new URL('../fixtures/state-format-v1/poller-checkpoint.v1.avsc', import.meta.url), 'utf8'));
    const v1 = new AvroSerde(config.schemaRegistry);
    const producer = createProducer(kafka);
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: await Promise.all(checkpointsV1.records.map(async (r) => ({ key: r.key, value: await v1.encode(topic, r.value) }))) });
    await producer.disconnect();
    await setupTopology(config, logger);
    const keys = checkpointsV1.restored.map((r) => r.key);
    const restored = await restoreCheckpoints(kafka, new AvroSerde(config.schemaRegistry), topic, keys);
    expect(Object.fromEntries(restored)).toEqual(Object.fromEntries(checkpointsV1.restored.map((r) => [r.key, r.checkpoint as PollerCheckpoint])));
  });

  it('a checkpoint of an unknown newer format keeps its high mark and drops its keys instead of misreading them', async () => {
    const stack = await freshStack();
    const topic = `${stack.config.topicPrefix}control.poller-checkpoints`;
    const record = checkpointsV1.records[0];
    if (record === undefined) throw new Error('no fixture');
    const producer = createProducer(stack.kafka);
    await producer.connect();
    // A newer release might keep, say, hashed keys in recentKeys: this release must not take them for record keys.
    const future = { ...record.value, recentKeys: record.value.recentKeys.map((k) => ({ key: `sha1:${k.key}`, time: k.time })), formatVersion: 3 };
    await producer.send({ topic, acks: -1, messages: [{ key: record.key, value: await stack.serde.encode(topic, future) }] });
    await producer.disconnect();
    const dropped: string[] = [];
    const restored = await restoreCheckpoints(stack.kafka, stack.serde, topic, [record.key], (key, reason) => dropped.push(`${key}: ${reason}`));
    expect(restored.get(record.key)).toEqual({ tenant: record.value.tenant, endpoint: record.value.endpoint, highMark: record.value.highMark, recentKeys: [], pollId: record.value.pollId, updatedAt: record.value.updatedAt });
    expect(dropped).toEqual([`${record.key}: checkpoint format version 3 is unknown to this release (it reads 1..2)`]);
  });

  it('refuses to open pollers against a checkpoint schema that cannot carry the current format (setup not run)', async () => {
    const stack = await freshStack();
    const topic = `${stack.config.topicPrefix}control.poller-checkpoints`;
    await registerSchema(stack.config.schemaRegistry, valueSubject(topic), await readFile(new URL('../fixtures/state-format-v1/poller-checkpoint.v1.avsc', import.meta.url), 'utf8'));
    const runtime: PollerRuntime = { config: stack.config, kafka: stack.kafka, serde: new AvroSerde(stack.config.schemaRegistry), logger: stack.logger, clock: new FakeClock(NOW), metrics: createPollerMetrics() };
    const tenant = tenantFor('http://vendor.invalid/RI/rai', {});
    const { client } = scriptedClient(new FakeClock(NOW), contactApi(() => []));
    await expect(openPoller(runtime, tenant, client, CONTACT_STATISTIC, 'contactStatistic', 'acme|contactStatistic')).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH', message: expect.stringMatching(/does not carry formatVersion, keyDigests, keyTimes, part, parts/) });
  });

  it('the topology declares max.message.bytes on every topic, and compaction settings on the checkpoint topic', async () => {
    const topology = await loadTopology();
    for (const topic of topology.topics) expect(topic.maxMessageBytes, topic.name).toBe(TOPIC_LIMIT);
    const checkpoints = topology.topics.find((t) => t.name === 'control.poller-checkpoints');
    expect(checkpoints).toMatchObject({ segmentMs: 3_600_000, minCleanableDirtyRatio: 0.1 });
  });
});
