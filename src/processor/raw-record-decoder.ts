import avro from 'avsc';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { ErrorCode } from '../errors/agent-timelines-error.ts';
import { readWireHeader } from '../kafka/avro-serde.ts';
import { registryRequest, SchemaRegistryError } from '../kafka/schema-registry-http.ts';
import type { RegistryEndpoint } from '../kafka/schema-registry-http.ts';
import type { Config } from '../config/config.ts';
import { readValueSchema } from '../topology/load-topology.ts';
import type { ProcessorMetrics } from './processor-metrics.ts';

/** A raw record as its source adapter takes it: the vendor fields without the poller's envelope, absent instead of null. */
export interface DecodedRawRecord {
  readonly tenant: string;
  readonly record: Readonly<Record<string, unknown>>;
}

/** Why a raw value cannot be used at all; the record goes to the dead-letter topic with these. */
export interface UndecodableRecord {
  readonly errorCode: ErrorCode;
  readonly reason: string;
}

export interface RawRecordDecoderOptions {
  /** How long a definite "schema not found" is remembered; after that the registry is asked again. */
  readonly notFoundTtlMs: number;
  /** Timeout of one registry request (default 10 s). Decoding runs inside a consumer batch: keep it well below the session timeout. */
  readonly requestTimeoutMs?: number;
  /** Pauses between the not-found answers that make a not-found definite (default [100, 200]: three answers). */
  readonly notFoundConfirmDelaysMs?: readonly number[];
  /** After n transient failures in a row the next lookup waits min(max, base × 2^(n−1)) ms (defaults 200 and 5000). */
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Counts every failed lookup in `registry_errors{reason}`. */
  readonly metrics?: ProcessorMetrics;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

type ResolverOf = ReturnType<avro.Type['createResolver']>;
/** How values of a writer schema are read: `resolver` null when the writer schema is the reader's (read directly). */
type Resolved = { readonly resolver: ResolverOf | null } | { readonly failure: UndecodableRecord };

const ENVELOPE_FIELDS = new Set(['keySpellings', 'tenant', 'source', 'pollId', 'receivedAt']);
const TENANT_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_NOT_FOUND = 10_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Decodes raw values of one raw topic (e.g. `SinchAgentStatusHistoryRecord`, `EvoVoiceAgentStateRow`) in the Confluent wire format with their writer schema from the
 * registry, resolved to the reader schema the processor was built with.
 *
 * Registry policy: a fetched writer schema (usable or not: SCHEMA_MISMATCH) is cached for good, since ids are
 * immutable. A not-found becomes definite only when the registry answers with its own not-found error on every one
 * of the confirming requests; it is then cached for `notFoundTtlMs` (fuzzed bytes must not cost a registry call
 * each) and the record is returned as SCHEMA_NOT_FOUND. Anything else (unreachable, timeout, 401/403/408/429/5xx,
 * a 404 without the registry's error, a body that is not JSON) caches nothing and throws SERVICE_UNAVAILABLE
 * (retriable): the caller aborts the batch and processes it again later. Lookups then back off, capped, across
 * all partitions. Concurrent lookups of one id share one request.
 */
export class RawRecordDecoder {
  readonly #endpoint: RegistryEndpoint;
  readonly #reader: avro.Type;
  readonly #options: Required<Omit<RawRecordDecoderOptions, 'metrics'>>;
  readonly #metrics: ProcessorMetrics | undefined;
  readonly #known = new Map<number, Resolved>();
  readonly #notFound = new Map<number, { readonly failure: UndecodableRecord; readonly until: number }>();
  readonly #inFlight = new Map<number, Promise<Resolved>>();
  #transientFailures = 0;
  #retryAt = 0;
  /** The last tenant found valid: a raw topic carries few tenants, so most records skip the pattern. */
  #validTenant: string | null = null;

  constructor(endpoint: RegistryEndpoint, readerSchema: string, options: RawRecordDecoderOptions) {
    this.#endpoint = endpoint;
    this.#reader = avro.Type.forSchema(withoutUnreadFields(JSON.parse(readerSchema) as avro.Schema));
    this.#metrics = options.metrics;
    this.#options = {
      notFoundTtlMs: options.notFoundTtlMs,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      notFoundConfirmDelaysMs: options.notFoundConfirmDelaysMs ?? [100, 200],
      backoffBaseMs: options.backoffBaseMs ?? 200,
      backoffMaxMs: options.backoffMaxMs ?? 5_000,
      now: options.now ?? Date.now,
      sleep: options.sleep ?? sleep,
    };
  }

  /** The decoded record, or why it is unusable. Throws a retriable error when the registry gave no definite answer. */
  async decode(value: Buffer | null): Promise<DecodedRawRecord | UndecodableRecord> {
    const header = wireHeader(value);
    if ('errorCode' in header) return header;
    return this.#decoded(header.payload, header.schemaId, await this.#resolver(header.schemaId));
  }

  /**
   * {@link decode} without a promise when its answer needs no registry request (the writer schema was resolved
   * before); undefined when it does. A partition task decodes tens of thousands of records per batch this way.
   */
  decodeIfKnown(value: Buffer | null): DecodedRawRecord | UndecodableRecord | undefined {
    const header = wireHeader(value);
    if ('errorCode' in header) return header;
    const known = this.#known.get(header.schemaId);
    return known === undefined ? undefined : this.#decoded(header.payload, header.schemaId, known);
  }

  #decoded(payload: Buffer, schemaId: number, resolved: Resolved): DecodedRawRecord | UndecodableRecord {
    if ('failure' in resolved) return resolved.failure;
    let decoded: unknown;
    try {
      decoded = resolved.resolver === null ? this.#reader.fromBuffer(payload) : this.#reader.fromBuffer(payload, resolved.resolver);
    } catch (error) {
      return { errorCode: 'WIRE_FORMAT_INVALID', reason: `Avro body does not match writer schema ${schemaId}: ${(error as Error).message}` };
    }
    const fields = decoded as Record<string, unknown>;
    const tenant = fields['tenant'];
    if (typeof tenant !== 'string' || (tenant !== this.#validTenant && !TENANT_PATTERN.test(tenant))) return { errorCode: 'RECORD_INVALID', reason: `invalid tenant ${JSON.stringify(tenant)}` };
    this.#validTenant = tenant;
    return engineRecord(tenant, fields);
  }

  #resolver(schemaId: number): Promise<Resolved> {
    const known = this.#known.get(schemaId);
    if (known !== undefined) return Promise.resolve(known);
    const notFound = this.#notFound.get(schemaId);
    if (notFound !== undefined) {
      if (notFound.until > this.#options.now()) return Promise.resolve({ failure: notFound.failure });
      this.#notFound.delete(schemaId);
    }
    let pending = this.#inFlight.get(schemaId);
    if (pending === undefined) {
      pending = this.#lookUp(schemaId).finally(() => this.#inFlight.delete(schemaId));
      this.#inFlight.set(schemaId, pending);
    }
    return pending;
  }

  async #lookUp(schemaId: number): Promise<Resolved> {
    const { now, requestTimeoutMs, notFoundConfirmDelaysMs } = this.#options;
    const path = `/schemas/ids/${schemaId}`;
    for (let answers = 1; ; answers++) {
      const wait = this.#retryAt - now();
      if (wait > 0) await this.#options.sleep(wait);
      let schema: string;
      try {
        const body = await registryRequest<{ schema?: unknown } | null | undefined>(this.#endpoint, 'GET', path, undefined, { timeoutMs: requestTimeoutMs });
        const text = body?.schema;
        if (typeof text !== 'string') {
          throw new SchemaRegistryError('SERVICE_UNAVAILABLE', `schema registry GET ${path} answered without a schema string`, { reason: 'malformed' });
        }
        schema = text;
      } catch (error) {
        this.#metrics?.inc('registry_errors', { reason: error instanceof SchemaRegistryError ? error.reason : 'unknown' });
        if (!(error instanceof AgentTimelinesError && error.code === 'SCHEMA_NOT_FOUND')) throw this.#transient(schemaId, error);
        this.#transientFailures = 0;
        this.#retryAt = 0;
        const pause = notFoundConfirmDelaysMs[answers - 1];
        if (pause !== undefined) {
          await this.#options.sleep(pause);
          continue;
        }
        const failure: UndecodableRecord = { errorCode: 'SCHEMA_NOT_FOUND', reason: `writer schema ${schemaId} not found (${answers} answers): ${error.message}` };
        this.#rememberNotFound(schemaId, failure);
        return { failure };
      }
      this.#transientFailures = 0;
      this.#retryAt = 0;
      const resolved = this.#resolve(schemaId, schema);
      this.#known.set(schemaId, resolved);
      return resolved;
    }
  }

  /** Remembers a definite not-found for the TTL; at most MAX_NOT_FOUND ids (expired ones first, then the oldest go). */
  #rememberNotFound(schemaId: number, failure: UndecodableRecord): void {
    const now = this.#options.now();
    if (this.#notFound.size >= MAX_NOT_FOUND) {
      for (const [id, entry] of this.#notFound) if (entry.until <= now) this.#notFound.delete(id);
      for (const id of this.#notFound.keys()) {
        if (this.#notFound.size < MAX_NOT_FOUND) break;
        this.#notFound.delete(id);
      }
    }
    this.#notFound.set(schemaId, { failure, until: now + this.#options.notFoundTtlMs });
  }

  #resolve(schemaId: number, schema: string): Resolved {
    try {
      const writer = avro.Type.forSchema(JSON.parse(schema) as avro.Schema);
      return { resolver: writer.equals(this.#reader) ? null : this.#reader.createResolver(writer) };
    } catch (error) {
      return { failure: { errorCode: 'SCHEMA_MISMATCH', reason: `writer schema ${schemaId}: ${(error as Error).message}` } };
    }
  }

  #transient(schemaId: number, error: unknown): AgentTimelinesError {
    const { backoffBaseMs, backoffMaxMs, now } = this.#options;
    this.#transientFailures++;
    this.#retryAt = now() + Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.min(this.#transientFailures - 1, 20));
    return new AgentTimelinesError('SERVICE_UNAVAILABLE', `writer schema ${schemaId} could not be looked up; the batch is retried: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The reader schema without the envelope fields the engine does not take (all but `tenant`): resolving a writer
 * schema against it skips their bytes instead of building their strings and map for every record.
 */
function withoutUnreadFields(schema: avro.Schema): avro.Schema {
  if (typeof schema !== 'object' || Array.isArray(schema) || !('fields' in schema) || (schema as { type?: unknown }).type !== 'record') return schema;
  const record = schema as avro.schema.RecordType;
  return { ...record, fields: record.fields.filter((field) => field.name === 'tenant' || !ENVELOPE_FIELDS.has(field.name)) };
}

/** The value's wire-format header, or why it has none. */
function wireHeader(value: Buffer | null): { schemaId: number; payload: Buffer } | UndecodableRecord {
  if (value === null || value.length === 0) return { errorCode: 'WIRE_FORMAT_INVALID', reason: 'empty value (tombstone)' };
  try {
    return readWireHeader(value);
  } catch (error) {
    return { errorCode: 'WIRE_FORMAT_INVALID', reason: (error as Error).message };
  }
}

/**
 * The record without its envelope and null fields, for `tenant` (already validated). The reader schema holds no
 * other envelope field ({@link withoutUnreadFields}), so `tenant` is the only one to leave out.
 */
function engineRecord(tenant: string, decoded: Record<string, unknown>): DecodedRawRecord {
  const record: Record<string, unknown> = {};
  const keys = Object.keys(decoded);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = decoded[key];
    if (value !== null && key !== 'tenant') record[key] = value;
  }
  return { tenant, record };
}

/**
 * The decoder of a raw topic whose value schema is `rawSchema` (schemas/<name>.avsc), as a consumer of a processor
 * group uses it: not-found TTL from config, and registry waits capped at a third of the session timeout so a lookup
 * never costs the group membership.
 */
export async function createRawRecordDecoder(config: Config, rawSchema: string, metrics: ProcessorMetrics): Promise<RawRecordDecoder> {
  const registryWaitMs = Math.floor(config.processor.sessionTimeoutMs / 3);
  return new RawRecordDecoder(config.schemaRegistry, await readValueSchema(rawSchema), {
    notFoundTtlMs: config.processor.schemaNotFoundTtlMs,
    requestTimeoutMs: Math.min(10_000, registryWaitMs),
    backoffMaxMs: Math.min(5_000, registryWaitMs),
    metrics,
  });
}
