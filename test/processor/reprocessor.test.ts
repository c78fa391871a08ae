import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPROCESS_REVISION_BASE } from '../../src/config/config.ts';
import { replay } from '../../src/core/replay/replay.ts';
import { parseTimestamp } from '../../src/core/time/timestamp.ts';
import { buildServer } from '../../src/http/server.ts';
import { readCommittedToEnd } from '../../src/ingest/read-committed.ts';
import { startProcessorInstance } from '../../src/processor/processor-instance.ts';
import type { ProcessorInstance } from '../../src/processor/processor-instance.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import type { QuarterHourRow } from '../../src/state/store-types.ts';
import { requireServices } from '../support/services.ts';
import { generateRawHistory, sinchTimestamp } from './support/raw-history.ts';
import type { RawRecord } from './support/raw-history.ts';
import {
  comparable, createTestPipeline, expectSameRows, expectedRows, produceRaw, publishWatermark, readQuarterHours, redisMatches, SOURCE, TENANT,
  waitFor, watermarkApplied,
} from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';
import { brokenRevisionSequences, revisionHistory } from './support/topic-checks.ts';
import { sinchAgentStatusHistoryAdapter } from '../../src/vendors/sinch/agent-status-history-adapter.ts';
import { processorSource } from '../../src/cli/processor-sources.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const AGENTS = 4;
const DAYS = 30;
const HISTORY_START = Date.UTC(2024, 0, 1);
const LIVE_DAY = HISTORY_START + DAYS * DAY;
/** The live processor's watermark when the history arrives: everything before LIVE_DAY 05:58 is too late for it. */
const LIVE_WATERMARK = LIVE_DAY + 13 * HOUR;

/** Sessions of the same AGENTS agents on one day (between 08:00 and 12:00), with stable user ids across days. */
function agentDay(day: number, seed: number): RawRecord[] {
  return generateRawHistory({ seed, agents: AGENTS, start: day + 8 * HOUR, spanMs: 4 * HOUR, sessionsPerAgent: 1 }).map((record) => ({
    ...record,
    userId: record['userId']!.replace(/-\d+$/, '-late'),
  }));
}

async function deadLetterCodes(pipeline: TestPipeline): Promise<string[]> {
  const codes: string[] = [];
  await readCommittedToEnd(pipeline.kafka, pipeline.topics.deadLetter, async (message) => {
    if (message.value !== null) codes.push((await pipeline.serde.decode<{ errorCode: string }>(message.value)).errorCode);
  });
  return codes;
}

/**
 * Onboarding a tenant with 30 days of history while the live processor runs with a current watermark: the history
 * is far older than the correction horizon, so the live engine hands it to the re-processor instead of dead-lettering
 * it. The test ends with 30 days of final rows equal to the batch replay in Redis, on the output topic (latest
 * revision, read_committed) and through the HTTP API. Then one row arrives late for a window that the live engine
 * made final long ago, and the window gets a correction revision above the live ones.
 */
