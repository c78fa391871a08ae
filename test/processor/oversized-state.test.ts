import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../src/core/time/timestamp.ts';
import { readCommittedToEnd } from '../../src/ingest/read-committed.ts';
import { startProcessorInstance } from '../../src/processor/processor-instance.ts';
import type { ProcessorInstance } from '../../src/processor/processor-instance.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { requireServices } from '../support/services.ts';
import { flappingSession } from './support/flapping.ts';
import { comparable, createTestPipeline, expectedRows, expectSameRows, maxChangeTime, produceRaw, publishWatermark, readQuarterHours, waitFor, watermarkApplied } from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';
import { generateRawHistory } from './support/raw-history.ts';
import type { RawRecord } from './support/raw-history.ts';
import { processorSource } from '../../src/cli/processor-sources.ts';

const { ConfigResourceTypes } = kafkajs;
const logger = createLogger('warn');
const HOUR = 3_600_000;
const START = Date.parse('2025-06-02T00:00:00.000Z');
/** The topology's max.message.bytes for every topic (topologies/agent-timelines.topology.json). */
const TOPIC_LIMIT = 1_048_576;

interface ChangelogRecordInfo { key: string; bytes: number; parts: number; partId: string | null; session: boolean }

/** Every committed changelog record: its size on the wire and what it is. */
async function changelogRecords(pipeline: TestPipeline): Promise<ChangelogRecordInfo[]> {
  const out: ChangelogRecordInfo[] = [];
  await readCommittedToEnd(pipeline.kafka, pipeline.topics.changelog, async (message) => {
    if (message.value === null) return;
    const value = await pipeline.serde.decode<{ entryKind: string; parts?: string[]; partId?: string | null }>(message.value);
    out.push({ key: message.key?.toString('utf8') ?? '', bytes: message.value.length + (message.key?.length ?? 0), parts: value.parts?.length ?? 0, partId: value.partId ?? null, session: value.entryKind === 'session' });
  });
  return out;
}

async function topicConfig(pipeline: TestPipeline, topic: string, name: string): Promise<string | undefined> {
  const admin = pipeline.kafka.admin();
  await admin.connect();
  try {
    const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [name] }] });
    return described.resources[0]?.configEntries.find((c) => c.configName === name)?.configValue;
  } finally {
    await admin.disconnect();
  }
}

const timeOf = (record: RawRecord): number => parseTimestamp(record['changeTimestamp'] ?? '');

