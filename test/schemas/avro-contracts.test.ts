import { randomUUID } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import avro from 'avsc';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC_FIELDS } from '../../src/core/statistic/agent-statistic-fields.ts';
import { registerSchema } from '../../src/kafka/schema-registrar.ts';
import { registryRequest } from '../../src/kafka/schema-registry-http.ts';
import { AvroSerde, readWireHeader } from '../../src/kafka/avro-serde.ts';
import type { Config } from '../../src/config/config.ts';
import { RawRecordDecoder } from '../../src/processor/raw-record-decoder.ts';
import { requireServices } from '../support/services.ts';

const schemaDir = new URL('../../schemas/', import.meta.url);
const fixtureDir = new URL('../fixtures/avro/', import.meta.url);
const names = (await readdir(schemaDir)).filter((f) => f.endsWith('.avsc')).map((f) => f.replace(/\.avsc$/, ''));

async function schemaText(name: string): Promise<string> {
  return readFile(new URL(`${name}.avsc`, schemaDir), 'utf8');
}

/** JSON fixtures write `bytes` fields as latin1 strings. */
function fixtureValue(type: avro.Type, json: Record<string, unknown>): Record<string, unknown> {
  const value = { ...json };
  for (const field of (type as avro.types.RecordType).fields) {
    const raw = value[field.name];
    const isBytes = field.type.typeName === 'bytes' || (field.type.typeName.startsWith('union') && (field.type as avro.types.UnwrappedUnionType).types.some((t) => t.typeName === 'bytes'));
    if (isBytes && typeof raw === 'string') value[field.name] = Buffer.from(raw, 'latin1');
  }
  return value;
}

describe('Avro contracts (offline)', () => {
  it('covers every contract the issue asks for', () => {
    expect(names.sort()).toEqual(
      ['agent-statistic-quarter-hour', 'backfill-range', 'current-agent-state', 'dead-letter', 'poll-watermark', 'poller-checkpoint', 'processor-state-entry', 'reprocess-request', 'reprocessor-progress', 'sinch-agent-status', 'sinch-agent-status-history', 'sinch-contact', 'timeline-segment', 'evo-voice-agent-state', 'evo-voice-billing', 'thulium-agents-work-report', 'thulium-agent-status', 'hostedsuite-call-record', 'alert', 'alert-evaluator-state'].sort(),
    );
  });

  it.each(names)('%s parses with avsc and its fixture is valid', async (name) => {
    const type = avro.Type.forSchema(JSON.parse(await schemaText(name)));
    const json = JSON.parse(await readFile(new URL(`${name}.json`, fixtureDir), 'utf8')) as Record<string, unknown>;
    const value = fixtureValue(type, json);
    const invalid: string[] = [];
    type.isValid(value, { errorHook: (path) => invalid.push(path.join('.')) });
    expect(invalid).toEqual([]);
  });

  it('the quarter-hour contract carries every agentStatistic field as a nullable long, and the source', async () => {
    const schema = JSON.parse(await schemaText('agent-statistic-quarter-hour')) as { fields: Array<{ name: string; type: unknown; default?: unknown }> };
    for (const field of METRIC_FIELDS) expect(schema.fields.find((f) => f.name === field)?.type, field).toEqual(['null', 'long']);
    for (const field of ['tenant', 'intervalStart', 'intervalEnd', 'revision', 'final', 'maxChangeTimestamp']) {
      expect(schema.fields.some((f) => f.name === field), field).toBe(true);
    }
    expect(schema.fields.find((f) => f.name === 'source')).toMatchObject({ type: 'string', default: 'sinch-rai' });
  });

  it.each(['timeline-segment', 'current-agent-state'])('the %s contract carries the source, defaulting to sinch-rai', async (name) => {
    const schema = JSON.parse(await schemaText(name)) as { fields: Array<{ name: string; type: unknown; default?: unknown }> };
    expect(schema.fields.find((f) => f.name === 'source')).toMatchObject({ type: 'string', default: 'sinch-rai' });
  });

  it('the raw agentStatusHistory contract carries every seed field', async () => {
    const schema = JSON.parse(await schemaText('sinch-agent-status-history')) as { fields: Array<{ name: string }> };
    const seedFields = ['sessionId', 'userId', 'userName', 'signOn', 'profile', 'profileReason', 'profileType', 'userStatus', 'userStatusTimestamp', 'status', 'statusTimestamp', 'changeTimestamp', 'OutboundServing', 'tenant', 'source', 'pollId', 'receivedAt'];
    for (const field of seedFields) expect(schema.fields.some((f) => f.name === field), field).toBe(true);
  });
});

