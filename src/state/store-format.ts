import { DEFAULT_SOURCE } from '../core/source/source-profiles.ts';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';

/**
 * The format of the JSON values the store keeps (`row` of a quarter-hour hash, segment JSON, `state` of an agent
 * hash). Versions (`formatVersion` inside the JSON; values without it are version 1):
 * - 1: the output record as decoded from its topic, epoch-ms times.
 * - 2: the same, plus `formatVersion`.
 * - 3: every value carries `source`, and quarter-hour metrics are null where the source cannot supply them; values of
 *   versions 1 and 2 are Sinch RAI (all metrics known), so the migration only adds `source: 'sinch-rai'`.
 *
 * The writer always writes {@link STORE_FORMAT_VERSION}; the reader migrates older values and refuses a version it
 * does not know with STORE_FORMAT_UNSUPPORTED (the HTTP API answers 503), never misreading it. Redis is derived data:
 * when a new version cannot be migrated on read, drop the store (`redis-cli del '<prefix>{meta}:epoch'`) and the sink
 * rebuilds it from the compacted topics in the new format (docs/redis.md). Adding a version is a change in this file.
 */
export const STORE_FORMAT_VERSION = 3;

export type StoreValueKind = 'quarterHour' | 'segment' | 'agentState';

type Json = Record<string, unknown>;

/** MIGRATIONS[v] turns a value of version v into version v + 1 (a kind without a function is unchanged). */
const MIGRATIONS: Readonly<Record<number, Partial<Record<StoreValueKind, (value: Json) => Json>>>> = {
  1: {},
  2: { quarterHour: withDefaultSource, segment: withDefaultSource, agentState: withDefaultSource },
};

/**
 * A value without `source` is Sinch RAI: stored before sources existed, or decoded from an output record written
 * with a schema version before `source` (whose default says the same).
 */
export function withDefaultSource<T extends object>(value: T): T & { source: unknown } {
  return 'source' in value && value.source !== undefined && value.source !== null ? (value as T & { source: unknown }) : { ...value, source: DEFAULT_SOURCE };
}

/** The JSON the store keeps for `value` (`source` defaulted as {@link withDefaultSource} says). */
export function encodeStoreValue(value: object): string {
  return JSON.stringify({ ...withDefaultSource(value), formatVersion: STORE_FORMAT_VERSION });
}

/** Reads a stored JSON value of any known version as the current shape (without `formatVersion`). */
export function decodeStoreValue<T>(kind: StoreValueKind, json: string): T {
  const { formatVersion, ...value } = JSON.parse(json) as Json & { formatVersion?: unknown };
  const version = formatVersion ?? 1;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > STORE_FORMAT_VERSION) {
    throw new AgentTimelinesError('STORE_FORMAT_UNSUPPORTED', `a stored ${kind} has format version ${String(version)}; this release reads 1..${STORE_FORMAT_VERSION}`);
  }
  let current: Json = value;
  for (let v = version; v < STORE_FORMAT_VERSION; v++) current = MIGRATIONS[v]?.[kind]?.(current) ?? current;
  return current as T;
}
