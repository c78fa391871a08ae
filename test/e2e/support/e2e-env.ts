import type { Config } from '../../../src/config/config.ts';

/**
 * The environment every end-to-end pipeline test starts from: the stack's services, topics, Redis keys and processor
 * group of its own `run` (a fresh randomUUID), `tenant`, warnings only, and a Redis retention long enough for the
 * simulated days in the past.
 */
export function e2eEnv(services: Config, run: string, tenant: string): Record<string, string> {
  return {
    KAFKA_BROKERS: services.kafka.brokers.join(','),
    SCHEMA_REGISTRY_URL: services.schemaRegistry.url,
    REDIS_URL: services.redis.url,
    TOPIC_PREFIX: `test-${run}.`,
    REDIS_KEY_PREFIX: `test:${run}:`,
    PROCESSOR_GROUP_ID: `test-${run}-processor`,
    TENANT: tenant,
    LOG_LEVEL: 'warn',
    REDIS_RETENTION_MS: String(10 * 365 * 86_400_000),
  };
}
