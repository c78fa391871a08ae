import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/runtime/logger.ts';
import type { LogFormat } from '../../src/runtime/logger.ts';
import { parseConfig } from '../../src/config/config.ts';
import type { Config } from '../../src/config/config.ts';

const config = parseConfig({
  KAFKA_SASL_MECHANISM: 'plain',
  KAFKA_SASL_USERNAME: 'svc',
  KAFKA_SASL_PASSWORD: 'kafka-secret',
  REDIS_PASSWORD: 'redis-secret',
  SCHEMA_REGISTRY_USERNAME: 'reg',
  SCHEMA_REGISTRY_PASSWORD: 'registry-secret',
});

async function logOnce(format: LogFormat, fields: Record<string, unknown>): Promise<string> {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
  const logger = createLogger('info', stream, format);
  logger.info(fields, 'starting');
  logger.flush();
  await new Promise((resolve) => setImmediate(resolve));
  return lines.join('');
}

function expectRedacted(output: string): void {
  expect(output).toContain('starting');
  expect(output).toContain('svc');
  for (const secret of ['kafka-secret', 'redis-secret', 'registry-secret', 'Basic abc']) expect(output).not.toContain(secret);
  expect(output).toContain('[redacted]');
}

/** The secret-bearing parts of the config, small enough that the text format shows them whole. */
const secretParts = (c: Config) => ({ sasl: c.kafka.sasl, registry: c.schemaRegistry.auth, redis: { password: c.redis.password }, headers: { authorization: 'Basic abc' } });

describe('createLogger', () => {
  it('redacts secrets wherever the config puts them', async () => {
    expectRedacted(await logOnce('json', { config, headers: { authorization: 'Basic abc' } }));
  });

  it('redacts before the text format renders the line', async () => {
    expectRedacted(await logOnce('text', secretParts(config)));
    expectRedacted(await logOnce('text', { config: secretParts(config) }));
  });

  it('writes JSON lines by default and one readable line per entry in text format', async () => {
    expect(JSON.parse(await logOnce('json', { tenant: 'demo' }))).toMatchObject({ level: 30, msg: 'starting', service: 'agent-timelines', tenant: 'demo' });
    expect(await logOnce('text', { tenant: 'demo' })).toMatch(/^\d\d:\d\d:\d\d info {2}- {12}starting {2}tenant=demo\n$/);
  });
});
