import { GenericContainer, Wait } from 'testcontainers';
import type { StartedTestContainer } from 'testcontainers';
import type { Config } from '../../src/config/config.ts';

const started: StartedTestContainer[] = [];

/**
 * The Docker path: Kafka, Apicurio Registry and Redis in containers, matching docker-compose.yml. Used only when
 * nothing is configured, the local stack is down and a Docker engine answers. Containers live for the test worker.
 */
export async function startContainers(base: Config): Promise<Config> {
  const kafka = await new GenericContainer('apache/kafka:4.1.2')
    .withExposedPorts({ container: 9092, host: 9092 })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://localhost:9093',
      KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://127.0.0.1:9092',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  started.push(kafka);
  const registry = await new GenericContainer('apicurio/apicurio-registry:3.0.9')
    .withExposedPorts(8080)
    .withEnvironment({ APICURIO_STORAGE_KIND: 'sql', APICURIO_STORAGE_SQL_KIND: 'h2', APICURIO_CCOMPAT_USE_CANONICAL_HASH: 'true' })
    .withWaitStrategy(Wait.forHttp('/apis/ccompat/v7/subjects', 8080))
    .start();
  started.push(registry);
  const redis = await new GenericContainer('redis:7').withExposedPorts(6379).start();
  started.push(redis);
  return {
    ...base,
    kafka: { ...base.kafka, brokers: ['127.0.0.1:9092'] },
    schemaRegistry: { ...base.schemaRegistry, url: `http://${registry.getHost()}:${registry.getMappedPort(8080)}/apis/ccompat/v7` },
    redis: { ...base.redis, url: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}` },
  };
}
