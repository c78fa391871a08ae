import { PassThrough } from 'node:stream';
import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaLogCreator } from '../../src/kafka/kafka-client.ts';
import { createLogger } from '../../src/runtime/logger.ts';

function capture(): { lines: () => Array<{ level: number; msg: string }>; stream: PassThrough } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: number; msg: string }) };
}

describe('kafkaLogCreator', () => {
  it('keeps real errors at error level and demotes routine self-retried ones to debug', async () => {
    const { stream, lines } = capture();
    const log = kafkaLogCreator(createLogger('debug', stream))(logLevel.INFO);
    const entry = (message: string, error?: string) => ({ namespace: 'Producer', level: logLevel.ERROR, label: 'ERROR', log: { timestamp: 'now', message, ...(error === undefined ? {} : { error }) } });
    log(entry('Failed to send messages', 'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing'));
    log(entry('Connection error: connect ECONNREFUSED 127.0.0.1:9092'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines().map((l) => [l.level, l.msg])).toEqual([
      [20, 'Failed to send messages'],
      [50, 'Connection error: connect ECONNREFUSED 127.0.0.1:9092'],
    ]);
  });
});
