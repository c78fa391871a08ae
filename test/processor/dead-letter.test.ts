import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCommittedToEnd } from '../../src/ingest/read-committed.ts';
import { registerSchema } from '../../src/kafka/schema-registrar.ts';
import { startProcessorInstance } from '../../src/processor/processor-instance.ts';
import type { ProcessorInstance } from '../../src/processor/processor-instance.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { readValueSchema } from '../../src/topology/load-topology.ts';
import { requireServices } from '../support/services.ts';
import { fuzzBadRecords } from './support/bad-records.ts';
import { generateRawHistory } from './support/raw-history.ts';
import {
  comparable, createTestPipeline, expectSameRows, expectedRows, maxChangeTime, publishWatermark, rawValue, readQuarterHours, redisMatches,
  TENANT, waitFor, watermarkApplied,
} from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';
import { processorSource } from '../../src/cli/processor-sources.ts';

interface DeadLetterValue {
  originalKey: Buffer | null;
  originalValue: Buffer | null;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: number;
  reason: string;
  errorCode: string;
  component: string;
}

const BAD = 10_500;

/**
 * 10,500 fuzzed bad records (garbage bytes, unknown schema ids, truncated and over-long bodies, wrong field types,
 * another record type, tombstones, an invalid tenant, missing fields, bad timestamps, unknown statuses) interleaved
 * with a good history. Every bad record lands on the dead-letter topic exactly once, with its reason, errorCode,
 * original bytes and source coordinates, and the good records still give exactly the batch replay.
 */
describe('timeline processor dead-letter policy', () => {
  let pipeline: TestPipeline;
  let instance: ProcessorInstance;

  beforeAll(async () => {
    pipeline = await createTestPipeline(await requireServices());
    instance = await startProcessorInstance(pipeline.config, processorSource(pipeline.config, 'sinch-rai'), createLogger('warn'));
  });
  afterAll(async () => {
    await instance?.stop();
    await pipeline?.close();
  });

  it('dead-letters every bad record with its reason while good records keep flowing', { timeout: 120_000 }, async () => {
    const good = generateRawHistory({ seed: 31, agents: 20, start: Date.UTC(2024, 3, 2, 8), spanMs: 3 * 3_600_000 });
    const wrongTypes = JSON.parse(await readValueSchema('sinch-agent-status-history')) as { fields: { name: string; type: unknown }[] };
    for (const field of wrongTypes.fields) if (field.name === 'changeTimestamp') field.type = 'long';
    const wrongTypeTopic = `${pipeline.topics.raw}-fuzz`;
    await registerSchema(pipeline.config.schemaRegistry, `${wrongTypeTopic}-value`, JSON.stringify(wrongTypes), 'NONE');
    const bad = await fuzzBadRecords({ count: BAD, seed: 5, good, serde: pipeline.serde, rawTopic: pipeline.topics.raw, wrongTypeSubjectTopic: wrongTypeTopic, otherRecordTopic: pipeline.topics.watermarks });

    const chunks = 10;
    const goodSize = Math.ceil(good.length / chunks);
    const badSize = Math.ceil(bad.length / chunks);
    for (let i = 0; i < chunks; i++) {
      const goodPart = good.slice(i * goodSize, (i + 1) * goodSize);
      const messages = [
        ...(await Promise.all(goodPart.map(async (record) => ({ key: record['userId'] ?? '', value: await pipeline.serde.encode(pipeline.topics.raw, rawValue(record)) })))),
        ...bad.slice(i * badSize, (i + 1) * badSize).map(({ key, value }) => ({ key, value })),
      ].sort((a, b) => (a.key < b.key ? -1 : 1));
      await pipeline.producer.send({ topic: pipeline.topics.raw, acks: -1, messages });
      await publishWatermark(pipeline, maxChangeTime(goodPart));
    }
    const finalWatermark = maxChangeTime(good) + 3_600_000;
    await publishWatermark(pipeline, finalWatermark);
    expect(await waitFor(() => watermarkApplied(pipeline, finalWatermark), 60_000)).toBe(true);


    const countBy = (codes: string[]) => codes.reduce<Record<string, number>>((acc, code) => ({ ...acc, [code]: (acc[code] ?? 0) + 1 }), {});
    let letters: DeadLetterValue[] = [];
    await waitFor(async () => {
      const read: DeadLetterValue[] = [];
      await readCommittedToEnd(pipeline.kafka, pipeline.topics.deadLetter, async (message) => {
        if (message.value !== null) read.push(await pipeline.serde.decode<DeadLetterValue>(message.value));
      });
      letters = read;
      return letters.length >= BAD;
    }, 60_000);
    expect(countBy(letters.map((l) => l.errorCode))).toEqual(countBy(bad.map((b) => b.errorCode)));
    expect(letters).toHaveLength(BAD);
    expect(new Set(letters.map((l) => `${l.sourcePartition}|${l.sourceOffset}`)).size).toBe(BAD);
    expect(letters.every((l) => l.sourceTopic === pipeline.topics.raw && l.component === 'processor' && l.reason.length > 0 && l.originalKey !== null)).toBe(true);

    const hex = (value: Buffer | null) => (value === null ? 'null' : value.toString('hex'));
    expect(letters.map((l) => hex(l.originalValue)).sort()).toEqual(bad.map((b) => hex(b.value)).sort());
    expect(instance.processor.metrics.total('records_dead_lettered')).toBe(BAD);
    const expected = expectedRows(good, finalWatermark);
    expectSameRows(comparable((await readQuarterHours(pipeline)).latest.values()), expected, 'output topic');
    await waitFor(() => redisMatches(pipeline, expected), 30_000);
    expectSameRows(comparable(await pipeline.reader.listQuarterHours({ tenant: TENANT, from: 0, to: 8.64e15 })), expected, 'redis');

  });
});