describe('re-processor: late history reaches the outputs', () => {
  let pipeline: TestPipeline;
  let instance: ProcessorInstance;
  let server: FastifyInstance;
  const live = agentDay(LIVE_DAY, 7_000);
  const historyDays = Array.from({ length: DAYS }, (_, d) => agentDay(HISTORY_START + d * DAY, 7_001 + d));
  const history = historyDays.flat();
  const records: RawRecord[] = [...history, ...live];

  beforeAll(async () => {
    pipeline = await createTestPipeline(await requireServices(), { REPROCESS_LEAD_IN_MS: String(6 * HOUR) });
    instance = await startProcessorInstance(pipeline.config, processorSource(pipeline.config, 'sinch-rai'), createLogger('warn'));
    server = buildServer({
      reader: pipeline.reader, clock: () => LIVE_DAY + DAY, probes: [], registry: new Registry(), logger: createLogger('silent'), tenant: TENANT,
      allowedLatenessMs: pipeline.config.processor.allowedLatenessMs, collectDefaultMetrics: false,
    });
  });
  afterAll(async () => {
    await server?.close();
    await instance?.stop();
    await pipeline?.close();
  });

  it('backfilled history older than the horizon ends as final rows in Redis, on the topic and in the API', { timeout: 300_000 }, async () => {
    await produceRaw(pipeline, live);
    await publishWatermark(pipeline, LIVE_WATERMARK);
    expect(await waitFor(() => watermarkApplied(pipeline, LIVE_WATERMARK), 60_000), 'the live processor has a current watermark').toBe(true);

    for (const day of historyDays) await produceRaw(pipeline, day);
    const metrics = instance.processor.metrics;
    expect(await waitFor(async () => metrics.total('records_consumed') >= records.length, 120_000), 'the live processor read the history').toBe(true);
    expect(metrics.total('records_dead_lettered'), 'nothing dead-lettered').toBe(0);
    expect(metrics.total('records_reprocess_requested'), 'the history went to the re-processor').toBe(history.length);

    const expected = expectedRows(records, LIVE_WATERMARK);
    const historyKeys = [...expected.keys()].filter((key) => Number(key.split('|')[1]) < LIVE_DAY);
    expect(new Set(historyKeys.map((key) => Math.floor(Number(key.split('|')[1]) / DAY))).size, '30 days of expected rows').toBe(DAYS);
    const converged = await waitFor(() => redisMatches(pipeline, expected), 240_000, 1_000);
    const redisRows = await pipeline.reader.listQuarterHours({ tenant: TENANT, from: 0, to: 8.64e15 });
    expectSameRows(comparable(redisRows), expected, 'redis');
    expect(converged, 'every Redis row final').toBe(true);

    const topic = await readQuarterHours(pipeline);
    expectSameRows(comparable(topic.latest.values()), expected, 'output topic');
    expect([...topic.latest.values()].every((row) => row.final)).toBe(true);
    expect(topic.duplicateRevisions).toBe(0);
    const historyRows = [...topic.latest.values()].filter((row) => row.intervalStart < LIVE_DAY);
    expect(comparable(historyRows).size).toBe(historyKeys.length);
    expect(historyRows.every((row) => row.revision > REPROCESS_REVISION_BASE && row.final)).toBe(true);
    expect(brokenRevisionSequences(await revisionHistory(pipeline))).toEqual([]);
    expect(await deadLetterCodes(pipeline)).toEqual([]);

    const day = '2024-01-15';
    const response = await server.inject({ method: 'GET', url: `/agentStatistic?startTime=${day}T00:00:00Z&endTime=2024-01-16T00:00:00Z&timeCategory=day&limit=10000` });
    expect(response.statusCode).toBe(200);
    const apiRows = (JSON.parse(response.body) as Record<string, unknown>[]).sort((a, b) => String(a['userId']).localeCompare(String(b['userId'])));
    const expectedDay = replay(records, sinchAgentStatusHistoryAdapter, { until: LIVE_WATERMARK, timeCategory: 'day' }).rows.filter((row) => row.timeCategory === day);
    expect(expectedDay).toHaveLength(AGENTS);
    expect(apiRows).toEqual(expectedDay);
  });

  it('a row arriving later than the horizon for a window the live engine made final gives a correction revision', { timeout: 180_000 }, async () => {
    const later = LIVE_DAY + 20 * HOUR;
    await publishWatermark(pipeline, later);
    expect(await waitFor(() => watermarkApplied(pipeline, later), 60_000)).toBe(true);
    const before = await readQuarterHours(pipeline);

    const { row: lateRow, key } = lateRowFor(live.filter((r) => r['userId'] === live[0]!['userId']), records, later);
    const previous = before.latest.get(key);
    expect(previous?.final, 'the window was final before the row arrived').toBe(true);
    expect(previous!.revision).toBeLessThan(REPROCESS_REVISION_BASE);

    await produceRaw(pipeline, [lateRow]);
    const expected = expectedRows([...records, lateRow], later);
    const converged = await waitFor(() => redisMatches(pipeline, expected), 120_000, 1_000);
    expectSameRows(comparable(await pipeline.reader.listQuarterHours({ tenant: TENANT, from: 0, to: 8.64e15 })), expected, 'redis after the late row');
    expect(converged).toBe(true);

    const after = await readQuarterHours(pipeline);
    expectSameRows(comparable(after.latest.values()), expected, 'output topic after the late row');
    const corrected = after.latest.get(key) as QuarterHourRow;
    expect(corrected.revision).toBeGreaterThan(REPROCESS_REVISION_BASE);
    expect(corrected.status).toBe('correction');
    expect(corrected.final).toBe(true);
    const changed = [...after.latest].filter(([k, row]) => before.latest.get(k)?.revision !== row.revision).map(([k]) => k);
    expect(changed, 'only windows the row changes are re-emitted').toContain(key);
    for (const k of changed) expect(expected.get(k), k).not.toEqual(comparable([before.latest.get(k)!]).get(k));
    expect(brokenRevisionSequences(await revisionHistory(pipeline))).toEqual([]);
    expect(instance.processor.metrics.total('records_dead_lettered')).toBe(0);
  });
});

/** A late row whose day has changed; `at` lies between two records of the agent's session. */
function lateRowFor(session: readonly RawRecord[], others: readonly RawRecord[], until: number): { row: RawRecord; key: string } {
  const times = session.map((r) => parseTimestamp(r['changeTimestamp']!));
  const at = Math.floor((times[Math.floor(times.length / 2)]! + times[Math.floor(times.length / 2) + 1]!) / 2);
  const key = `${session[0]!['userId']}|${Math.floor(at / 900_000) * 900_000}`;
  const row = ['Pause', 'NotReady', 'Ready']
    .map((userStatus): RawRecord => ({
      sessionId: session[0]!['sessionId']!, userId: session[0]!['userId']!, userName: session[0]!['userName']!,
      userStatus, userStatusTimestamp: sinchTimestamp(at), profile: 'Break', changeTimestamp: sinchTimestamp(at + 1_000),
    }))
    .find((candidate) => JSON.stringify(expectedRows([...others, candidate], until).get(key)) !== JSON.stringify(expectedRows(others, until).get(key)))!;
  return { row, key };
}

