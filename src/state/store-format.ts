import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';

/**
 * The format of the JSON values the store keeps (`row` of a quarter-hour hash, segment JSON, `state` of an agent
 * hash). Versions (`formatVersion` inside the JSON; values without it are version 1):
 * - 1: the output record as decoded from its topic, epoch-ms times.
 * - 2: the same, plus `formatVersion`.
 *
 * The writer always writes {@link STORE_FORMAT_VERSION}; the reader migrates older values and refuses a version it
 * does not know with STORE_FORMAT_UNSUPPORTED (the HTTP API answers 503), never misreading it. Redis is derived data:
 * when a new version cannot be migrated on read, drop the store (`redis-cli del <prefix>meta:epoch`) and the sink
 * rebuilds it from the compacted topics in the new format (docs/redis.md). Adding a version is a change in this file.
 */
export const STORE_FORMAT_VERSION = 2;

export type StoreValueKind = 'quarterHour' | 'segment' | 'agentState';

type Json = Record<string, unknown>;

/** MIGRATIONS[v] turns a value of version v into version v + 1 (a kind without a function is unchanged). */
const MIGRATIONS: Readonly<Record<number, Partial<Record<StoreValueKind, (value: Json) => Json>>>> = {
  1: {},
};

/** The JSON the store keeps for `value`. */
export function encodeStoreValue(value: object): string {
  return JSON.stringify({ ...value, formatVersion: STORE_FORMAT_VERSION });
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
