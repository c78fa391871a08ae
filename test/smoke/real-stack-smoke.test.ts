import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { createKafka } from '../../src/kafka/kafka-client.ts';
import { createProducer } from '../../src/kafka/producer.ts';
import { registerSchema } from '../../src/kafka/schema-registrar.ts';
import { AvroSerde } from '../../src/kafka/avro-serde.ts';
import { readValueSchema } from '../../src/topology/load-topology.ts';
import { createRedis } from '../../src/state/redis-client.ts';
import type { RedisStore } from '../../src/state/redis-client.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import type { Config } from '../../src/config/config.ts';
import { requireServices } from '../support/services.ts';
import fixture from '../fixtures/avro/poll-watermark.json' with { type: 'json' };

describe('smoke: Avro through the registry, a consumer group and Redis', () => {
  let config: Config;
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer;
  let redis: RedisStore;

  beforeAll(async () => {
    config = await requireServices();
    const kafka = createKafka(config, createLogger('warn'));
    admin = kafka.admin();
    producer = createProducer(kafka);
    consumer = kafka.consumer({ groupId: `smoke-${randomUUID()}` });
    redis = createRedis(config);
    await Promise.all([admin.connect(), producer.connect(), consumer.connect(), redis.connect()]);
  });
  afterAll(async () => {
    await Promise.allSettled([admin?.disconnect(), producer?.disconnect(), consumer?.disconnect(), redis?.quit()]);
  });

  it('produces, consumes and stores one record', async () => {
    const topic = `test-${randomUUID()}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await registerSchema(config.schemaRegistry, `${topic}-value`, await readValueSchema('poll-watermark'));
    const serde = new AvroSerde(config.schemaRegistry);
    await producer.send({ topic, acks: -1, messages: [{ key: 'default|sinch', value: await serde.encode(topic, fixture) }] });

    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const received = new Promise<typeof fixture>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            if (message.value !== null) resolve(await serde.decode<typeof fixture>(message.value));
          },
        })
        .catch(reject);
    });
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no record consumed within 30 s')), 30_000));
    const decoded = await Promise.race([received, timeout]);
    expect(decoded).toEqual(fixture);

    const key = `${config.redis.keyPrefix}smoke:${topic}`;
    await redis.set(key, JSON.stringify(decoded), 'EX', 60);
    expect(JSON.parse((await redis.get(key)) ?? 'null')).toEqual(fixture);
    await redis.del(key);
  });
});
