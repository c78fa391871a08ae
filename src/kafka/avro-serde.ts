import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Type } from 'avsc';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { RegistryEndpoint } from './schema-registry-http.ts';
import { registryRequest } from './schema-registry-http.ts';
import { valueSubject } from './schema-registrar.ts';
import type { ValueArena } from './value-arena.ts';

/** Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro binary datum. */
export function readWireHeader(buffer: Buffer): { schemaId: number; payload: Buffer } {
  if (buffer.length < 5 || buffer[0] !== 0) {
    throw new AgentTimelinesError('WIRE_FORMAT_INVALID', `not Confluent wire format: ${buffer.length < 5 ? 'shorter than 5 bytes' : `magic byte ${buffer[0]}`}`);
  }
  return { schemaId: buffer.readUInt32BE(1), payload: buffer.subarray(5) };
}

/** A topic's writer schema: its registry id and the avsc type that encodes it. */
interface Writer {
  readonly id: number;
  readonly type: Type;
}

/**
 * Avro values in the Confluent wire format through the registry. Writer schema ids are looked up once per topic
 * (the latest version of `<topic>-value`) and cached for the life of the serde.
 */
export class AvroSerde {
  readonly #registry: SchemaRegistry;
  readonly #endpoint: RegistryEndpoint;
  readonly #ids = new Map<string, number>();
  readonly #writers = new Map<string, Writer>();
  /** Where values are encoded before they are copied out (grows to the largest value). */
  #scratch = Buffer.allocUnsafe(64 * 1024);

  constructor(endpoint: RegistryEndpoint) {
    this.#endpoint = endpoint;
    this.#registry = new SchemaRegistry({ host: endpoint.url, ...(endpoint.auth === undefined ? {} : { auth: { ...endpoint.auth } }) });
  }

  /** The id of the latest value schema registered for `topic`. */
  async schemaIdFor(topic: string): Promise<number> {
    const cached = this.#ids.get(topic);
    if (cached !== undefined) return cached;
    const { id } = await registryRequest<{ id: number }>(this.#endpoint, 'GET', `/subjects/${encodeURIComponent(valueSubject(topic))}/versions/latest`);
    this.#ids.set(topic, id);
    return id;
  }

  /**
   * `value` in the wire format with the topic's latest schema. Encoded into a reused buffer and copied into one of
   * its exact size (small ones from Buffer's pool): the registry client's own encode allocates a zero-filled buffer
   * per value, and another for the header, which cost the processor more than its own encoding (BENCHMARKS.md, (1i)).
   * An invalid value is handed to the registry client, which throws its validation error naming the fields.
   */
  async encode(topic: string, value: unknown): Promise<Buffer> {
    const writer = this.#writers.get(topic) ?? (await this.#writerFor(topic));
    return this.#encodeWith(writer, value) ?? this.#registry.encode(writer.id, value);
  }

  /**
   * {@link encode} without waiting: null when the topic's writer schema is not loaded yet or the value is invalid
   * (then call {@link encode}, which loads it, or throws the validation error naming the fields). With `arena`, the
   * bytes are a view of its shared buffers (value-arena.ts).
   */
  encodeLoaded(topic: string, value: unknown, arena?: ValueArena): Buffer | null {
    const writer = this.#writers.get(topic);
    return writer === undefined ? null : this.#encodeWith(writer, value, arena);
  }

  #encodeWith(writer: Writer, value: unknown, arena?: ValueArena): Buffer | null {
    let end: number;
    try {
      end = writer.type.encode(value, this.#scratch, 5);
      if (end < 0) {
        this.#scratch = Buffer.allocUnsafe(Math.max(2 * this.#scratch.length, this.#scratch.length - end));
        end = writer.type.encode(value, this.#scratch, 5);
      }
    } catch {
      return null;
    }
    this.#scratch[0] = 0;
    this.#scratch.writeUInt32BE(writer.id, 1);
    if (arena !== undefined) return arena.copy(this.#scratch.subarray(0, end));
    const out = Buffer.allocUnsafe(end);
    this.#scratch.copy(out, 0, 0, end);
    return out;
  }

  async #writerFor(topic: string): Promise<Writer> {
    const id = await this.schemaIdFor(topic);
    const writer = { id, type: (await this.#registry.getSchema(id)) as unknown as Type };
    this.#writers.set(topic, writer);
    return writer;
  }

  /** Decodes any wire-format buffer with its writer schema; throws WIRE_FORMAT_INVALID for bad framing. */
  async decode<T>(buffer: Buffer): Promise<T> {
    readWireHeader(buffer);
    return (await this.#registry.decode(buffer)) as T;
  }
}
