import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCommittedToEnd } from '../../src/ingest/read-committed.ts';
import { deadLetterRecord } from '../../src/processor/output-records.ts';
import type { OutgoingRecord } from '../../src/processor/output-records.ts';
import { isFencingError } from '../../src/processor/partition-producer.ts';
import type { PartitionProducer } from '../../src/processor/partition-producer.ts';
import { KafkajsPartitionProducer } from '../../src/processor/partition-producer-kafkajs.ts';
import { PlatformaticPartitionProducer } from '../../src/processor/partition-producer-platformatic.ts';
import { requireServices } from '../support/services.ts';
import { createTestPipeline, rawValue } from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';

/**
 * The partition tasks' transactional producer on @platformatic/kafka, on the real broker: what a transaction sends
 * and the consumer offset it commits become visible together, keyed records land where kafkajs (Java's partitioner)
 * puts them, and opening the same transactional id again fences the previous producer, as often as it happens.
 */
describe('PlatformaticPartitionProducer', () => {
  let pipeline: TestPipeline;
  const producers: PartitionProducer[] = [];

  beforeAll(async () => {
    pipeline = await createTestPipeline(await requireServices());
  });
  afterAll(async () => {
    await Promise.allSettled(producers.map((producer) => producer.close()));
    await pipeline?.close();
  });

  /** `count` dead letters keyed `source|0|i`, told apart by their reason. */
  const records = (count: number, reason: string, source = 'source'): OutgoingRecord[] =>
    Array.from({ length: count }, (_, i) =>
      deadLetterRecord(pipeline.topics.deadLetter, { topic: source, partition: 0, offset: String(i), key: null, value: Buffer.from(`value ${i}`) }, { errorCode: 'TEST', reason }, 1_700_000_000_000 + i),
    );

  async function open(transactionalId: string, groupId = `${pipeline.id}-group`): Promise<PartitionProducer> {
    const producer = await PlatformaticPartitionProducer.open(pipeline.config, pipeline.serde, transactionalId, groupId);
    producers.push(producer);
    return producer;
  }

  /** `count` raw records of six partitions' topic, keyed by user, told apart by their poll id. */
  const rawRecords = (count: number, pollId: string): OutgoingRecord[] =>
    Array.from({ length: count }, (_, i) => ({
      topic: pipeline.topics.raw,
      key: `user-${i}`,
      value: rawValue({ sessionId: `session-${i}`, userId: `user-${i}`, changeTimestamp: '2024-01-10 08:00:00.000' }, pollId),
    }));

  /** What read_committed consumers see on `topic`, by key: the partition and the `field` of each copy. */
  async function committed(topic: string, field: string): Promise<Map<string, { partition: number; tag: string }[]>> {
    const byKey = new Map<string, { partition: number; tag: string }[]>();
    await readCommittedToEnd(pipeline.kafka, topic, async (message, partition) => {
      const value = (await pipeline.serde.decode(message.value!)) as Record<string, unknown>;
      const key = message.key!.toString();
      byKey.set(key, [...(byKey.get(key) ?? []), { partition, tag: String(value[field]) }]);
    });
    return byKey;
  }

  it('commits the records and the consumed offset together; keyed records go where kafkajs sends them', { timeout: 60_000 }, async () => {
    const groupId = `${pipeline.id}-offsets`;
    const producer = await open(`${pipeline.id}-a`, groupId);
    const sent = await producer.commit(rawRecords(200, 'platformatic'), { groupId, topic: pipeline.topics.raw, partition: 2, offset: 17 });
    const reference = await KafkajsPartitionProducer.open(pipeline.kafka, pipeline.serde, `${pipeline.id}-reference`);
    producers.push(reference);
    await reference.commit(rawRecords(200, 'kafkajs'), null);

    const byKey = await committed(pipeline.topics.raw, 'pollId');
    expect(byKey.size, 'each key twice').toBe(200);
    for (const [key, copies] of byKey) {
      expect(copies.map((copy) => copy.tag).sort(), key).toEqual(['kafkajs', 'platformatic']);
      expect(copies[0]!.partition, `${key}: the same partition from both clients`).toBe(copies[1]!.partition);
    }
    const partitions = [...new Set([...byKey.values()].map((copies) => copies[0]!.partition))].sort();
    expect(partitions.length, 'the keys spread over the partitions').toBeGreaterThan(1);
    expect([...(sent.get(pipeline.topics.raw)?.keys() ?? [])].sort(), 'the partitions the commit reports').toEqual(partitions);

    const admin = pipeline.kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [pipeline.topics.raw] });
      expect(offsets?.partitions.find((p) => p.partition === 2)?.offset, 'the next offset to read, committed in the transaction').toBe('17');
    } finally {
      await admin.disconnect();
    }
  });

  it('fences the previous producer of its id at every open, and the fenced commit is recognised as fencing', { timeout: 90_000 }, async () => {
    const id = `${pipeline.id}-fenced`;
    let previous = await open(id);
    await previous.commit(records(3, 'first', 'fencing'), null);
    for (let round = 0; round < 3; round++) {
      const next = await open(id);
      const error = await previous.commit(records(3, `zombie ${round}`, 'fencing'), null).then(() => null, (caught: unknown) => caught);
      expect(error, `round ${round}: the previous producer can no longer commit`).not.toBeNull();
      expect(isFencingError(error), `round ${round}: ${String(error)}`).toBe(true);
      await next.commit(records(3, `round ${round}`, 'fencing'), null);
      previous = next;
    }
    const reasons = new Set([...(await committed(pipeline.topics.deadLetter, 'reason')).values()].flat().map((copy) => copy.tag));
    expect([...reasons].filter((reason) => reason.startsWith('zombie')), 'nothing of the fenced producers is visible').toEqual([]);
    for (const reason of ['first', 'round 0', 'round 1', 'round 2']) expect(reasons.has(reason), reason).toBe(true);
  });
});
