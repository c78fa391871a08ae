import { describe, expect, it } from 'vitest';
import { resolveServices, ServiceUnavailableError } from './services.ts';

describe('service resolution for tests', () => {
  it('fails loudly, naming the service, when a configured service is unreachable', async () => {
    const attempt = resolveServices({ KAFKA_BROKERS: '127.0.0.1:1', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:2/apis/ccompat/v7', REDIS_URL: 'redis://127.0.0.1:3' });
    await expect(attempt).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(attempt).rejects.toThrow(/Kafka is not reachable at 127\.0\.0\.1:1\. \(also down: Schema registry, Redis\)/);
  });
});
