import { PassThrough } from 'node:stream';
import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaLogCreator, kafkaLogLevel } from '../../src/kafka/kafka-client.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import type { LogFormat } from '../../src/runtime/logger.ts';

function capture(): { text: () => string; stream: PassThrough } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return { stream, text: () => chunks.join('') };
}

const entry = (level: logLevel, message: string, extra: Record<string, unknown> = {}) => ({
  namespace: 'Connection',
  level,
  label: logLevel[level],
  log: { timestamp: '2026-11-29T21:00:00.000Z', logger: 'kafkajs', message, ...extra },
});

async function logThrough(format: LogFormat, ...entries: Array<ReturnType<typeof entry>>): Promise<string> {
  const { stream, text } = capture();
  const log = kafkaLogCreator(createLogger('debug', stream, format))(logLevel.INFO);
  for (const e of entries) log(e);
  await new Promise((resolve) => setImmediate(resolve));
  return text();
}

describe('kafkaLogCreator', () => {
  it('keeps real errors at error level and demotes routine self-retried ones to debug', async () => {
    const lines = (
      await logThrough(
        'json',
        entry(logLevel.ERROR, 'Failed to send messages', { error: 'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing' }),
        entry(logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:9092'),
      )
    )
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [20, 'Failed to send messages'],
      [50, 'Connection error: connect ECONNREFUSED 127.0.0.1:9092'],
    ]);
  });

  it('passes kafkajs fields on as fields, without its own timestamp and logger name', async () => {
    const [line] = (await logThrough('json', entry(logLevel.ERROR, 'Response Produce(key: 0, version: 7)', { broker: '127.0.0.1:9092', error: 'Broker: Message size too large' }))).split('\n');
    const record = JSON.parse(line ?? '{}') as Record<string, unknown>;
    expect(record).toMatchObject({ level: 50, kafkajs: 'Connection', broker: '127.0.0.1:9092', error: 'Broker: Message size too large', msg: 'Response Produce(key: 0, version: 7)' });
    expect(record).not.toHaveProperty('timestamp');
    expect(record).not.toHaveProperty('logger');
  });

  it('renders kafkajs lines as readable text under LOG_FORMAT=text', async () => {
    const text = await logThrough('text', entry(logLevel.WARN, 'Consumer group received unsubscribed topics', { groupId: 'g-1', topics: ['a', 'b'] }));
    expect(text).toMatch(/^\d\d:\d\d:\d\d warn {2}kafkajs\.Connection Consumer group received unsubscribed topics {2}groupId=g-1 topics=\["a","b"\]\n$/);
  });
});

describe('kafkaLogLevel', () => {
  it.each([
    ['Response JoinGroup(key: 11, version: 5)', 'The group coordinator is not available', 'debug'],
    ['Response FindCoordinator(key: 10, version: 2)', 'The coordinator is loading and hence can\'t process requests', 'debug'],
    ['Response OffsetCommit(key: 8, version: 5)', 'This is not the correct coordinator for this group', 'debug'],
    ['Response Metadata(key: 3, version: 6)', 'There is no leader for this topic-partition as we are in the middle of a leadership election', 'debug'],
    ['Response Produce(key: 0, version: 7)', 'This server is not the leader for that topic-partition', 'debug'],
    ['Response ListOffsets(key: 2, version: 3)', 'This server does not host this topic-partition', 'debug'],
    ['Response SaslAuthenticate(key: 36, version: 1)', 'Authentication failed during authentication due to invalid credentials with SASL mechanism PLAIN', 'error'],
    ['Crash: KafkaJSNumberOfRetriesExceeded: The group coordinator is not available', undefined, 'error'],
    ['Restarting the consumer in 300ms', 'The group coordinator is not available', 'error'],
  ])('an error %s with %s is %s', (message, error, expected) => {
    expect(kafkaLogLevel(logLevel.ERROR, message, error)).toBe(expected);
  });

  it('keeps warnings, demotes the retry-limit warning to debug and a rebalance to info', () => {
    expect(kafkaLogLevel(logLevel.WARN, 'Limiting retries for the idempotent producer may invalidate EoS guarantees', undefined)).toBe('debug');
    expect(kafkaLogLevel(logLevel.WARN, 'The group is rebalancing, re-joining', 'The group is rebalancing, so a rejoin is needed')).toBe('info');
    expect(kafkaLogLevel(logLevel.WARN, 'Consumer group received unsubscribed topics', undefined)).toBe('warn');
    expect(kafkaLogLevel(logLevel.INFO, 'Starting', undefined)).toBe('info');
  });
});
