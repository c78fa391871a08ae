import { readFile } from 'node:fs/promises';
import type { KafkaMessage } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config.ts';
import { readCommittedToEnd } from '../../src/ingest/read-committed.ts';
import { AvroSerde } from '../../src/kafka/avro-serde.ts';
import { createKafka } from '../../src/kafka/kafka-client.ts';
import { createProducer } from '../../src/kafka/producer.ts';
import { registerSchema, valueSubject } from '../../src/kafka/schema-registrar.ts';
import { ensureTopics } from '../../src/kafka/topic-admin.ts';
import type { ChangelogValue } from '../../src/processor/changelog-records.ts';
import { startProcessorInstance } from '../../src/processor/processor-instance.ts';
import type { ProcessorInstance } from '../../src/processor/processor-instance.ts';
import { processorTopics } from '../../src/processor/processor-topics.ts';
import { TimelineProcessor } from '../../src/processor/timeline-processor.ts';
import { fetchPartitionOffsets } from '../../src/processor/topic-offsets.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { loadTopology } from '../../src/topology/load-topology.ts';
import { requireServices } from '../support/services.ts';
import changelogV1 from '../fixtures/state-format-v1/changelog.json' with { type: 'json' };
import outputsV1 from '../fixtures/state-format-v1/processor-outputs-phase2.json' with { type: 'json' };
import scenario from '../fixtures/state-format-v1/scenario.json' with { type: 'json' };
import { comparable, createTestPipeline, expectedRows, expectSameRows, produceRaw, publishWatermark, readQuarterHours, waitFor, watermarkApplied } from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';
import type { RawRecord } from './support/raw-history.ts';
import { processorSource } from '../../src/cli/processor-sources.ts';
import { SINCH_UNKNOWN_FIELDS } from '../support/known-metrics.ts';
import { METRIC_FIELDS } from '../../src/core/statistic/agent-statistic-fields.ts';

const logger = createLogger('warn');
/** The state format this release writes (SNAPSHOT_VERSION, asserted in test/core/engine/snapshot-format.test.ts), and one it does not know. */
const CURRENT_VERSION = 11;
const FUTURE_VERSION = 12;
const r1 = scenario.r1 as unknown as RawRecord[];
const r2 = scenario.r2 as unknown as RawRecord[];
interface FixtureRecord { partition: number; key: string; value: ChangelogValue | null }
const fixtureRecords = changelogV1.records as FixtureRecord[];
const fixtureInputTopic = fixtureRecords.find((r) => r.value !== null)?.value?.inputTopic ?? '';

/** The fixture's changelog records, moved to this pipeline's input topic (the only thing that differs). */
function recordsFor(config: Config, change: (value: ChangelogValue) => ChangelogValue = (v) => v): FixtureRecord[] {
  const inputTopic = processorTopics(config.topicPrefix, 'raw.sinch.agent-status-history').raw;
  return fixtureRecords.map((r) => ({
    partition: r.partition,
    key: r.key.replace(fixtureInputTopic, inputTopic),
    value: r.value === null ? null : change({ ...r.value, inputTopic }),
  }));
}

