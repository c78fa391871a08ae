import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCommittedToEnd } from '../../src/ingest/read-committed.ts';
import { stateText } from '../../src/processor/changelog-records.ts';
import type { ChangelogValue } from '../../src/processor/changelog-records.ts';
import { startProcessorInstance } from '../../src/processor/processor-instance.ts';
import type { ProcessorInstance } from '../../src/processor/processor-instance.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { parseTimestamp } from '../../src/core/time/timestamp.ts';
import { requireServices } from '../support/services.ts';
import seed from '../fixtures/sinch-seed-agent-status-history.json' with { type: 'json' };
import { generateRawHistory } from './support/raw-history.ts';
import type { RawRecord } from './support/raw-history.ts';
import {
  comparable, createTestPipeline, expectSameRows, expectedRows, maxChangeTime, normaliseRecord, produceRaw, publishWatermark, readQuarterHours,
  redisMatches, TENANT, waitFor, watermarkApplied,
} from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';
import { processorSource } from '../../src/cli/processor-sources.ts';
import { knownRows } from '../support/known-metrics.ts';

const run = promisify(execFile);
const DECODE = new URL('../../stack/decode-record.sh', import.meta.url).pathname;
const SEED_USER = 'E936C474B22311D38FBE0090279A922E';

/**
 * One processor instance against the real stack. Input: the seed document's session plus 30 generated agents,
 * produced in chunks with a poll watermark after each. The latest revision per (agent, quarter-hour) on the
 * read_committed output topic and in Redis must equal the batch replay field by field; every row is final and no
 * revision appears twice on the topic.
 */
