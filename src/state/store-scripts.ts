import type { ChainableCommander } from 'ioredis';
import type { RedisStore } from './redis-client.ts';

/**
 * Every script touches the keys of one hash tag only (store-keys.ts), so it runs on a Redis Cluster as on one Redis.
 *
 * Each upsert first checks that the tenant's epoch set (KEYS[1], `tenantEpoch`) holds the writer's data epoch and
 * answers -1 (nothing written) when it does not: Redis lost the tenant's data, a new epoch started, or the writer has
 * not yet registered the tenant in this epoch ({@link TENANT_EPOCH_ADD}). A replay of the
 * stored revision (a rebuild after a partial loss) writes nothing but puts back what eviction may have taken: the
 * index entries of a quarter-hour, the data of a segment, an agent's set membership, a missing directory name.
 */
const QUARTER_HOUR = `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return -1 end
if ARGV[9] ~= '' then redis.call('HSETNX', KEYS[5], ARGV[4], ARGV[9]) end
local current = tonumber(redis.call('HGET', KEYS[2], 'revision') or '0')
local incoming = tonumber(ARGV[2])
local member = ARGV[4] .. '|' .. ARGV[3]
if current > incoming then return 0 end
if current == incoming then
  if ARGV[6] == '1' or (redis.call('ZSCORE', KEYS[3], ARGV[3]) and redis.call('ZSCORE', KEYS[4], member)) then return 0 end
else
  redis.call('HSET', KEYS[2], 'revision', ARGV[2], 'row', ARGV[5])
  redis.call('PEXPIREAT', KEYS[2], ARGV[7])
end
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
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return -1 end
local current = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
local incoming = tonumber(ARGV[3])
if current > incoming then return 0 end
if current == incoming and redis.call('HEXISTS', KEYS[3], ARGV[2]) == 1 and redis.call('ZSCORE', KEYS[4], ARGV[2]) then return 0 end
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

/**
 * An applied state that differs from the stored one is also appended to the tenant's change feed (KEYS[5], a stream
 * capped at about ARGV[7] entries) in the same script, so the feed holds exactly the changes the state hashes took (a
 * replay of the stored state adds nothing).
 */
const AGENT_STATE = `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return -1 end
redis.call('SADD', KEYS[3], ARGV[5])
if ARGV[6] ~= '' then redis.call('HSETNX', KEYS[4], ARGV[5], ARGV[6]) end
local asOf = tonumber(redis.call('HGET', KEYS[2], 'asOf') or '-1')
local incoming = tonumber(ARGV[2])
if incoming < asOf then return 0 end
if incoming == asOf and ARGV[3] == '0' and redis.call('HGET', KEYS[2], 'loggedIn') == '1' then return 0 end
local before = redis.call('HGET', KEYS[2], 'state')
redis.call('HSET', KEYS[2], 'asOf', ARGV[2], 'loggedIn', ARGV[3], 'state', ARGV[4])
if ARGV[6] ~= '' then redis.call('HSET', KEYS[4], ARGV[5], ARGV[6]) end
if before ~= ARGV[4] then redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[7], '*', 'user', ARGV[5], 'state', ARGV[4]) end
return 1
`;

/** Raises a partition's watermark in the tenant's hash; the writer then adds the tenant to the (global) tenant set. */
const WATERMARK = `
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
if tonumber(ARGV[2]) > current then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
redis.call('HSET', KEYS[1], 'partitions', ARGV[3])
return 1
`;

/**
 * Creates the epoch and its TTL'd twin, the canary, unless an epoch exists; answers the current epoch. A new epoch
 * starts with no tenant registered in it (KEYS[3], `epochTenants`).
 */
const ENSURE_EPOCH = `
local epoch = redis.call('GET', KEYS[1])
if epoch then return epoch end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
redis.call('DEL', KEYS[3])
return ARGV[1]
`;

/**
 * The global half of registering tenant ARGV[2] in epoch ARGV[1] (KEYS: epoch, epochTenants): -1 when the epoch is not
 * current; with ARGV[3] 'add' records the tenant and answers 1; otherwise answers whether it is recorded (1/0).
 * A tenant is recorded only after its {@link TENANT_EPOCH_ADD}, so a recorded tenant whose epoch set lacks the epoch
 * has lost its data.
 */
const EPOCH_TENANT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if ARGV[3] == 'add' then
  redis.call('SADD', KEYS[2], ARGV[2])
  return 1
end
return redis.call('SISMEMBER', KEYS[2], ARGV[2])
`;

/**
 * The tenant's half (KEYS[1], its epoch set): adds epoch ARGV[1] at ARGV[2] (epoch ms), drops epochs added before
 * ARGV[4], and sets the TTL ARGV[3] (the canary's: eviction of keys with a TTL takes it like the data). Older epochs
 * are kept a while rather than replaced, so a writer still on the previous epoch cannot remove the current one.
 */
