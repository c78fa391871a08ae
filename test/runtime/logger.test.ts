import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/runtime/logger.ts';
import { parseConfig } from '../../src/config/config.ts';

describe('createLogger', () => {
  it('redacts secrets wherever the config puts them', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    const logger = createLogger('info', stream);
    const config = parseConfig({
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 'kafka-secret',
      REDIS_PASSWORD: 'redis-secret',
      SCHEMA_REGISTRY_USERNAME: 'reg',
      SCHEMA_REGISTRY_PASSWORD: 'registry-secret',
    });
    logger.info({ config, headers: { authorization: 'Basic abc' } }, 'starting');
    logger.flush();
    await new Promise((resolve) => setImmediate(resolve));
    const output = lines.join('');
    expect(output).toContain('starting');
    expect(output).toContain('svc');
    for (const secret of ['kafka-secret', 'redis-secret', 'registry-secret', 'Basic abc']) expect(output).not.toContain(secret);
    expect(output).toContain('[redacted]');
  });
});
