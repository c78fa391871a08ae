import type { ChainableCommander, Redis } from 'ioredis';

/**
 * Compare-and-set of one user's day aggregate (docs/redis.md, "Day aggregates"). The hash field holds
 * `<epoch>|<version>|<json>` (an empty json is a tombstone: the user has no quarter-hour with content that day). The
 * write is refused (-1) when the store's epoch is no longer ARGV[2], and ignored (0) when the stored value is of this
 * epoch with a higher version: it was computed from later quarter-hours. KEYS: epoch, day hash. ARGV: userId, epoch,
 * version, json ('' for none), expire-at (epoch ms).
 */
const PUT_DAY_AGGREGATE = `
if redis.call('GET', KEYS[1]) ~= ARGV[2] then return -1 end
local current = redis.call('HGET', KEYS[2], ARGV[1])
if current then
  local epoch, version = string.match(current, '^([^|]*)|(%d+)|')
  if epoch == ARGV[2] and tonumber(version) > tonumber(ARGV[3]) then return 0 end
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. '|' .. ARGV[3] .. '|' .. ARGV[4])
if redis.call('PEXPIRETIME', KEYS[2]) < tonumber(ARGV[5]) then redis.call('PEXPIREAT', KEYS[2], ARGV[5]) end
return 1
`;

type Arg = string | number;

export interface DayAggregateScripts {
  atPutDayAggregate(...args: Arg[]): Promise<number>;
}

export interface DayAggregatePipeline {
  atPutDayAggregate(...args: Arg[]): DayAggregatePipeline;
  exec(): ReturnType<ChainableCommander['exec']>;
}

/** Registers the day-aggregate Lua scripts on `redis`; idempotent, call once per client. */
export function defineDayAggregateScripts(redis: Redis): Redis & DayAggregateScripts {
  redis.defineCommand('atPutDayAggregate', { numberOfKeys: 2, lua: PUT_DAY_AGGREGATE });
  return redis as Redis & DayAggregateScripts;
}
