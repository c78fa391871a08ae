import { describe, expect, it } from 'vitest';
import { VendorError } from '../../../src/ingest/vendor-error.ts';
import { FakeClock } from '../../ingest/support/fake-clock.ts';
import { scriptedClient } from '../../ingest/support/quiet.ts';

type Step = { status: number; body: string; headers?: Record<string, string> } | Error;

function script(steps: Step[]) {
  const seen: Array<{ url: string; headers: Headers }> = [];
  const impl = (async (input: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(input), headers: new Headers(init?.headers) });
    const step = steps.shift();
    if (step === undefined) throw new Error('script exhausted');
    if (step instanceof Error) throw step;
    return new Response(step.body, { status: step.status, headers: step.headers });
  }) as typeof fetch;
  return { impl, seen };
}

describe('RaiClient', () => {
  it('sends Basic auth and Accept: application/json to base URL + endpoint', async () => {
    const { impl, seen } = script([{ status: 200, body: '[{"a":1}]' }]);
    const { client } = scriptedClient(new FakeClock(0), impl);
    const page = await client.get('agentStatusHistory', { startTime: '2019-01-01T00:00:00.000Z', limit: '10' });
    expect(page.rows).toEqual([{ a: 1 }]);
    expect(seen[0]?.url).toBe('http://vendor.invalid/RI/rai/agentStatusHistory?startTime=2019-01-01T00%3A00%3A00.000Z&limit=10');
    expect(seen[0]?.headers.get('authorization')).toBe(`Basic ${Buffer.from('api:pw').toString('base64')}`);
    expect(seen[0]?.headers.get('accept')).toBe('application/json');
  });

  it('retries 429 honouring Retry-After, 5xx bursts and resets, then succeeds', async () => {
    const clock = new FakeClock(0);
    const { impl } = script([{ status: 429, body: '', headers: { 'retry-after': '7' } }, { status: 503, body: 'busy' }, new TypeError('fetch failed: ECONNRESET'), { status: 200, body: '[]' }]);
    const { client, metrics } = scriptedClient(clock, impl);
    await expect(client.get('agentStatus', {})).resolves.toMatchObject({ rows: [] });
    expect(clock.sleeps).toEqual([7000, 100, 200]);
    expect(metrics.total('http_429')).toBe(1);
    expect(metrics.total('http_5xx')).toBe(1);
    expect(metrics.total('network_errors')).toBe(1);
    expect(metrics.total('retries')).toBe(3);
  });

  it('retries malformed JSON and, if it stays malformed, throws with the raw body', async () => {
    const { impl } = script([{ status: 200, body: '[{"a":' }, { status: 200, body: '{"not":"array"}' }, { status: 200, body: '[{"a":' }]);
    const { client, metrics } = scriptedClient(new FakeClock(0), impl, 3);
    const error = await client.get('agentStatusHistory', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorError);
    expect(error).toMatchObject({ code: 'VENDOR_MALFORMED_RESPONSE', retriable: true, body: '[{"a":' });
    expect(metrics.total('malformed_pages')).toBe(3);
  });

  it('does not retry 400 and carries the text/plain body; 401 is an auth failure', async () => {
    const { impl } = script([{ status: 400, body: "Invalid GUID: '2B8ED95B0EC911E79675005056A75D9'" }, { status: 401, body: '' }]);
    const { client, metrics } = scriptedClient(new FakeClock(0), impl);
    await expect(client.get('agentStatus', { userId: 'x' })).rejects.toMatchObject({ code: 'VENDOR_BAD_REQUEST', retriable: false, status: 400, body: "Invalid GUID: '2B8ED95B0EC911E79675005056A75D9'" });
    await expect(client.get('agentStatus', {})).rejects.toMatchObject({ code: 'VENDOR_AUTH_FAILED', retriable: false });
    expect(metrics.total('requests')).toBe(2);
  });

  it('times out a hanging request and retries it; gives up after maxAttempts', async () => {
    const hang = (async (_: unknown, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)))) as typeof fetch;
    const { client, metrics } = scriptedClient(new FakeClock(0), hang, 2);
    const started = Date.now();
    await expect(client.get('agentStatus', {})).rejects.toMatchObject({ code: 'VENDOR_UNAVAILABLE', message: expect.stringMatching(/timed out after 1000 ms/) });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(metrics.total('network_errors')).toBe(2);
  });
});
