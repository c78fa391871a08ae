import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCommittedToEnd } from '../../src/ingest/read-committed.ts';
import { createKafka } from '../../src/kafka/kafka-client.ts';
import { createProducer } from '../../src/kafka/producer.ts';
import { readToOffsets } from '../../src/kafka/read-to-offsets.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { requireServices } from '../support/services.ts';

const values = (messages: readonly KafkaMessage[]): string[] => messages.map((m) => m.value?.toString('utf8') ?? 'null');

/**
 * On a real broker, transactions of three producers overlap in one partition the way they do when a process holding
 * several transactional producers is killed: A's transaction is open while B's starts and aborts, then A aborts, then
 * each commits one more. A read_committed consumer built by createKafka must see exactly the committed and
 * non-transactional records, in log order, whether it starts at the beginning or inside the aborted transactions.
 * Without the fix (src/kafka/kafkajs-read-committed-fix.ts), kafkajs 2.2.4 returns A's first aborted record.
 */
describe('kafkajs read_committed (real broker, createKafka)', () => {
  let kafka: Kafka;
  const topic = `read-committed-${randomUUID()}`;
  const producers: Producer[] = [];
  /** Offset of each record's value, from a read_uncommitted read of the whole log. */
  const offsets = new Map<string, number>();
  const committed = ['plain-1', 'c1', 'plain-2', 'b3', 'a3'];

  beforeAll(async () => {
    kafka = createKafka(await requireServices(), createLogger('silent'), '-read-committed-test');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const open = async (transactionalId?: string): Promise<Producer> => {
      const producer = createProducer(kafka, transactionalId === undefined ? {} : { transactionalId: `${transactionalId}-${randomUUID()}` });
      await producer.connect();
      producers.push(producer);
      return producer;
    };
    const [a, b, c, plain] = [await open('a'), await open('b'), await open('c'), await open()];
    const send = (target: { send: Producer['send'] }, value: string) => target.send({ topic, messages: [{ key: value, value }], acks: -1 });
    const ta = await a.transaction();
    await send(ta, 'a1');
    const tb = await b.transaction();
    await send(tb, 'b1');
    await send(plain, 'plain-1');
    await send(tb, 'b2');
    await tb.abort();
    const tc = await c.transaction();
    await send(tc, 'c1');
    await tc.commit();
    await send(ta, 'a2');
    await ta.abort();
    await send(plain, 'plain-2');
    const tb3 = await b.transaction();
    await send(tb3, 'b3');
    await tb3.commit();
    const ta3 = await a.transaction();
    await send(ta3, 'a3');
    await ta3.commit();

    const all = kafka.consumer({ groupId: `uncommitted-${randomUUID()}`, readUncommitted: true });
    await all.connect();
    await all.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve) => {
      void all.run({
        eachMessage: async ({ message }) => {
          offsets.set(message.value!.toString('utf8'), Number(message.offset));
          if (offsets.size === 9) resolve();
        },
      });
    });
    await all.disconnect();
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(producers.map((producer) => producer.disconnect()));
  });

  it('the log holds the overlapping aborted transactions the test means', () => {
    const order = [...offsets].sort((x, y) => x[1] - y[1]).map(([value]) => value);
    expect(order).toEqual(['a1', 'b1', 'plain-1', 'b2', 'c1', 'a2', 'plain-2', 'b3', 'a3']);
  });

  it('a read from the beginning returns exactly the committed and plain records', async () => {
    const read: KafkaMessage[] = [];
    await readCommittedToEnd(kafka, topic, (message) => {
      read.push(message);
    });
    expect(values(read)).toEqual(committed);
  }, 60_000);

  it('a read that starts inside the aborted transactions returns the committed records after its start', async () => {
    for (const from of ['b1', 'b2', 'c1', 'a2']) {
      const start = offsets.get(from)!;
      const read: KafkaMessage[] = [];
      await readToOffsets(kafka, {
        topic,
        targets: new Map([[0, offsets.get('a3')! + 1]]),
        startOffsets: new Map([[0, start]]),
        timeoutMs: 30_000,
        timeoutError: () => new Error('read timed out'),
        onMessage: (message) => {
          read.push(message);
        },
      });
      expect(values(read), `from ${from}`).toEqual(committed.filter((value) => offsets.get(value)! >= start));
    }
  }, 120_000);
});
