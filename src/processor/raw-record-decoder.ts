import avro from 'avsc';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { ErrorCode } from '../errors/agent-timelines-error.ts';
import { readWireHeader } from '../kafka/avro-serde.ts';
import { registryRequest } from '../kafka/schema-registry-http.ts';
import type { RegistryEndpoint } from '../kafka/schema-registry-http.ts';

/** A raw agentStatusHistory record as the engine takes it: the normalised keys, absent instead of null. */
export interface DecodedRawRecord {
  readonly tenant: string;
  readonly record: Readonly<Record<string, unknown>>;
}

/** Why a raw value cannot be used at all; the record goes to the dead-letter topic with these. */
export interface UndecodableRecord {
  readonly errorCode: ErrorCode;
  readonly reason: string;
}

type ResolverOf = ReturnType<avro.Type['createResolver']>;

const ENVELOPE_FIELDS = new Set(['keySpellings', 'tenant', 'source', 'pollId', 'receivedAt']);

/**
 * Decodes raw `SinchAgentStatusHistoryRecord` values in the Confluent wire format with their writer schema from the
 * registry, resolved to the reader schema the processor was built with. Writer schemas are cached by id, and so are
 * ids the registry does not know (fuzzed bytes must not cost a registry call each). Throws only when the registry
 * is unreachable (SERVICE_UNAVAILABLE, retriable); every problem with the record itself is returned.
 */
export class RawRecordDecoder {
  readonly #endpoint: RegistryEndpoint;
  readonly #reader: avro.Type;
  readonly #resolvers = new Map<number, { resolver: ResolverOf } | { failure: UndecodableRecord }>();

  constructor(endpoint: RegistryEndpoint, readerSchema: string) {
    this.#endpoint = endpoint;
    this.#reader = avro.Type.forSchema(JSON.parse(readerSchema) as avro.Schema);
  }

  async decode(value: Buffer | null): Promise<DecodedRawRecord | UndecodableRecord> {
    if (value === null || value.length === 0) return { errorCode: 'WIRE_FORMAT_INVALID', reason: 'empty value (tombstone)' };
    let header: { schemaId: number; payload: Buffer };
    try {
      header = readWireHeader(value);
    } catch (error) {
      return { errorCode: 'WIRE_FORMAT_INVALID', reason: (error as Error).message };
    }
    const resolved = await this.#resolver(header.schemaId);
    if ('failure' in resolved) return resolved.failure;
    let decoded: unknown;
    try {
      decoded = this.#reader.fromBuffer(header.payload, resolved.resolver);
    } catch (error) {
      return { errorCode: 'WIRE_FORMAT_INVALID', reason: `Avro body does not match writer schema ${header.schemaId}: ${(error as Error).message}` };
    }
    return toEngineRecord(decoded as Record<string, unknown>);
  }

  async #resolver(schemaId: number): Promise<{ resolver: ResolverOf } | { failure: UndecodableRecord }> {
    const cached = this.#resolvers.get(schemaId);
    if (cached !== undefined) return cached;
    let resolved: { resolver: ResolverOf } | { failure: UndecodableRecord };
    try {
      const { schema } = await registryRequest<{ schema: string }>(this.#endpoint, 'GET', `/schemas/ids/${schemaId}`);
      resolved = { resolver: this.#reader.createResolver(avro.Type.forSchema(JSON.parse(schema) as avro.Schema)) };
    } catch (error) {
      if (error instanceof AgentTimelinesError && error.retriable) throw error;
      const code: ErrorCode = error instanceof AgentTimelinesError && error.code === 'SCHEMA_NOT_FOUND' ? 'SCHEMA_NOT_FOUND' : 'SCHEMA_MISMATCH';
      resolved = { failure: { errorCode: code, reason: `writer schema ${schemaId}: ${(error as Error).message}` } };
    }
    this.#resolvers.set(schemaId, resolved);
    return resolved;
  }
}

function toEngineRecord(decoded: Record<string, unknown>): DecodedRawRecord | UndecodableRecord {
  const tenant = decoded['tenant'];
  if (typeof tenant !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(tenant)) {
    return { errorCode: 'RECORD_INVALID', reason: `invalid tenant ${JSON.stringify(tenant)}` };
  }
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(decoded)) if (value !== null && !ENVELOPE_FIELDS.has(key)) record[key] = value;
  return { tenant, record };
}