async function produceChangelog(config: Config, serde: AvroSerde, records: readonly FixtureRecord[]): Promise<void> {
  const topic = processorTopics(config.topicPrefix, 'raw.sinch.agent-status-history').changelog;
  const producer = createProducer(createKafka(config, logger, '-fixture'));
  await producer.connect();
  try {
    const messages = await Promise.all(records.map(async (r) => ({ partition: r.partition, key: r.key, value: r.value === null ? null : await serde.encode(topic, r.value) })));
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

/** Writes the v1 fixture changelog exactly as the v1 processor did: encoded with the v1 writer schema. */
async function writeV1Changelog(config: Config): Promise<void> {
  const admin = createKafka(config, logger, '-fixture').admin();
  await admin.connect();
  try {
    await ensureTopics(admin, await loadTopology(), config.topicPrefix);
  } finally {
    await admin.disconnect();
  }
  const topic = processorTopics(config.topicPrefix, 'raw.sinch.agent-status-history').changelog;
  const v1Schema = await readFile(new URL('../fixtures/state-format-v1/processor-state-entry.v1.avsc', import.meta.url), 'utf8');
  await registerSchema(config.schemaRegistry, valueSubject(topic), v1Schema);
  const serde = new AvroSerde(config.schemaRegistry);
  const records = recordsFor(config);
  await produceChangelog(config, serde, records);
  // The records on the topic are byte for byte what the v1 processor wrote (but for the schema id).
  expect(records.every((r) => r.value === null || !('parts' in r.value))).toBe(true);
}

async function rawEnds(pipeline: TestPipeline): Promise<Record<string, number>> {
  const admin = pipeline.kafka.admin();
  await admin.connect();
  try {
    return Object.fromEntries((await fetchPartitionOffsets(admin, pipeline.topics.raw)).map((p) => [String(p.partition), p.high]));
  } finally {
    await admin.disconnect();
  }
}

/** A quarter-hour's agentHistory parts must add up to its metrics (a null metric null in every part); the mismatches. */
function breakdownErrors(value: Record<string, unknown>): string[] {
  const parts = (value['breakdown'] ?? []) as Record<string, number | null>[];
  if (parts.length === 0) return [`${String(value['userId'])}@${String(value['intervalStart'])}: no breakdown`];
  return METRIC_FIELDS.flatMap((field) => {
    const total = value[field] as number | null;
    const sum = parts.reduce<number | null>((acc, part) => (acc === null || part[field] === null ? null : acc + (part[field] as number)), 0);
    return (total === null ? parts.every((part) => part[field] === null) : sum === total) ? [] : [`${String(value['userId'])}@${String(value['intervalStart'])} ${field}`];
  });
}

/**
 * Every committed record of the output topics, decoded, in a canonical order. A quarter-hour's `breakdown` (format 6,
 * which v1 did not write) is checked to add up to its metrics and then left out, so the rest compares with v1.
 */
async function outputs(pipeline: TestPipeline): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const [name, topic] of [['quarterHours', pipeline.topics.quarterHours], ['segments', pipeline.topics.segments], ['agentState', pipeline.topics.agentState]] as const) {
    const rows: string[] = [];
    await readCommittedToEnd(pipeline.kafka, topic, async (message: KafkaMessage, partition) => {
      if (message.value === null) return;
      const value = await pipeline.serde.decode<Record<string, unknown>>(message.value);
      if (name === 'quarterHours' && 'breakdown' in value) {
        expect(breakdownErrors(value)).toEqual([]);
        delete value['breakdown'];
      }
      rows.push(JSON.stringify([partition, message.key?.toString('utf8'), value]));
    });
    result[name] = rows.sort();
  }
  return result;
}

/**
 * The v1 outputs as this release writes them: with the `source` field that every output record carries since, right
 * after `tenant` (Sinch RAI), a quarter-hour's Sinch-unknown fields null where v1 wrote 0 (anything else throws), and
 * the fields added at the end of the schemas since.
 */
function fixtureOutputs(): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  const withSource = ({ tenant, ...rest }: Record<string, unknown>) => {
    for (const field of SINCH_UNKNOWN_FIELDS) {
      if (!(field in rest)) continue;
      if (rest[field] !== 0) throw new Error(`v1 wrote ${field} = ${String(rest[field])}, expected 0`);
      rest[field] = null;
    }
    return { tenant, source: 'sinch-rai', ...rest };
  };
  // fields added since, last in their schemas: a quarter-hour's extraFields (none for Sinch), a segment's or state's sampled
  const added: Record<string, Record<string, unknown>> = { quarterHours: { extraFields: {} }, segments: { sampled: false }, agentState: { sampled: false } };
  for (const name of ['quarterHours', 'segments', 'agentState'] as const) {
    result[name] = (outputsV1[name] as Array<{ partition: number; key: string; value: Record<string, unknown> }>).map((r) => JSON.stringify([r.partition, r.key, { ...withSource(r.value), ...added[name] }])).sort();
  }
  return result;
}

async function changelogVersions(pipeline: TestPipeline): Promise<Map<string, number>> {
  const latest = new Map<string, number>();
  await readCommittedToEnd(pipeline.kafka, pipeline.topics.changelog, async (message) => {
    const key = message.key?.toString('utf8') ?? '';
    if (message.value === null) latest.delete(key);
    else latest.set(key, (await pipeline.serde.decode<ChangelogValue>(message.value)).stateVersion);
  });
  return latest;
}