describe('Avro contracts in the real registry', () => {
  let config: Config;
  beforeAll(async () => {
    config = await requireServices();
  });

  it.each(names)('%s registers under a TopicNameStrategy subject and round-trips in the wire format', async (name) => {
    const endpoint = config.schemaRegistry;
    const topic = `test-${randomUUID()}.${name}`;
    const schema = await schemaText(name);
    const id = await registerSchema(endpoint, `${topic}-value`, schema);
    expect(await registerSchema(endpoint, `${topic}-value`, JSON.stringify(JSON.parse(schema)))).toBe(id);
    const { compatibilityLevel } = await registryRequest<{ compatibilityLevel: string }>(endpoint, 'GET', `/config/${encodeURIComponent(`${topic}-value`)}`);
    expect(compatibilityLevel).toBe('BACKWARD');

    const serde = new AvroSerde(endpoint);
    const type = avro.Type.forSchema(JSON.parse(schema));
    const value = fixtureValue(type, JSON.parse(await readFile(new URL(`${name}.json`, fixtureDir), 'utf8')) as Record<string, unknown>);
    const bytes = await serde.encode(topic, value);
    expect(bytes[0]).toBe(0);
    expect(bytes.readUInt32BE(1)).toBe(id);
    expect(type.fromBuffer(readWireHeader(bytes).payload)).toEqual(type.fromBuffer(type.toBuffer(value)));
    expect(await serde.decode(bytes)).toEqual(type.fromBuffer(type.toBuffer(value)));
  });

  it('the raw agentStatusHistory contract gained vendorPoll/vendorRow BACKWARD-compatibly: old records read with null positions', async () => {
    const endpoint = config.schemaRegistry;
    const topic = `test-${randomUUID()}.raw.sinch.agent-status-history`;
    const current = JSON.parse(await schemaText('sinch-agent-status-history')) as { fields: Array<{ name: string }> };
    const previous = { ...current, fields: current.fields.filter((f) => f.name !== 'vendorPoll' && f.name !== 'vendorRow') };
    expect(previous.fields.length).toBe(current.fields.length - 2);
    const oldId = await registerSchema(endpoint, `${topic}-value`, JSON.stringify(previous));
    const newId = await registerSchema(endpoint, `${topic}-value`, JSON.stringify(current));
    expect(newId).not.toBe(oldId);

    const fixture = JSON.parse(await readFile(new URL('sinch-agent-status-history.json', fixtureDir), 'utf8')) as Record<string, unknown>;
    const { vendorPoll: _poll, vendorRow: _row, ...oldValue } = fixture;
    const header = Buffer.alloc(5);
    header.writeUInt32BE(oldId, 1);
    const oldBytes = Buffer.concat([header, avro.Type.forSchema(previous as avro.Schema).toBuffer(oldValue)]);
    const decoder = new RawRecordDecoder(endpoint, JSON.stringify(current), { notFoundTtlMs: 60_000 });
    const decodedOld = await decoder.decode(oldBytes);
    if (!('record' in decodedOld)) throw new Error(decodedOld.reason);
    expect(decodedOld.record).not.toHaveProperty('vendorPoll');
    expect(decodedOld.record['sessionId']).toBe(fixture['sessionId']);

    const decodedNew = await decoder.decode(await new AvroSerde(endpoint).encode(topic, fixture));
    if (!('record' in decodedNew)) throw new Error(decodedNew.reason);
    expect(decodedNew.record).toMatchObject({ vendorPoll: fixture['vendorPoll'], vendorRow: fixture['vendorRow'] });
  });

  it.each(['agent-statistic-quarter-hour', 'timeline-segment', 'current-agent-state'])(
    'the %s contract with source and nullable metrics registers BACKWARD over the one registered before, and reads its records',
    async (name) => {
      const endpoint = config.schemaRegistry;
      const topic = `test-${randomUUID()}.${name}`;
      const previousText = await readFile(new URL(`../fixtures/schema-history/${name}.277aa87.avsc`, import.meta.url), 'utf8');
      const previous = JSON.parse(previousText) as { fields: Array<{ name: string }> };
      expect(previous.fields.some((f) => f.name === 'source')).toBe(false);
      const oldId = await registerSchema(endpoint, `${topic}-value`, previousText);
      const newId = await registerSchema(endpoint, `${topic}-value`, await schemaText(name));
      expect(newId).not.toBe(oldId);
      const { compatibilityLevel } = await registryRequest<{ compatibilityLevel: string }>(endpoint, 'GET', `/config/${encodeURIComponent(`${topic}-value`)}`);
      expect(compatibilityLevel).toBe('BACKWARD');

      const current = avro.Type.forSchema(JSON.parse(await schemaText(name)) as avro.Schema);
      const old = avro.Type.forSchema(previous as avro.Schema);
      const fixture = JSON.parse(await readFile(new URL(`${name}.json`, fixtureDir), 'utf8')) as Record<string, unknown>;
      // a record of the old release: without the fields added since (source, extraFields, sampled)
      const { source: _source, extraFields: _extraFields, sampled: _sampled, ...oldValue } = fixture;
      for (const field of METRIC_FIELDS) if (field in oldValue) oldValue[field] = 7;
      const read = current.createResolver(old);
      expect(current.fromBuffer(old.toBuffer(oldValue), read)).toEqual({ ...current.fromBuffer(current.toBuffer({ ...oldValue, source: 'sinch-rai' })) });
    },
  );

  it('refuses the quarter-hour contract over the old one if its new source field had no default', async () => {
    const endpoint = config.schemaRegistry;
    const subject = `test-${randomUUID()}-value`;
    await registerSchema(endpoint, subject, await readFile(new URL('../fixtures/schema-history/agent-statistic-quarter-hour.277aa87.avsc', import.meta.url), 'utf8'));
    const current = JSON.parse(await schemaText('agent-statistic-quarter-hour')) as { fields: Array<Record<string, unknown>> };
    const breaking = { ...current, fields: current.fields.map((f) => (f['name'] === 'source' ? { name: 'source', type: 'string' } : f)) };
    await expect(registerSchema(endpoint, subject, JSON.stringify(breaking))).rejects.toThrow(/409|incompatible/i);
  });

  it('refuses a change that breaks BACKWARD compatibility', async () => {
    const endpoint = config.schemaRegistry;
    const subject = `test-${randomUUID()}-value`;
    const v1 = { type: 'record', name: 'R', fields: [{ name: 'a', type: 'string' }] };
    await registerSchema(endpoint, subject, JSON.stringify(v1));
    const compatible = { ...v1, fields: [...v1.fields, { name: 'b', type: ['null', 'string'], default: null }] };
    await registerSchema(endpoint, subject, JSON.stringify(compatible));
    const breaking = { ...v1, fields: [...v1.fields, { name: 'c', type: 'long' }] };
    await expect(registerSchema(endpoint, subject, JSON.stringify(breaking))).rejects.toThrow(/409|incompatible/i);
  });

  it('rejects a buffer that is not in the wire format', async () => {
    const serde = new AvroSerde(config.schemaRegistry);
    await expect(serde.decode(Buffer.from([1, 2, 3, 4, 5, 6]))).rejects.toMatchObject({ code: 'WIRE_FORMAT_INVALID' });
  });
});
