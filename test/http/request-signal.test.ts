/**
 * requestSignal (src/http/request-signal.ts): a client that closes its connection before the answer aborts the signal
 * with CLIENT_GONE (not retriable, not a store failure); an answered request never aborts it.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentTimelinesError } from '../../src/errors/agent-timelines-error.ts';
import { requestSignal } from '../../src/http/request-signal.ts';

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A server whose handler hands its request's signal to `onSignal`, and answers after `answerAfterMs` (never when undefined). */
async function serverWithSignal(onSignal: (signal: AbortSignal) => void, answerAfterMs?: number): Promise<number> {
  const server = createServer((request, response) => {
    onSignal(requestSignal(request, response));
    if (answerAfterMs !== undefined) setTimeout(() => response.end('ok'), answerAfterMs);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('requestSignal', () => {
  it('aborts with CLIENT_GONE when the client closes the connection before the answer', async () => {
    let signal: AbortSignal | undefined;
    const port = await serverWithSignal((s) => (signal = s));
    const client = httpRequest({ port, host: '127.0.0.1', path: '/' });
    client.on('error', () => undefined);
    client.end();
    await expect.poll(() => signal).toBeDefined();
    client.destroy();
    await expect.poll(() => signal?.aborted).toBe(true);
    const reason = signal?.reason as AgentTimelinesError;
    expect(reason).toBeInstanceOf(AgentTimelinesError);
    expect(reason.code).toBe('CLIENT_GONE');
    expect(reason.retriable).toBe(false);
  });

  it('does not abort once the answer was sent', async () => {
    let signal: AbortSignal | undefined;
    const port = await serverWithSignal((s) => (signal = s), 10);
    const body = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(body).toBe('ok');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(signal?.aborted).toBe(false);
  });
});