describe('processor state across a format upgrade', () => {
  const running: ProcessorInstance[] = [];
  const pipelines: TestPipeline[] = [];
  afterAll(async () => {
    await Promise.allSettled(running.map((i) => i.stop()));
    await Promise.allSettled(pipelines.map((p) => p.close()));
  });

  it('restores a changelog written by the previous release and continues with the identical outputs', async () => {
    const pipeline = await createTestPipeline(await requireServices(), {}, writeV1Changelog);
    pipelines.push(pipeline);
    await produceRaw(pipeline, r1);
    expect(await rawEnds(pipeline)).toEqual(changelogV1.rawEnds);
    await produceRaw(pipeline, r2);
    await publishWatermark(pipeline, scenario.w2);
    const instance = await startProcessorInstance(pipeline.config, processorSource(pipeline.config, 'sinch-rai'), logger);
    running.push(instance);
    expect(await waitFor(() => watermarkApplied(pipeline, scenario.w2), 60_000), 'w2 applied').toBe(true);
    await instance.stop();
    const { metrics } = instance.processor;
    expect(metrics.total('records_consumed'), 'only phase 2 was read: phase 1 came from the changelog').toBe(r2.length);
    expect(metrics.total('state_format_rebuilds')).toBe(0);
    expect(metrics.total('transactions_aborted')).toBe(0);
    expect(await outputs(pipeline)).toEqual(fixtureOutputs());
    const versions = await changelogVersions(pipeline);
    expect([...new Set(versions.values())]).toEqual([CURRENT_VERSION]);
  }, 120_000);

  it('refuses to start against a changelog schema that cannot carry the current format (setup not run)', async () => {
    const pipeline = await createTestPipeline(await requireServices());
    pipelines.push(pipeline);
    const v1Schema = await readFile(new URL('../fixtures/state-format-v1/processor-state-entry.v1.avsc', import.meta.url), 'utf8');
    await registerSchema(pipeline.config.schemaRegistry, valueSubject(pipeline.topics.changelog), v1Schema);
    const processor = new TimelineProcessor({ config: pipeline.config, source: processorSource(pipeline.config, 'sinch-rai'), logger });
    await expect(processor.start()).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH', message: expect.stringMatching(/does not carry parts, partId, stateDeflated: .* run `agent-timelines setup`/) });
    await processor.stop();
  });

  it('rebuilds a changelog of a newer, unknown format from the raw topic instead of misreading it', async () => {
    const pipeline = await createTestPipeline(await requireServices());
    pipelines.push(pipeline);
    // What a newer release might write: a new state format version in which sessions keep their events elsewhere.
    const future = recordsFor(pipeline.config, (value) => {
      const state = JSON.parse(value.state) as Record<string, unknown>;
      const next = value.entryKind === 'session' ? { ...state, log: undefined, events: state['log'] } : value.entryKind === 'partition' ? state : { ...state, version: FUTURE_VERSION };
      return { ...value, stateVersion: FUTURE_VERSION, state: JSON.stringify(next), parts: [], partId: null };
    });
    await produceChangelog(pipeline.config, pipeline.serde, future);
    await produceRaw(pipeline, r1);
    await produceRaw(pipeline, r2);
    await publishWatermark(pipeline, scenario.w2);
    const instance = await startProcessorInstance(pipeline.config, processorSource(pipeline.config, 'sinch-rai'), logger);
    running.push(instance);
    const all = [...r1, ...r2];
    const expected = expectedRows(all, scenario.w2);
    expect(await waitFor(() => watermarkApplied(pipeline, scenario.w2), 60_000), 'w2 applied').toBe(true);
    await instance.stop();
    const { metrics } = instance.processor;
    const partitionsWithState = new Set(future.map((r) => r.partition)).size;
    expect(metrics.total('state_format_rebuilds')).toBe(partitionsWithState);
    expect(metrics.total('records_consumed'), 'every raw record was read again').toBe(all.length);
    const { latest, duplicateRevisions } = await readQuarterHours(pipeline);
    expect(duplicateRevisions).toBe(0);
    expectSameRows(comparable(latest.values()), expected, 'rebuilt from the raw topic');
    const versions = await changelogVersions(pipeline);
    expect([...new Set(versions.values())], 'the old records were replaced').toEqual([CURRENT_VERSION]);
  }, 120_000);
});
