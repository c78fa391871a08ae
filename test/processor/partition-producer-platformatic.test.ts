import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCommittedToEnd } from '../../src/ingest/read-committed.ts';
import { deadLetterRecord } from '../../src/processor/output-records.ts';
import type { OutgoingRecord } from '../../src/processor/output-records.ts';
import { EncodedValue, encodeAhead, isFencingError } from '../../src/processor/partition-producer.ts';
import { AvroSerde } from '../../src/kafka/avro-serde.ts';
import { ValueArena } from '../../src/kafka/value-arena.ts';
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

  it('commits values encoded ahead (encodeAhead) as the same records as values encoded at the commit', { timeout: 60_000 }, async () => {
    const plain = rawRecords(100, 'plain');
    // a serde that has not loaded the topic's schema leaves every value for the commit
    const fresh = new AvroSerde(pipeline.config.schemaRegistry);
    expect(encodeAhead(fresh, plain, new ValueArena()).filter((record) => record.value instanceof EncodedValue)).toHaveLength(0);
    await pipeline.serde.encode(pipeline.topics.raw, plain[0]!.value);
    const invalid: OutgoingRecord = { topic: pipeline.topics.raw, key: 'invalid', value: { ...(plain[0]!.value as Record<string, unknown>), sessionId: 42 } };
    const tombstone: OutgoingRecord = { topic: pipeline.topics.raw, key: 'tombstone', value: null };
    const ahead = encodeAhead(pipeline.serde, [...rawRecords(100, 'ahead'), tombstone, invalid], new ValueArena());
    expect(ahead.slice(0, 100).every((record) => record.value instanceof EncodedValue)).toBe(true);
    expect(ahead.slice(100), 'a tombstone and an invalid value are left for the commit').toEqual([tombstone, invalid]);
    const producer = await open(`${pipeline.id}-ahead`);
    await expect(producer.commit(ahead, null), 'the invalid value fails the commit, naming the field').rejects.toMatchObject({ name: 'ConfluentSchemaRegistryValidationError', paths: [['sessionId']] });
    const next = await open(`${pipeline.id}-ahead`);
    // the same records, every second one encoded ahead, through both clients
    const mixed = (pollId: string) => rawRecords(100, pollId).map((record, i) => (i % 2 === 0 ? encodeAhead(pipeline.serde, [record], new ValueArena())[0]! : record));
    await next.commit(mixed('ahead-platformatic'), null);
    const reference = await KafkajsPartitionProducer.open(pipeline.kafka, pipeline.serde, `${pipeline.id}-ahead-reference`);
    producers.push(reference);
    await reference.commit(mixed('ahead-kafkajs'), null);
    const seen: { key: string; value: Record<string, unknown> }[] = [];
    await readCommittedToEnd(pipeline.kafka, pipeline.topics.raw, async (message) => {
      const value = (await pipeline.serde.decode(message.value!)) as Record<string, unknown>;
      if (typeof value['pollId'] === 'string' && value['pollId'].startsWith('ahead')) seen.push({ key: message.key!.toString(), value });
    });
    expect(seen, 'each record once per client, the failed transaction none').toHaveLength(200);
    for (const pollId of ['ahead-platformatic', 'ahead-kafkajs']) {
      const expected = new Map(rawRecords(100, pollId).map((record) => [record.key, record.value]));
      const got = seen.filter((record) => record.value['pollId'] === pollId);
      expect(got).toHaveLength(100);
      for (const { key, value } of got) expect(value, key).toMatchObject(expected.get(key) as Record<string, unknown>);
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