/**
 * Raw history that retention has deleted cannot be recomputed: a late row for such a day is refused (dead letter
 * REPROCESS_HISTORY_EXPIRED) and the published rows stay as they are, instead of being replaced by a replay of the
 * little that is left. A backfill that announces the day (control.backfill-ranges) and republishes it makes the day
 * recomputable again, late row included.
 */
describe('re-processor: raw history deleted by retention', () => {
  let pipeline: TestPipeline;
  let instance: ProcessorInstance;
  const dayA = Date.UTC(2024, 2, 1);
  const dayB = dayA + 20 * DAY;
  const recordsA = agentDay(dayA, 8_001);
  const recordsB = agentDay(dayB, 8_002);
  const watermarkB = dayB + 13 * HOUR;

  beforeAll(async () => {
    pipeline = await createTestPipeline(await requireServices(), { REPROCESS_LEAD_IN_MS: String(6 * HOUR) });
    instance = await startProcessorInstance(pipeline.config, processorSource(pipeline.config, 'sinch-rai'), createLogger('warn'));
  });
  afterAll(async () => {
    await instance?.stop();
    await pipeline?.close();
  });

  it('refuses a day whose raw records are gone, and recomputes it once a backfill republished it', { timeout: 240_000 }, async () => {
    await produceRaw(pipeline, recordsA);
    await publishWatermark(pipeline, dayA + 13 * HOUR);
    expect(await waitFor(() => watermarkApplied(pipeline, dayA + 13 * HOUR), 60_000)).toBe(true);
    const admin = pipeline.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(pipeline.topics.raw);
      await admin.deleteTopicRecords({ topic: pipeline.topics.raw, partitions: offsets.map((p) => ({ partition: p.partition, offset: p.high })) });
    } finally {
      await admin.disconnect();
    }
    await produceRaw(pipeline, recordsB);
    await publishWatermark(pipeline, watermarkB);
    expect(await waitFor(() => watermarkApplied(pipeline, watermarkB), 60_000)).toBe(true);
    const before = await readQuarterHours(pipeline);
    expectSameRows(comparable(before.latest.values()), expectedRows([...recordsA, ...recordsB], watermarkB), 'live rows before the late row');

    const { row: late, key } = lateRowFor(recordsA.filter((r) => r['userId'] === recordsA[0]!['userId']), [...recordsA, ...recordsB], watermarkB);
    await produceRaw(pipeline, [late]);
    const metrics = instance.processor.metrics;
    expect(await waitFor(async () => metrics.total('reprocess_chunks', { outcome: 'refused' }) >= 1, 60_000), 'the chunk is refused').toBe(true);
    expect(await deadLetterCodes(pipeline)).toEqual(['REPROCESS_HISTORY_EXPIRED']);
    const refused = await readQuarterHours(pipeline);
    expect([...refused.latest].filter(([k, row]) => before.latest.get(k)?.revision !== row.revision), 'no row replaced').toEqual([]);

    const marker = (completedAt: number | null, startedAt: number) =>
      pipeline.serde.encode(pipeline.topics.backfillRanges, { tenant: TENANT, source: SOURCE, from: dayA, to: dayA + DAY, startedAt, completedAt });
    const startedAt = Date.now();
    const rangeKey = `${TENANT}|${SOURCE}|${dayA}|${dayA + DAY}`;
    await pipeline.producer.send({ topic: pipeline.topics.backfillRanges, acks: -1, messages: [{ key: rangeKey, value: await marker(null, startedAt) }] });
    await produceRaw(pipeline, recordsA);
    await pipeline.producer.send({ topic: pipeline.topics.backfillRanges, acks: -1, messages: [{ key: rangeKey, value: await marker(Date.now(), startedAt) }] });

    const expected = expectedRows([...recordsA, late, ...recordsB], watermarkB);
    const converged = await waitFor(() => redisMatches(pipeline, expected), 120_000, 1_000);
    expectSameRows(comparable(await pipeline.reader.listQuarterHours({ tenant: TENANT, from: 0, to: 8.64e15 })), expected, 'redis after the backfill');
    expect(converged).toBe(true);
    const after = await readQuarterHours(pipeline);
    expectSameRows(comparable(after.latest.values()), expected, 'output topic after the backfill');
    expect(after.latest.get(key)!.revision).toBeGreaterThan(REPROCESS_REVISION_BASE);
    expect(brokenRevisionSequences(await revisionHistory(pipeline))).toEqual([]);
    expect(await deadLetterCodes(pipeline)).toEqual(['REPROCESS_HISTORY_EXPIRED']);
  });
});