describe('timeline processor: exactly-once outputs equal the batch replay', () => {
  let pipeline: TestPipeline;
  let instance: ProcessorInstance;
  const seedRecords = (seed as unknown as Record<string, string>[]).map(normaliseRecord);
  const generated = generateRawHistory({ seed: 7, agents: 30, start: Date.UTC(2024, 0, 10, 8), spanMs: 3 * 3_600_000 });
  const records: RawRecord[] = [...seedRecords, ...generated];
  const finalWatermark = maxChangeTime(generated) + 3_600_000;

  beforeAll(async () => {
    pipeline = await createTestPipeline(await requireServices());
    instance = await startProcessorInstance(pipeline.config, processorSource(pipeline.config, 'sinch-rai'), createLogger('warn'));
  });
  afterAll(async () => {
    await instance?.stop();
    await pipeline?.close();
  });

  it('produces the replay rows on the output topic and in Redis', async () => {
    await produceRaw(pipeline, seedRecords);
    await publishWatermark(pipeline, maxChangeTime(seedRecords));
    const chunk = Math.ceil(generated.length / 4);
    for (let i = 0; i < generated.length; i += chunk) {
      const part = generated.slice(i, i + chunk);
      await produceRaw(pipeline, part);
      await publishWatermark(pipeline, maxChangeTime(part));
    }
    await publishWatermark(pipeline, finalWatermark);
    expect(await waitFor(() => watermarkApplied(pipeline, finalWatermark), 60_000), 'every partition applied the final watermark').toBe(true);

    const expected = expectedRows(records, finalWatermark);
    const topic = await readQuarterHours(pipeline);
    expectSameRows(comparable(topic.latest.values()), expected, 'output topic');
    expect([...topic.latest.values()].every((row) => row.final)).toBe(true);
    expect(topic.duplicateRevisions).toBe(0);
    // Avro on the topic: null for what Sinch RAI cannot supply (resting, the Direct split), numbers for the rest
    expect(() => knownRows([...topic.latest.values()])).not.toThrow();

    await waitFor(() => redisMatches(pipeline, expected), 30_000);
    const redisRows = await pipeline.reader.listQuarterHours({ tenant: TENANT, from: 0, to: 8.64e15 });
    expectSameRows(comparable(redisRows), expected, 'redis');
    expect(() => knownRows(redisRows)).not.toThrow();

    // the sink consumes the quarter-hour, segment and state topics independently: rows in Redis do not mean segments
    // and states are there yet
    const seedFrom = parseTimestamp('2019-12-03T07:00:00Z');
    const seedTo = parseTimestamp('2019-12-03T08:00:00Z');
    const seedTimelineMs = async () => (await pipeline.reader.getTimeline(TENANT, SEED_USER, seedFrom, seedTo)).reduce((sum, s) => sum + (s.end - s.start), 0);
    const statesFinal = async () => {
      const states = await pipeline.reader.getAgentStates(TENANT);
      return states.length === 31 && states.every((state) => !state.loggedIn);
    };
    await waitFor(async () => (await seedTimelineMs()) === 1_259_743 && (await statesFinal()), 30_000);
    const seedRows = await pipeline.reader.listQuarterHours({ tenant: TENANT, userIds: [SEED_USER], from: seedFrom, to: seedTo });
    expect(seedRows.map((row) => row.servingDuration)).toEqual([600_873, 658_870]);
    expect(await seedTimelineMs()).toBe(1_259_743);
    const states = await pipeline.reader.getAgentStates(TENANT);
    expect(states).toHaveLength(31);
    expect(states.every((state) => !state.loggedIn)).toBe(true);
    expect((await pipeline.reader.getAgentDirectory(TENANT))[SEED_USER]).toBe('Fox, John');

    const metrics = instance.processor.metrics;
    expect(metrics.total('records_consumed')).toBe(records.length);
    expect(metrics.total('records_dead_lettered')).toBe(0);
    expect(metrics.total('transactions_aborted')).toBe(0);
    expect(metrics.total('window_emissions', { status: 'final' })).toBe(topic.latest.size);
  });

  it('writes output records that kcat, the registry and avro-tools decode independently', async () => {
    const { latest, sample } = await readQuarterHours(pipeline);
    expect(sample).not.toBeNull();
    const { stdout } = await run('bash', [DECODE, pipeline.topics.quarterHours, String(sample!.partition), sample!.offset], {
      env: { ...process.env, KAFKA_BROKERS: pipeline.config.kafka.brokers.join(','), SCHEMA_REGISTRY_URL: pipeline.config.schemaRegistry.url },
      timeout: 120_000,
    });
    const decoded = JSON.parse(stdout) as { userId: string; intervalStart: number; tenant: string };
    expect(decoded.tenant).toBe(TENANT);
    const row = latest.get(`${decoded.userId}|${decoded.intervalStart}`);
    expect(row).toBeDefined();
    expect(Object.keys(decoded).sort()).toEqual(Object.keys(row!).sort());
    expect((decoded as unknown as Record<string, unknown>)['restingDuration'], 'Sinch RAI cannot supply restingDuration').toBeNull();
  });

  it('writes changelog records whose deflated state kcat, avro-tools and a zlib outside Node read back', async () => {
    let session: { partition: number; offset: string; text: string } | null = null;
    // the state follows the rows' transactions within PROCESSOR_STATE_INTERVAL_MS (docs/processor.md, State commits)
    await waitFor(async () => {
      await readCommittedToEnd(pipeline.kafka, pipeline.topics.changelog, async (message, partition) => {
        if (message.value === null || !(message.key?.toString('utf8') ?? '').includes('|session|')) return;
        const value = await pipeline.serde.decode<ChangelogValue>(message.value);
        if (value.stateDeflated instanceof Buffer) session = { partition, offset: message.offset, text: stateText(value) };
      });
      return session !== null;
    }, 30_000);
    expect(session, 'a session entry written deflated').not.toBeNull();
    const { partition, offset, text } = session!;
    const { stdout } = await run('bash', [DECODE, pipeline.topics.changelog, String(partition), offset, '--no-pretty'], {
      env: { ...process.env, KAFKA_BROKERS: pipeline.config.kafka.brokers.join(','), SCHEMA_REGISTRY_URL: pipeline.config.schemaRegistry.url },
      timeout: 120_000,
    });
    // avro-tools writes Avro bytes as a JSON string of code points 0–255, inside the union's branch
    const decoded = JSON.parse(stdout) as { state: string; stateDeflated: { bytes: string } | null };
    expect(decoded.state).toBe('');
    const inflate = 'import json,sys,zlib; print(zlib.decompress(json.load(sys.stdin)["stateDeflated"]["bytes"].encode("latin-1"), -15).decode("utf-8"), end="")';
    const inflated = await new Promise<string>((resolve, reject) => {
      const child = execFile('python3', ['-c', inflate], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, out) => (error === null ? resolve(out) : reject(error)));
      child.stdin?.end(stdout);
    });
    expect(inflated).toBe(text);
    expect((JSON.parse(inflated) as { sessionId?: unknown }).sessionId).toEqual(expect.any(String));
  });
});
