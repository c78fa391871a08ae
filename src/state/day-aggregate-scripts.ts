import type { ChainableCommander } from 'ioredis';
import type { RedisStore } from './redis-client.ts';

/**
 * Compare-and-set of one user's day aggregate (docs/redis.md, "Day aggregates"). The hash field holds
 * `<epoch>|<version>|<json>` (an empty json is a tombstone: the user has no quarter-hour with content that day). The
 * write is refused (-1) when the tenant's epoch set no longer holds ARGV[2] (a new epoch, or the loss of the tenant's
 * node), and ignored (0) when the stored value is of this epoch with a higher version: it was computed from later
 * quarter-hours. KEYS: the tenant's epoch set (StoreKeys.tenantEpoch), the day hash, both under the tenant's hash tag. ARGV: userId, epoch,
 * version, json ('' for none), expire-at (epoch ms).
 */
const PUT_DAY_AGGREGATE = `
if not redis.call('ZSCORE', KEYS[1], ARGV[2]) then return -1 end
local current = redis.call('HGET', KEYS[2], ARGV[1])
if current then
  local epoch, version = string.match(current, '^([^|]*)|(%d+)|')
  if epoch == ARGV[2] and tonumber(version) > tonumber(ARGV[3]) then return 0 end
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. '|' .. ARGV[3] .. '|' .. ARGV[4])
if redis.call('PEXPIRETIME', KEYS[2]) < tonumber(ARGV[5]) then redis.call('PEXPIREAT', KEYS[2], ARGV[5]) end
return 1
`;

/**
 * Compare-and-set of one quarter-hour's part in its user's UTC-day parts hash: `<revision>|<json>` ('' json: the
 * quarter-hour has no content). Written unless a higher revision is stored (an equal one is the same row again).
 * Every write raises the hash's `#seq`; `#gen` (set once, from ARGV[5]) tells a recreated hash from the one a writer
 * remembers. KEYS: the parts hash. ARGV: intervalStart, revision, json, expire-at (epoch ms), a fresh generation id.
 * Answers {written (1/0), #gen, #seq after the call}.
 */
const PUT_DAY_PART = `
redis.call('HSETNX', KEYS[1], '#gen', ARGV[5])
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and tonumber(string.match(current, '^(%d+)|')) > tonumber(ARGV[2]) then
  return {0, redis.call('HGET', KEYS[1], '#gen'), tonumber(redis.call('HGET', KEYS[1], '#seq') or '0')}
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3])
local seq = redis.call('HINCRBY', KEYS[1], '#seq', 1)
if redis.call('PEXPIRETIME', KEYS[1]) < tonumber(ARGV[4]) then redis.call('PEXPIREAT', KEYS[1], ARGV[4]) end
return {1, redis.call('HGET', KEYS[1], '#gen'), seq}
`;

type Arg = string | number;

export interface DayAggregateScripts {
  atPutDayAggregate(...args: Arg[]): Promise<number>;
  atPutDayPart(...args: Arg[]): Promise<[number, string, number]>;
}

export interface DayAggregatePipeline {
  atPutDayAggregate(...args: Arg[]): DayAggregatePipeline;
  atPutDayPart(...args: Arg[]): DayAggregatePipeline;
  exec(): ReturnType<ChainableCommander['exec']>;
}

/** Registers the day-aggregate Lua scripts on `redis`; idempotent, call once per client. */
export function defineDayAggregateScripts(redis: RedisStore): RedisStore & DayAggregateScripts {
  redis.defineCommand('atPutDayAggregate', { numberOfKeys: 2, lua: PUT_DAY_AGGREGATE });
  redis.defineCommand('atPutDayPart', { numberOfKeys: 1, lua: PUT_DAY_PART });
  return redis as RedisStore & DayAggregateScripts;
}
