import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { RegistryEndpoint } from './schema-registry-http.ts';
import { registryRequest } from './schema-registry-http.ts';
import { valueSubject } from './schema-registrar.ts';

/** Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro binary datum. */
export function readWireHeader(buffer: Buffer): { schemaId: number; payload: Buffer } {
  if (buffer.length < 5 || buffer[0] !== 0) {
    throw new AgentTimelinesError('WIRE_FORMAT_INVALID', `not Confluent wire format: ${buffer.length < 5 ? 'shorter than 5 bytes' : `magic byte ${buffer[0]}`}`);
  }
  return { schemaId: buffer.readUInt32BE(1), payload: buffer.subarray(5) };
}

/**
 * Avro values in the Confluent wire format through the registry. Writer schema ids are looked up once per topic
 * (the latest version of `<topic>-value`) and cached for the life of the serde.
 */
export class AvroSerde {
  readonly #registry: SchemaRegistry;
  readonly #endpoint: RegistryEndpoint;
  readonly #ids = new Map<string, number>();

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

  async encode(topic: string, value: unknown): Promise<Buffer> {
    return this.#registry.encode(await this.schemaIdFor(topic), value);
  }

  /** Decodes any wire-format buffer with its writer schema; throws WIRE_FORMAT_INVALID for bad framing. */
  async decode<T>(buffer: Buffer): Promise<T> {
    readWireHeader(buffer);
    return (await this.#registry.decode(buffer)) as T;
  }
}