const TENANT_EPOCH_ADD = `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;

/** The sink's check of one recorded tenant: 0 when its epoch set lost epoch ARGV[1]; else 1, renewing the TTL when under ARGV[3]. */
const TENANT_EPOCH_CHECK = `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
`;

/**
 * The sink's loss check. Data counts as lost when the epoch is gone, its canary is gone (keys with a TTL were
 * dropped), a reader reported index entries without rows in this epoch, Redis's evicted_keys counter grew since
 * it was last recorded, or the caller found a recorded tenant's epoch set without the epoch ARGV[1] (ARGV[7], the
 * reason, applies only while ARGV[1] is still current). Then a new epoch (ARGV[3]) starts: answers
 * {'new', epoch, reason}; otherwise {'ok', epoch} and the canary's TTL is renewed when it runs low. KEYS: epoch,
 * canary, evictedKeys, lossReported, epochTenants. ARGV: the epoch the caller checked ('' if none), evicted_keys now
 * ('' if unknown), the candidate epoch, canary TTL ms, renew-below ms, the counter the caller saw last ('' if none),
 * the tenant loss found ('' if none).
 */
const CHECK_STORE = `
local epoch = redis.call('GET', KEYS[1])
local reason = false
local evicted = tonumber(ARGV[2])
local seen = tonumber(redis.call('GET', KEYS[3]) or ARGV[6])
if not epoch then reason = 'epoch-missing'
elseif redis.call('EXISTS', KEYS[2]) == 0 then reason = 'canary-missing'
elseif redis.call('GET', KEYS[4]) == epoch then reason = 'rows-missing'
elseif evicted and seen and evicted > seen then reason = 'evicted'
elseif ARGV[7] ~= '' and epoch == ARGV[1] then reason = ARGV[7]
end
if evicted then redis.call('SET', KEYS[3], ARGV[2]) end
if reason then
  redis.call('SET', KEYS[1], ARGV[3])
  redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
  redis.call('DEL', KEYS[4], KEYS[5])
  return {'new', ARGV[3], reason}
end
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[5]) then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
return {'ok', epoch}
`;

/** A reader found index entries without their rows in epoch ARGV[1]: marks it damaged for the sink's check, if still current. */
const REPORT_LOSS = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[1])
return 1
`;

type Arg = string | number;

/** The Lua commands {@link defineStoreScripts} adds (ioredis runs them with EVALSHA, loading them after a restart). */
export interface StoreScripts {
  atUpsertQuarterHour(...args: Arg[]): Promise<number>;
  atUpsertSegment(...args: Arg[]): Promise<number>;
  atUpsertAgentState(...args: Arg[]): Promise<number>;
  atRaiseWatermark(...args: Arg[]): Promise<number>;
  atEnsureEpoch(...args: Arg[]): Promise<string>;
  atEpochTenant(...args: Arg[]): Promise<number>;
  atTenantEpochAdd(...args: Arg[]): Promise<number>;
  atTenantEpochCheck(...args: Arg[]): Promise<number>;
  atCheckStore(...args: Arg[]): Promise<string[]>;
  atReportLoss(...args: Arg[]): Promise<number>;
}

export interface StorePipeline {
  atUpsertQuarterHour(...args: Arg[]): StorePipeline;
  atUpsertSegment(...args: Arg[]): StorePipeline;
  atUpsertAgentState(...args: Arg[]): StorePipeline;
  exec(): ReturnType<ChainableCommander['exec']>;
}

/** Registers the store's Lua scripts on `redis`; call once per client. */
export function defineStoreScripts(redis: RedisStore): RedisStore & StoreScripts {
  redis.defineCommand('atUpsertQuarterHour', { numberOfKeys: 5, lua: QUARTER_HOUR });
  redis.defineCommand('atUpsertSegment', { numberOfKeys: 4, lua: SEGMENT });
  redis.defineCommand('atUpsertAgentState', { numberOfKeys: 5, lua: AGENT_STATE });
  redis.defineCommand('atRaiseWatermark', { numberOfKeys: 1, lua: WATERMARK });
  redis.defineCommand('atEnsureEpoch', { numberOfKeys: 3, lua: ENSURE_EPOCH });
  redis.defineCommand('atEpochTenant', { numberOfKeys: 2, lua: EPOCH_TENANT });
  redis.defineCommand('atTenantEpochAdd', { numberOfKeys: 1, lua: TENANT_EPOCH_ADD });
  redis.defineCommand('atTenantEpochCheck', { numberOfKeys: 1, lua: TENANT_EPOCH_CHECK });
  redis.defineCommand('atCheckStore', { numberOfKeys: 5, lua: CHECK_STORE });
  redis.defineCommand('atReportLoss', { numberOfKeys: 2, lua: REPORT_LOSS });
  return redis as RedisStore & StoreScripts;
}
