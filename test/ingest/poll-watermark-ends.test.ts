/**
 * A poll's watermark carries where the poll's raw records ended (pollWatermarkRecord + TransactionalPublisher), and a
 * processor's WatermarkIntake gates the watermark there on the partitions the poll wrote to, so a processor that is
 * behind applies each watermark as it reads past its poll (real stack). The ends are checked against the raw topic as
 * read back, and the partitions against a plain kafkajs producer's choice for the same keys.
 */
import { randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollWatermarkRecord } from '../../src/ingest/poll-watermark-record.ts';
import { TransactionalPublisher } from '../../src/ingest/transactional-publisher.ts';
import type { OutgoingRecord } from '../../src/ingest/transactional-publisher.ts';
import { readToOffsets } from '../../src/kafka/read-to-offsets.ts';
import { createProcessorMetrics } from '../../src/processor/processor-metrics.ts';
import { fetchPartitionOffsets } from '../../src/processor/topic-offsets.ts';
import { WatermarkIntake } from '../../src/processor/watermark-intake.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { requireServices } from '../support/services.ts';
import { createTestPipeline, rawValue, SOURCE, TENANT, waitFor } from '../processor/support/pipeline.ts';
import type { TestPipeline } from '../processor/support/pipeline.ts';
import type { RawRecord } from '../processor/support/raw-history.ts';

const T0 = Date.UTC(2026, 10, 2, 8);

function raw(userId: string, minute: number): RawRecord {
  const time = new Date(T0 + minute * 60_000).toISOString().replace('T', ' ').replace('Z', '');
  return { sessionId: `S-${userId}`, userId, userName: userId, status: 'Waiting', statusTimestamp: time, userStatus: 'Ready', userStatusTimeStamp: time, changeTimeStamp: time, profile: 'Office', profileReason: '', profileType: 'Presence' };
}

interface Ends {
  readonly topic: string;
  readonly partitions: { partition: number; end: number }[];
}

