import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Producer } from 'kafkajs';
import { createKafka } from '../../src/kafka/kafka-client.ts';
import { createProducer } from '../../src/kafka/producer.ts';
import { registerSchema } from '../../src/kafka/schema-registrar.ts';
import { registryRequest } from '../../src/kafka/schema-registry-http.ts';
import { AvroSerde } from '../../src/kafka/avro-serde.ts';
import { readValueSchema } from '../../src/topology/load-topology.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import type { Config } from '../../src/config/config.ts';
import { requireServices } from '../support/services.ts';
import { METRIC_FIELDS } from '../../src/core/statistic/agent-statistic-fields.ts';
import fixture from '../fixtures/avro/agent-statistic-quarter-hour.json' with { type: 'json' };

const run = promisify(execFile);
const DECODE = new URL('../../stack/decode-record.sh', import.meta.url).pathname;

/**
 * Proves that what we produce is plain Confluent-framed Avro: kcat reads the raw bytes, the registry serves the
 * writer schema by id, and Apache Avro's own avro-tools (fragtojson) renders the datum. No code of ours decodes.
 */
describe('independent decoding with kcat, the registry and avro-tools', () => {
  let config: Config;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    config = await requireServices();
    const kafka = createKafka(config, createLogger('warn'));
    admin = kafka.admin();
    producer = createProducer(kafka);
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterAll(async () => {
    await Promise.allSettled([admin?.disconnect(), producer?.disconnect()]);
  });

  it('renders a produced quarter-hour record exactly as written', async () => {
    const topic = `test-${randomUUID()}.out.agent-statistic-quarter-hour`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const schema = await readValueSchema('agent-statistic-quarter-hour');
    const id = await registerSchema(config.schemaRegistry, `${topic}-value`, schema);
    const fetched = await registryRequest<{ schema: string }>(config.schemaRegistry, 'GET', `/schemas/ids/${id}`);
    expect(JSON.parse(fetched.schema)).toMatchObject({ name: 'AgentStatisticQuarterHour' });

    const serde = new AvroSerde(config.schemaRegistry);
    const [meta] = await producer.send({ topic, acks: -1, messages: [{ key: `${fixture.tenant}|${fixture.userId}|${fixture.intervalStart}`, value: await serde.encode(topic, fixture) }] });
    const offset = meta?.baseOffset ?? '0';

    const { stdout } = await run('bash', [DECODE, topic, '0', offset], {
      env: { ...process.env, KAFKA_BROKERS: config.kafka.brokers.join(','), SCHEMA_REGISTRY_URL: config.schemaRegistry.url },
      timeout: 120_000,
    });
    // Avro's JSON encoding names the branch of a non-null union value: {"long": 5000}, {"string": "Office"}; null stays null.
    const unionFields = new Set<string>([...METRIC_FIELDS, 'profile', 'profileReason', 'campaignId']);
    const branches = (record: Record<string, unknown>): Record<string, unknown> =>
      Object.fromEntries(Object.entries(record).map(([field, value]) => [field, unionFields.has(field) && value !== null ? { [typeof value === 'string' ? 'string' : 'long']: value } : value]));
    // the fixture has no breakdown (as written before the field existed): the schema's default, [], is rendered
    const expected = { ...branches(fixture), breakdown: [] };
    expect(Object.values(fixture)).toContain(null);
    expect('breakdown' in fixture).toBe(false);
    expect(JSON.parse(stdout)).toEqual(expected);
  });
});
