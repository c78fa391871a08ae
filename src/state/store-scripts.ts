import type { ChainableCommander, Redis } from 'ioredis';

/** Each script first checks the data epoch and answers -1 (nothing written) when Redis lost its data. */
const QUARTER_HOUR = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local current = tonumber(redis.call('HGET', KEYS[2], 'revision') or '0')
if current >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[2], 'revision', ARGV[2], 'row', ARGV[5])
redis.call('PEXPIREAT', KEYS[2], ARGV[7])
local member = ARGV[4] .. '|' .. ARGV[3]
if ARGV[6] == '1' then
  redis.call('ZREM', KEYS[3], ARGV[3])
  redis.call('ZREM', KEYS[4], member)
else
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[3])
  redis.call('ZADD', KEYS[4], ARGV[3], member)
end
for i = 3, 4 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[8])
  if redis.call('PEXPIRETIME', KEYS[i]) < tonumber(ARGV[7]) then redis.call('PEXPIREAT', KEYS[i], ARGV[7]) end
end
if ARGV[9] ~= '' then redis.call('HSET', KEYS[5], ARGV[4], ARGV[9]) end
return 1
`;

const SEGMENT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local current = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
if current >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[4])
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[2])
local expired = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[7], 'LIMIT', 0, 200)
for _, id in ipairs(expired) do
  redis.call('HDEL', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZREM', KEYS[4], id)
end
for i = 2, 4 do
  if redis.call('PEXPIRETIME', KEYS[i]) < tonumber(ARGV[6]) then redis.call('PEXPIREAT', KEYS[i], ARGV[6]) end
end
return 1
`;

const AGENT_STATE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local asOf = tonumber(redis.call('HGET', KEYS[2], 'asOf') or '-1')
local incoming = tonumber(ARGV[2])
if incoming < asOf then return 0 end
if incoming == asOf and ARGV[3] == '0' and redis.call('HGET', KEYS[2], 'loggedIn') == '1' then return 0 end
redis.call('HSET', KEYS[2], 'asOf', ARGV[2], 'loggedIn', ARGV[3], 'state', ARGV[4])
redis.call('SADD', KEYS[3], ARGV[5])
if ARGV[6] ~= '' then redis.call('HSET', KEYS[4], ARGV[5], ARGV[6]) end
return 1
`;

const WATERMARK = `
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
if tonumber(ARGV[2]) > current then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
redis.call('HSET', KEYS[1], 'partitions', ARGV[3])
return 1
`;

type Arg = string | number;

/** The Lua commands {@link defineStoreScripts} adds (ioredis runs them with EVALSHA, loading them after a restart). */
export interface StoreScripts {
  atUpsertQuarterHour(...args: Arg[]): Promise<number>;
  atUpsertSegment(...args: Arg[]): Promise<number>;
  atUpsertAgentState(...args: Arg[]): Promise<number>;
  atRaiseWatermark(...args: Arg[]): Promise<number>;
}

export interface StorePipeline {
  atUpsertQuarterHour(...args: Arg[]): StorePipeline;
  atUpsertSegment(...args: Arg[]): StorePipeline;
  atUpsertAgentState(...args: Arg[]): StorePipeline;
  exec(): ReturnType<ChainableCommander['exec']>;
}

/** Registers the store's Lua scripts on `redis`; call once per client. */
export function defineStoreScripts(redis: Redis): Redis & StoreScripts {
  redis.defineCommand('atUpsertQuarterHour', { numberOfKeys: 5, lua: QUARTER_HOUR });
  redis.defineCommand('atUpsertSegment', { numberOfKeys: 4, lua: SEGMENT });
  redis.defineCommand('atUpsertAgentState', { numberOfKeys: 4, lua: AGENT_STATE });
  redis.defineCommand('atRaiseWatermark', { numberOfKeys: 1, lua: WATERMARK });
  return redis as Redis & StoreScripts;
}
