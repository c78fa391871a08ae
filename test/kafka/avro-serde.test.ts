import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroSerde } from '../../src/kafka/avro-serde.ts';
import { ValueArena } from '../../src/kafka/value-arena.ts';
import { deadLetterRecord } from '../../src/processor/output-records.ts';
import { requireServices } from '../support/services.ts';
import { createTestPipeline, rawValue } from '../processor/support/pipeline.ts';
import type { TestPipeline } from '../processor/support/pipeline.ts';

/**
 * AvroSerde encodes into a reused buffer instead of through the registry client's encode: the bytes must be the
 * registry client's, byte for byte, for values below and far above the buffer's first size and one after another
 * (nothing of a longer value may stay in a shorter one), and an invalid value must fail as the registry client fails.
 */
describe('AvroSerde.encode', () => {
  let pipeline: TestPipeline;
  let reference: SchemaRegistry;

  beforeAll(async () => {
    pipeline = await createTestPipeline(await requireServices());
    reference = new SchemaRegistry({ host: pipeline.config.schemaRegistry.url });
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  const deadLetter = (bytes: number, i: number) =>
    deadLetterRecord(pipeline.topics.deadLetter, { topic: 'source', partition: i % 3, offset: String(i), key: i % 2 === 0 ? null : Buffer.from(`key ${i}`), value: Buffer.alloc(bytes, i % 251) }, { errorCode: 'TEST', reason: `reason ${i}` }, 1_700_000_000_000 + i);

  it('writes the bytes the registry client writes, for small and large values in any order', async () => {
    const serde = new AvroSerde(pipeline.config.schemaRegistry);
    const sizes = [0, 10, 70_000, 5, 200_000, 1, 65_530, 300, 150_000, 2];
    for (const [i, bytes] of sizes.entries()) {
      const { topic, value } = deadLetter(bytes, i);
      const id = await serde.schemaIdFor(topic);
      const ours = await serde.encode(topic, value);
      expect(ours.equals(await reference.encode(id, value)), `value ${i} (${bytes} bytes)`).toBe(true);
      expect(await serde.decode(ours)).toEqual(await reference.decode(ours));
    }
    for (let i = 0; i < 20; i++) {
      const value = rawValue({ sessionId: `session-${i}`, userId: `user-${i}`, userName: i % 3 === 0 ? 'Ä Ø ü 名前' : `Agent ${i}`, status: 'Talking_Inbound', changeTimestamp: '2024-01-10 08:00:00.000' });
      const id = await serde.schemaIdFor(pipeline.topics.raw);
      expect((await serde.encode(pipeline.topics.raw, value)).equals(await reference.encode(id, value)), `raw value ${i}`).toBe(true);
    }
  });

  it('rejects an invalid value with the registry client’s validation error, and encodes the next one correctly', async () => {
    const serde = new AvroSerde(pipeline.config.schemaRegistry);
    const { topic, value } = deadLetter(100, 1);
    await expect(serde.encode(topic, { ...(value as Record<string, unknown>), sourcePartition: 'not a number' })).rejects.toMatchObject({ name: 'ConfluentSchemaRegistryValidationError', paths: [['sourcePartition']] });
    expect((await serde.encode(topic, value)).equals(await reference.encode(await serde.schemaIdFor(topic), value))).toBe(true);
  });

  it('encodeLoaded: null until encode has loaded the topic\'s schema, then the same bytes; null for an invalid value', async () => {
    const serde = new AvroSerde(pipeline.config.schemaRegistry);
    const { topic, value } = deadLetter(100, 2);
    expect(serde.encodeLoaded(topic, value)).toBeNull();
    const encoded = await serde.encode(topic, value);
    for (const [i, bytes] of [0, 200_000, 3].entries()) {
      const other = deadLetter(bytes, i).value;
      expect(serde.encodeLoaded(topic, other)?.equals(await serde.encode(topic, other)), `value ${i}`).toBe(true);
    }
    expect(serde.encodeLoaded(topic, value)?.equals(encoded)).toBe(true);
    expect(serde.encodeLoaded(topic, { ...(value as Record<string, unknown>), sourcePartition: 'not a number' })).toBeNull();
    // into an arena: the same bytes, each kept while the next ones are encoded
    const arena = new ValueArena();
    const values = [0, 10, 200_000, 3, 50].map((bytes, i) => deadLetter(bytes, i).value);
    const inArena = values.map((other) => serde.encodeLoaded(topic, other, arena));
    for (const [i, other] of values.entries()) expect(inArena[i]?.equals(await serde.encode(topic, other)), `value ${i}`).toBe(true);
  });
});
