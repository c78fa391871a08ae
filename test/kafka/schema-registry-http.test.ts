import { afterEach, describe, expect, it } from 'vitest';
import { registryRequest } from '../../src/kafka/schema-registry-http.ts';
import { ANSWERS, schemaNotFound, startRegistryStub } from '../support/fake-registry.ts';
import type { RegistryStub, StubAnswer } from '../support/fake-registry.ts';

/** How registry answers map onto the error catalogue: only the registry's own not-found is SCHEMA_NOT_FOUND. */
describe('registryRequest error classification', () => {
  let stub: RegistryStub | undefined;
  afterEach(async () => {
    await stub?.close();
    stub = undefined;
  });

  const cases: Array<[string, StubAnswer | 'hang', Record<string, unknown>]> = [
    ['429', ANSWERS.tooManyRequests, { code: 'SERVICE_UNAVAILABLE', retriable: true, status: 429, reason: 'http_429' }],
    ['503', ANSWERS.serviceUnavailable, { code: 'SERVICE_UNAVAILABLE', retriable: true, status: 503 }],
    ['401', ANSWERS.unauthorized, { code: 'SERVICE_UNAVAILABLE', retriable: true, status: 401 }],
    ['403', ANSWERS.forbidden, { code: 'SERVICE_UNAVAILABLE', retriable: true, status: 403 }],
    ['408', ANSWERS.requestTimeout, { code: 'SERVICE_UNAVAILABLE', retriable: true, status: 408 }],
    ['404 without the registry error', ANSWERS.proxyNotFound, { code: 'SERVICE_UNAVAILABLE', retriable: true, status: 404 }],
    ['200 that is not JSON', ANSWERS.htmlOk, { code: 'SERVICE_UNAVAILABLE', retriable: true, status: 200, reason: 'malformed' }],
    ['no answer', 'hang', { code: 'SERVICE_UNAVAILABLE', retriable: true, reason: 'unreachable' }],
    ['404 with error_code 40403', schemaNotFound(5), { code: 'SCHEMA_NOT_FOUND', retriable: false, status: 404 }],
    ['409 incompatible', { status: 409, body: '{"error_code":409,"message":"incompatible"}' }, { code: 'SCHEMA_REGISTRATION_FAILED', retriable: false, status: 409 }],
  ];

  it.each(cases)('%s', async (_label, answer, expected) => {
    stub = await startRegistryStub(() => answer);
    await expect(registryRequest({ url: stub.url }, 'GET', '/schemas/ids/5', undefined, { timeoutMs: 200 })).rejects.toMatchObject(expected);
  });

  it('returns the parsed body of a 2xx, and undefined for an empty one', async () => {
    stub = await startRegistryStub((path) => (path === '/empty' ? { status: 204, body: '' } : { status: 200, body: '{"id":3}' }));
    expect(await registryRequest({ url: stub.url }, 'GET', '/x')).toEqual({ id: 3 });
    expect(await registryRequest({ url: stub.url }, 'PUT', '/empty')).toBeUndefined();
  });
});
