import { describe, expect, it } from 'vitest';
import { VENDOR_DEAD_LETTER_BODY_LIMIT, vendorDeadLetter } from '../../src/ingest/dead-letter.ts';

describe('poller dead letters', () => {
  it('carry at most 256 KiB of the vendor body, and say when it was cut', () => {
    const body = 'x'.repeat(3 * 1024 * 1024);
    const value = vendorDeadLetter('dl', { source: 'sinch-rai/agentStatusHistory', body, reason: 'malformed', errorCode: 'VENDOR_MALFORMED_RESPONSE', retriable: true, failedAt: 1 }).value as { originalValue: Buffer; reason: string };
    expect(value.originalValue.length).toBe(VENDOR_DEAD_LETTER_BODY_LIMIT);
    expect(value.reason).toBe(`malformed (body cut from ${body.length} to ${VENDOR_DEAD_LETTER_BODY_LIMIT} bytes)`);
    const small = vendorDeadLetter('dl', { source: 's', body: '{"a":1}', reason: 'r', errorCode: 'e', retriable: false, failedAt: 1 }).value as { originalValue: Buffer; reason: string };
    expect([small.originalValue.toString('utf8'), small.reason]).toEqual(['{"a":1}', 'r']);
  });
});