describe('poll watermarks with the raw ends of their poll', () => {
  let pipeline: TestPipeline;
  let publisher: TransactionalPublisher;
  let admin: Admin;
  let intake: WatermarkIntake | undefined;

  beforeAll(async () => {
    pipeline = await createTestPipeline(await requireServices());
    publisher = await TransactionalPublisher.connect(pipeline.kafka, pipeline.serde, `test-publisher-${randomUUID()}`);
    admin = pipeline.kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await intake?.stop();
    await publisher?.disconnect();
    await admin?.disconnect();
    await pipeline?.close();
  });

  async function poll(users: readonly string[], minute: number): Promise<void> {
    const records: OutgoingRecord[] = users.map((userId) => ({ topic: pipeline.topics.raw, key: userId, value: rawValue(raw(userId, minute), `poll-${minute}`) }));
    records.push(pollWatermarkRecord(pipeline.topics, { tenant: TENANT, source: SOURCE, pollId: `poll-${minute}`, watermark: T0 + (minute + 1) * 60_000, publishedAt: Date.now() }));
    await publisher.commit(records);
  }

  it('ends each poll exactly where its records end, on the partitions a plain producer chooses, and the intake gates there', async () => {
    const first = Array.from({ length: 40 }, (_, i) => `USER-${i}`);
    const second = ['USER-1', 'USER-7', 'USER-30'];
    await poll(first, 0);
    await poll(second, 1);
    await poll(first, 2);

    const rawTopic = pipeline.topics.raw;
    let ends = new Map<number, number>();
    const readRaw = async (): Promise<{ partition: number; offset: number; key: string; pollId: string }[]> => {
      const read: { partition: number; offset: number; key: string; pollId: string }[] = [];
      await readToOffsets(pipeline.kafka, {
        topic: rawTopic, targets: ends, timeoutMs: 30_000, timeoutError: () => new Error('raw read timed out'),
        onMessage: async (message, partition) => {
          const value = await pipeline.serde.decode<{ pollId: string }>(message.value as Buffer);
          read.push({ partition, offset: Number(message.offset), key: message.key?.toString() ?? '', pollId: value.pollId });
        },
      });
      return read;
    };
    // a transaction's commit markers are written after commitTransaction returns, and until they are the partition's
    // last stable offset (what kafkajs' admin answers as `high`) lies before the last poll's records: read again, with
    // fresh end offsets, until all of them are visible
    const expected = first.length * 2 + second.length;
    let seen: Awaited<ReturnType<typeof readRaw>> = [];
    for (const until = Date.now() + 20_000; seen.length < expected && Date.now() < until;) {
      if (ends.size > 0) await new Promise((resolve) => setTimeout(resolve, 250));
      ends = new Map((await fetchPartitionOffsets(admin, rawTopic)).map((o) => [o.partition, o.high]));
      seen = await readRaw();
    }
    expect(seen).toHaveLength(expected);

    const marks: Ends[] = [];
    const watermarkEnds = new Map((await fetchPartitionOffsets(admin, pipeline.topics.watermarks)).map((o) => [o.partition, o.high]));
    await readToOffsets(pipeline.kafka, {
      topic: pipeline.topics.watermarks, targets: watermarkEnds, timeoutMs: 30_000, timeoutError: () => new Error('watermark read timed out'),
      onMessage: async (message) => {
        marks.push((await pipeline.serde.decode<{ rawEnds: Ends }>(message.value as Buffer)).rawEnds);
      },
    });
    expect(marks).toHaveLength(3);
    for (const [index, pollId] of ['poll-0', 'poll-1', 'poll-2'].entries()) {
      const expected = new Map<number, number>();
      for (const record of seen) if (record.pollId === pollId) expected.set(record.partition, Math.max(expected.get(record.partition) ?? 0, record.offset + 1));
      expect(marks[index]?.topic).toBe(rawTopic);
      expect(new Map(marks[index]?.partitions.map((p) => [p.partition, p.end])), pollId).toEqual(expected);
    }

    // the same keys through a plain kafkajs producer (its own default partitioner) land on the same partitions
    const control = `${rawTopic}.control`;
    await admin.createTopics({ topics: [{ topic: control, numPartitions: ends.size, replicationFactor: 1 }] });
    const sent = await pipeline.producer.send({ topic: control, acks: -1, messages: first.map((key) => ({ key, value: 'x' })) });
    const controlEnds = new Map(sent.map((m) => [m.partition, 0]));
    const partitionOfKey = new Map<string, number>();
    await readToOffsets(pipeline.kafka, {
      topic: control, targets: new Map((await fetchPartitionOffsets(admin, control)).map((o) => [o.partition, o.high])), timeoutMs: 30_000, timeoutError: () => new Error('control read timed out'),
      onMessage: (message, partition) => {
        partitionOfKey.set(message.key?.toString() ?? '', partition);
      },
    });
    expect(controlEnds.size).toBeGreaterThan(1);
    for (const record of seen) expect(record.partition, record.key).toBe(partitionOfKey.get(record.key));

    // the intake gates each watermark at its poll's ends where the poll wrote, at the end offsets elsewhere
    intake = new WatermarkIntake({
      kafka: pipeline.kafka, serde: pipeline.serde, logger: createLogger('silent'), topic: pipeline.topics.watermarks, rawTopic, source: SOURCE,
      onFatal: (error) => {
        throw error;
      },
      now: () => T0 + 60 * 60_000, maxClockLeadMs: 5 * 60_000, metrics: createProcessorMetrics(), sessionTimeoutMs: 6_000,
    });
    await intake.start();
    expect(await waitFor(async () => intake?.tenants().includes(TENANT) === true && [...ends.keys()].every((p) => intake?.applicable(p, ends.get(p) ?? 0).get(TENANT) === T0 + 3 * 60_000), 30_000)).toBe(true);
    const firstEnds = new Map(marks[0]?.partitions.map((p) => [p.partition, p.end]));
    for (const [partition, end] of firstEnds) {
      if (end < (ends.get(partition) ?? 0)) {
        expect(intake.applicable(partition, end).get(TENANT), `partition ${partition} at the end of the first poll`).toBe(T0 + 60_000);
        expect(intake.applicable(partition, end - 1).get(TENANT), `partition ${partition} one record short`).toBeUndefined();
      }
    }
  });
});

