import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../src/kafka/kafka-client.ts';
import { createProducer } from '../../src/kafka/producer.ts';
import { restartWhile, stopConsumer } from '../../src/kafka/restart-while.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { requireServices } from '../support/services.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A consumer whose batch handler fails crashes (kafkajs' retries exhausted: a retriable crash, so kafkajs restarts
 * it), and its owner stops it from the CRASH event, after kafkajs' own disconnect and before kafkajs arms the restart.
 * Returns how many times the consumer joined its group before the stop and in the 3 s after it.
 */
async function joinsAfterStopOnCrash(kafka: Kafka, topic: string, guarded: boolean): Promise<{ before: number; after: number }> {
  let stopped = false;
  let joins = 0;
  let joinsAtStop = -1;
  const consumer: Consumer = kafka.consumer({
    groupId: `restart-while-${randomUUID()}`,
    maxWaitTimeInMs: 100,
    retry: { retries: 0, initialRetryTime: 200, ...(guarded ? restartWhile(() => !stopped) : {}) },
  });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joins += 1;
  });
  const stopping = new Promise<void>((resolve) => {
    consumer.on(consumer.events.CRASH, () => {
      if (stopped) return;
      stopped = true;
      joinsAtStop = joins;
      void (guarded ? stopConsumer(consumer) : consumer.disconnect()).then(() => resolve());
    });
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachBatch: async () => {
      throw new Error('the handler fails');
    },
  });
  await stopping;
  await sleep(3_000);
  const after = joins - joinsAtStop;
  await stopConsumer(consumer);
  return { before: joinsAtStop, after };
}

describe('restartWhile (real broker)', () => {
  let kafka: Kafka;
  const topic = `restart-while-${randomUUID()}`;

  beforeAll(async () => {
    kafka = createKafka(await requireServices(), createLogger('silent'), '-restart-while-test');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = createProducer(kafka);
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value: 'v' }] });
    await producer.disconnect();
  }, 30_000);

  it('kafkajs restarts a consumer its owner disconnected while it handled a crash; stopConsumer and restartWhile keep it stopped', async () => {
    const unguarded = await joinsAfterStopOnCrash(kafka, topic, false);
    const guarded = await joinsAfterStopOnCrash(kafka, topic, true);
    expect(unguarded.before).toBeGreaterThan(0);
    expect(unguarded.after, 'without the guard kafkajs starts the stopped consumer again (why restartWhile exists)').toBeGreaterThan(0);
    expect(guarded.before).toBeGreaterThan(0);
    expect(guarded.after, 'with stopConsumer and restartWhile the stopped consumer never joins again').toBe(0);
  }, 60_000);
});