describe('oversized processor state', () => {
  const running: ProcessorInstance[] = [];
  const pipelines: TestPipeline[] = [];
  afterAll(async () => {
    await Promise.allSettled(running.map((i) => i.stop()));
    await Promise.allSettled(pipelines.map((p) => p.close()));
  });

  it('a session changing status every 5 s for the whole lateness + 24 h correction horizon commits, restores and continues', async () => {
    // the state in every transaction: the gauge and the records checked below are those of each commit's state
    const pipeline = await createTestPipeline(await requireServices(), { CORRECTION_HORIZON_MS: String(24 * HOUR), PROCESSOR_STATE_INTERVAL_MS: '0' });
    pipelines.push(pipeline);
    const span = 25 * HOUR;
    const flapping = flappingSession({ userId: 'FLAP-1', sessionId: 'S-FLAP-1', start: START, spanMs: span, everyMs: 5_000 });
    const others = generateRawHistory({ seed: 77, agents: 4, start: START, spanMs: span, sessionsPerAgent: 3 });
    const phaseOne = [...flapping, ...others].sort((a, b) => timeOf(a) - timeOf(b));
    let instance = await startProcessorInstance(pipeline.config, processorSource(pipeline.config, 'sinch-rai'), logger);
    running.push(instance);
    for (let from = START; from < START + span; from += 5 * HOUR) {
      const chunk = phaseOne.filter((r) => timeOf(r) >= from && timeOf(r) < from + 5 * HOUR);
      await produceRaw(pipeline, chunk);
      const watermark = Math.min(from + 5 * HOUR, START + span) - 1;
      await publishWatermark(pipeline, watermark);
      expect(await waitFor(() => watermarkApplied(pipeline, watermark), 90_000), `watermark ${new Date(watermark).toISOString()} applied`).toBe(true);
    }
    const { metrics } = instance.processor;
    expect(metrics.total('transactions_aborted')).toBe(0);
    expect(metrics.total('state_quarantined')).toBe(0);
    expect(Math.max(...instance.processor.metrics.samples().filter((s) => s.name === 'largest_state_entry_bytes').map((s) => s.value)), 'the session entry is above 1 MB, several times a record\'s limit').toBeGreaterThan(1_200_000);
    await instance.stop();

    const records = await changelogRecords(pipeline);
    expect(await topicConfig(pipeline, pipeline.topics.changelog, 'max.message.bytes')).toBe(String(TOPIC_LIMIT));
    expect(Math.max(...records.map((r) => r.bytes)), 'no changelog record above the topic limit').toBeLessThanOrEqual(300 * 1024);
    expect(records.some((r) => r.session && r.parts > 20), 'the session entry was written as a manifest of parts').toBe(true);

    // A new instance restores the large state from the changelog and continues: the session ends, windows finalise.
    const end = START + span;
    const phaseTwo: RawRecord[] = [...flappingSession({ userId: 'FLAP-1', sessionId: 'S-FLAP-1', start: end, spanMs: 60_000, everyMs: 5_000, loggedOut: true }).slice(1)];
    await produceRaw(pipeline, phaseTwo);
    const all = [...phaseOne, ...phaseTwo];
    const final = maxChangeTime(all) + HOUR;
    await publishWatermark(pipeline, final);
    instance = await startProcessorInstance(pipeline.config, processorSource(pipeline.config, 'sinch-rai'), logger);
    running.push(instance);
    expect(await waitFor(() => watermarkApplied(pipeline, final), 90_000), 'final watermark applied after the restore').toBe(true);
    expect(instance.processor.metrics.total('records_consumed'), 'the restored instance read only the new records').toBe(phaseTwo.length);
    expect(instance.processor.metrics.total('transactions_aborted')).toBe(0);
    expect(instance.processor.metrics.total('restored_entries')).toBeGreaterThan(20);
    await instance.stop();
    const { latest, duplicateRevisions } = await readQuarterHours(pipeline);
    expect(duplicateRevisions).toBe(0);
    expectSameRows(comparable(latest.values()), expectedRows(all, final), 'outputs after restoring the large state');
  }, 400_000);

  it('a state that cannot fit is quarantined with a dead letter and a metric, and the partition goes on', async () => {
    const pipeline = await createTestPipeline(await requireServices(), { PROCESSOR_STATE_ENTRY_MAX_BYTES: '524288' });
    pipelines.push(pipeline);
    const flapping = flappingSession({ userId: 'FLAP-2', sessionId: 'S-FLAP-2', start: START, spanMs: 6 * HOUR, everyMs: 2_000 });
    const others = generateRawHistory({ seed: 78, agents: 12, start: START, spanMs: 6 * HOUR, sessionsPerAgent: 2 });
    await produceRaw(pipeline, [...flapping, ...others].sort((a, b) => timeOf(a) - timeOf(b)));
    const watermark = START + 8 * HOUR;
    await publishWatermark(pipeline, watermark);
    const instance = await startProcessorInstance(pipeline.config, processorSource(pipeline.config, 'sinch-rai'), logger);
    running.push(instance);
    expect(await waitFor(() => watermarkApplied(pipeline, watermark), 90_000), 'the partition did not wedge').toBe(true);
    await instance.stop();
    const { metrics } = instance.processor;
    expect(metrics.total('state_quarantined', { kind: 'session' })).toBe(1);
    expect(metrics.total('transactions_aborted')).toBe(0);

    const letters: Array<{ errorCode: string; reason: string; sourceTopic: string; originalKey: Buffer | null }> = [];
    await readCommittedToEnd(pipeline.kafka, pipeline.topics.deadLetter, async (message) => {
      if (message.value !== null) letters.push(await pipeline.serde.decode(message.value));
    });
    const quarantined = letters.filter((l) => l.errorCode === 'STATE_TOO_LARGE');
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]?.reason).toMatch(/^session S-FLAP-2 of tenant default: state entry of \d+ bytes exceeds PROCESSOR_STATE_ENTRY_MAX_BYTES \(524288\); quarantined/);
    expect(quarantined[0]?.sourceTopic).toBe(pipeline.topics.changelog);
    expect(letters.filter((l) => l.errorCode !== 'STATE_TOO_LARGE').every((l) => l.errorCode === 'after-session-end'), 'later records of the quarantined session are rejected').toBe(true);
    expect((await changelogRecords(pipeline)).some((r) => r.key.endsWith('|session|S-FLAP-2'))).toBe(false);

    const { latest } = await readQuarterHours(pipeline);
    const rows = comparable([...latest.values()].filter((row) => row.userId !== 'FLAP-2'));
    expectSameRows(rows, expectedRows(others, watermark), 'the other agents of the partition');
  }, 240_000);
});
