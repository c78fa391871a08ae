import avro from 'avsc';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProcessorMetrics } from '../../src/processor/processor-metrics.ts';
import type { ProcessorMetrics } from '../../src/processor/processor-metrics.ts';
import { RawRecordDecoder } from '../../src/processor/raw-record-decoder.ts';
import { readValueSchema } from '../../src/topology/load-topology.ts';
import fixture from '../fixtures/avro/sinch-agent-status-history.json' with { type: 'json' };
import { ANSWERS, schemaFound, schemaNotFound, startRegistryStub } from '../support/fake-registry.ts';
import type { RegistryStub, StubAnswer } from '../support/fake-registry.ts';

const ID = 7;

function wire(schemaId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, payload]);
}

/**
 * The decoder against a local stand-in registry that misbehaves, then recovers. A transient answer must throw a
 * retriable error (the partition task aborts the batch and processes it again) and leave nothing cached, so the
 * same schema id decodes once the registry is healthy. Only the registry's own not-found, confirmed, dead-letters,
 * and only for the TTL.
 */
describe('RawRecordDecoder and registry errors', () => {
  let schema: string;
  let payload: Buffer;
  let stub: RegistryStub | undefined;
  let metrics: ProcessorMetrics;

  beforeAll(async () => {
    schema = await readValueSchema('sinch-agent-status-history');
    payload = avro.Type.forSchema(JSON.parse(schema) as avro.Schema).toBuffer(fixture);
  });
  afterEach(async () => {
    await stub?.close();
    stub = undefined;
  });

  const decoderFor = (url: string, clock?: { now: () => number; sleep: (ms: number) => Promise<void> }) => {
    metrics = createProcessorMetrics();
    return new RawRecordDecoder({ url }, schema, { notFoundTtlMs: 60_000, requestTimeoutMs: 300, backoffBaseMs: 1, backoffMaxMs: 5, notFoundConfirmDelaysMs: [5, 10], metrics, ...clock });
  };

  const transient: Array<[string, StubAnswer | 'hang']> = [
    ['429 Too Many Requests', ANSWERS.tooManyRequests],
    ['503 with an HTML body', ANSWERS.serviceUnavailable],
    ['200 with an HTML body', ANSWERS.htmlOk],
    ['200 without a schema', ANSWERS.emptyObject],
    ['401', ANSWERS.unauthorized],
    ['403 from a gateway', ANSWERS.forbidden],
    ['408', ANSWERS.requestTimeout],
    ['404 from a proxy (no registry error)', ANSWERS.proxyNotFound],
    ['no answer (timeout)', 'hang'],
  ];

  it.each(transient)('%s: throws a retriable error, caches nothing, and decodes the same id once healthy', async (_label, failure) => {
    let healthy = false;
    stub = await startRegistryStub((path) => (healthy && path === `/schemas/ids/${ID}` ? schemaFound(schema) : failure));
    const decoder = decoderFor(stub.url);
    const value = wire(ID, payload);
    await expect(decoder.decode(value)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', retriable: true });
    await expect(decoder.decode(value)).rejects.toMatchObject({ retriable: true });
    expect(stub.paths.filter((p) => p === `/schemas/ids/${ID}`)).toHaveLength(2);
    expect(metrics.total('registry_errors')).toBe(2);
    healthy = true;
    const decoded = await decoder.decode(value);
    expect(decoded).toMatchObject({ tenant: 'default', record: { userId: fixture.userId, changeTimestamp: fixture.changeTimestamp, userStatus: 'Ready' } });
    await decoder.decode(value);
    expect(stub.paths.filter((p) => p === `/schemas/ids/${ID}`)).toHaveLength(3);
  });

  it('checks every record\'s tenant, also after a valid one, and leaves the envelope and null fields out of the record', async () => {
    stub = await startRegistryStub((path) => (path === `/schemas/ids/${ID}` ? schemaFound(schema) : ANSWERS.proxyNotFound));
    const decoder = decoderFor(stub.url);
    const type = avro.Type.forSchema(JSON.parse(schema) as avro.Schema);
    const withTenant = (tenant: string) => wire(ID, type.toBuffer({ ...fixture, tenant }));
    const good = await decoder.decode(withTenant('tenant-a'));
    expect(good).toMatchObject({ tenant: 'tenant-a', record: { userId: fixture.userId } });
    const record = (good as { record: Record<string, unknown> }).record;
    for (const envelope of ['tenant', 'source', 'pollId', 'receivedAt', 'keySpellings']) expect(record, envelope).not.toHaveProperty(envelope);
    expect(Object.values(record)).not.toContain(null);
    for (const tenant of ['', 'has space', 'x'.repeat(65)]) expect(await decoder.decode(withTenant(tenant)), JSON.stringify(tenant)).toMatchObject({ errorCode: 'RECORD_INVALID' });
    expect(await decoder.decode(withTenant('tenant-a'))).toMatchObject({ tenant: 'tenant-a' });
    expect(await decoder.decode(withTenant('tenant_b'))).toMatchObject({ tenant: 'tenant_b' });
  });

  it('reads every field but the envelope whatever the envelope holds, and refuses a value cut inside the envelope', async () => {
    stub = await startRegistryStub((path) => (path === `/schemas/ids/${ID}` ? schemaFound(schema) : ANSWERS.proxyNotFound));
    const decoder = decoderFor(stub.url);
    const type = avro.Type.forSchema(JSON.parse(schema) as avro.Schema);
    const full = { ...fixture, keySpellings: { userId: 'UserId', changeTimestamp: 'changeTimeStamp' }, source: 's'.repeat(300), pollId: 'poll-é', receivedAt: 1_700_000_000_123, vendorPoll: 4, vendorRow: 9 };
    const expected = Object.fromEntries(Object.entries(type.fromBuffer(type.toBuffer(full)) as Record<string, unknown>).filter(([name, value]) => value !== null && !['tenant', 'source', 'pollId', 'receivedAt', 'keySpellings'].includes(name)));
    expect(expected).toMatchObject({ userId: fixture.userId, vendorPoll: 4, vendorRow: 9 });
    expect(await decoder.decode(wire(ID, type.toBuffer(full)))).toEqual({ tenant: fixture.tenant, record: expected });
    // cut inside the pollId's text, whose bytes the reader skips without building the string
    const bytes = type.toBuffer(full);
    const cut = bytes.indexOf(Buffer.from('poll-é')) + Buffer.byteLength('poll-é') - 1;
    expect(await decoder.decode(wire(ID, bytes.subarray(0, cut)))).toMatchObject({ errorCode: 'WIRE_FORMAT_INVALID' });
  });

  it('decodes without a promise only once the writer schema is known, with the same answers as decode', async () => {
    stub = await startRegistryStub((path) => (path === `/schemas/ids/${ID}` ? schemaFound(schema) : ANSWERS.proxyNotFound));
    const decoder = decoderFor(stub.url);
    const value = wire(ID, payload);
    expect(decoder.decodeIfKnown(value)).toBeUndefined();
    expect(decoder.decodeIfKnown(null)).toMatchObject({ errorCode: 'WIRE_FORMAT_INVALID' });
    expect(decoder.decodeIfKnown(Buffer.from([1, 2]))).toMatchObject({ errorCode: 'WIRE_FORMAT_INVALID' });
    expect(stub.paths).toHaveLength(0);
    const decoded = await decoder.decode(value);
    expect(decoder.decodeIfKnown(value)).toEqual(decoded);
    expect(decoder.decodeIfKnown(wire(ID, payload.subarray(0, 3)))).toMatchObject({ errorCode: 'WIRE_FORMAT_INVALID' });
    expect(decoder.decodeIfKnown(wire(ID + 1, payload))).toBeUndefined();
    expect(stub.paths).toHaveLength(1);
  });

  it('counts registry errors by reason', async () => {
    const script: StubAnswer[] = [ANSWERS.tooManyRequests, ANSWERS.serviceUnavailable, ANSWERS.htmlOk];
    stub = await startRegistryStub(() => script.shift() ?? schemaFound(schema));
    const decoder = decoderFor(stub.url);
    for (let i = 0; i < 3; i++) await expect(decoder.decode(wire(ID, payload))).rejects.toMatchObject({ retriable: true });
    expect(metrics.total('registry_errors', { reason: 'http_429' })).toBe(1);
    expect(metrics.total('registry_errors', { reason: 'http_503' })).toBe(1);
    expect(metrics.total('registry_errors', { reason: 'malformed' })).toBe(1);
  });

  it('a not-found that the next answer contradicts is not a dead letter', async () => {
    let served = 0;
    stub = await startRegistryStub(() => (served++ === 0 ? schemaNotFound(ID) : schemaFound(schema)));
    const decoder = decoderFor(stub.url);
    expect(await decoder.decode(wire(ID, payload))).toMatchObject({ tenant: 'default' });
  });

  it('dead-letters a definite not-found after confirming it, remembers it only for the TTL', async () => {
    let known = false;
    stub = await startRegistryStub((path) => (known && path === '/schemas/ids/8' ? schemaFound(schema) : schemaNotFound(8)));
    let now = 1_000_000;
    const decoder = decoderFor(stub.url, {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    const value = wire(8, payload);
    expect(await decoder.decode(value)).toMatchObject({ errorCode: 'SCHEMA_NOT_FOUND' });
    expect(stub.paths).toHaveLength(3);
    expect(await decoder.decode(value)).toMatchObject({ errorCode: 'SCHEMA_NOT_FOUND' });
    expect(stub.paths).toHaveLength(3);
    known = true;
    now += 59_000;
    expect(await decoder.decode(value)).toMatchObject({ errorCode: 'SCHEMA_NOT_FOUND' });
    expect(stub.paths).toHaveLength(3);
    now += 1_000;
    expect(await decoder.decode(value)).toMatchObject({ tenant: 'default', record: { userId: fixture.userId } });
    expect(stub.paths).toHaveLength(4);
  });

  it('still dead-letters a writer schema that cannot be read as the reader schema, asking once', async () => {
    stub = await startRegistryStub(() => schemaFound(JSON.stringify({ type: 'record', name: 'Other', fields: [{ name: 'x', type: 'int' }] })));
    const decoder = decoderFor(stub.url);
    expect(await decoder.decode(wire(ID, payload))).toMatchObject({ errorCode: 'SCHEMA_MISMATCH' });
    expect(await decoder.decode(wire(ID, payload))).toMatchObject({ errorCode: 'SCHEMA_MISMATCH' });
    expect(stub.paths).toHaveLength(1);
  });

  it('reads a value of another writer schema through resolution, and of the reader schema itself directly', async () => {
    const parsed = JSON.parse(schema) as { fields: { name: string }[] };
    // an older writer: without directContactId (the reader's default null) and with a field the reader does not know
    const older = { ...parsed, fields: [...parsed.fields.filter((field) => field.name !== 'directContactId'), { name: 'retired', type: 'string', default: '' }] };
    const olderType = avro.Type.forSchema(older as avro.Schema);
    stub = await startRegistryStub((path) => (path === `/schemas/ids/${ID + 1}` ? schemaFound(JSON.stringify(older)) : schemaFound(schema)));
    const decoder = decoderFor(stub.url);
    const fromOlder = await decoder.decode(wire(ID + 1, olderType.toBuffer({ ...fixture, retired: 'gone' })));
    const direct = await decoder.decode(wire(ID, payload));
    expect(fromOlder).toMatchObject({ tenant: 'default', record: { userId: fixture.userId, changeTimestamp: fixture.changeTimestamp } });
    expect((fromOlder as { record: object }).record).not.toHaveProperty('retired');
    expect(fromOlder).toEqual(direct);
    // the older writer's bytes are not the reader's: read without resolution they would not decode to the same record
    expect(olderType.equals(avro.Type.forSchema(JSON.parse(schema) as avro.Schema))).toBe(false);
  });

  it('shares one lookup between concurrent decodes of one id', async () => {
    stub = await startRegistryStub(() => schemaFound(schema));
    const decoder = decoderFor(stub.url);
    const results = await Promise.all(Array.from({ length: 20 }, () => decoder.decode(wire(ID, payload))));
    expect(results.every((r) => 'tenant' in r)).toBe(true);
    expect(stub.paths).toHaveLength(1);
  });
});
