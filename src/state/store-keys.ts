/**
 * The Redis key layout (docs/redis.md). Every key starts with REDIS_KEY_PREFIX; tenant and user ids are used
 * verbatim. `epoch` marks the generation of the data: it disappears when Redis loses its data, which is how the
 * sink knows to rebuild; `canary` is its twin with a TTL, which `volatile-*` eviction can take like the data.
 */
export interface StoreKeys {
  readonly epoch: string;
  /** String (the epoch) with a TTL: gone when keys with a TTL were lost while the epoch stayed. */
  readonly canary: string;
  /** String: Redis's `evicted_keys` counter when the sink last looked. */
  readonly evictedKeys: string;
  /** String: the epoch in which a reader found index entries without their rows. */
  readonly lossReported: string;
  /** SET of tenants with a watermark. */
  readonly tenants: string;
  /** Hash {revision, row}: one quarter-hour row. */
  quarterHour(tenant: string, userId: string, intervalStart: number): string;
  /** ZSET intervalStart → intervalStart: a user's non-empty rows. */
  userQuarterHours(tenant: string, userId: string): string;
  /** ZSET intervalStart → `userId|intervalStart`: all non-empty rows of a tenant by time. */
  tenantQuarterHours(tenant: string): string;
  /** Hash {asOf, loggedIn, state}: the current state of one agent. */
  agentState(tenant: string, userId: string): string;
  /** SET of userIds with a current state. */
  agents(tenant: string): string;
  /** Hash userId → userName. */
  directory(tenant: string): string;
  /** Hash `sessionId|start` → revision. */
  segmentRevisions(tenant: string, userId: string): string;
  /** Hash `sessionId|start` → segment JSON. */
  segmentData(tenant: string, userId: string): string;
  /** ZSET end → `sessionId|start`. */
  segmentIndex(tenant: string, userId: string): string;
  /** Hash `p<partition>` → applied watermark, and `partitions` → the input partition count. */
  watermark(tenant: string): string;
  /** String, JSON of a ProcessorReadinessRecord with a TTL: what one processor instance has assigned and restored. */
  processor(groupId: string, instanceId: string): string;
  /** ZSET instanceId → last report (epoch ms): the instances of a group that may have a readiness record. */
  processors(groupId: string): string;
  /** String, JSON of a SinkProgressRecord with a TTL: what one Redis sink instance has in Redis. */
  sink(instanceId: string): string;
  /** ZSET instanceId → last report (epoch ms): the sink instances that may have a progress record. */
  readonly sinks: string;
  /** Hash `customerName|service` → billing row JSON: the Evo Voice billing rows of one account and day (docs/redis.md). */
  billing(tenant: string, accountId: string, date: string): string;
  /** Hash userId → `epoch|version|aggregate JSON`: each user's roll-up of one local day of `zone` (docs/redis.md, "Day aggregates"). */
  dayAggregates(tenant: string, zone: string, day: string): string;
  /** Hash intervalStart → `revision|part JSON`: a user's quarter-hours of one UTC day (its start, epoch ms), the day aggregates' input. */
  dayParts(tenant: string, userId: string, utcDay: number): string;
  /** Hash userId → counter: raised before each recomputation of the user's day aggregates (their compare-and-set version). */
  aggregateVersions(tenant: string): string;
  /** String, JSON {epoch, zones}: the zones whose day aggregates the store keeps in that epoch. */
  readonly dayZones: string;
  /** String counter: raised after every write of a tenant's data (the key of the HTTP answer cache). */
  dataRevision(tenant: string): string;
}

export function storeKeys(prefix: string): StoreKeys {
  return {
    epoch: `${prefix}meta:epoch`,
    canary: `${prefix}meta:canary`,
    evictedKeys: `${prefix}meta:evicted-keys`,
    lossReported: `${prefix}meta:loss-reported`,
    tenants: `${prefix}meta:tenants`,
    quarterHour: (tenant, userId, intervalStart) => `${prefix}qh:${tenant}:${userId}:${intervalStart}`,
    userQuarterHours: (tenant, userId) => `${prefix}qh-by-user:${tenant}:${userId}`,
    tenantQuarterHours: (tenant) => `${prefix}qh-by-time:${tenant}`,
    agentState: (tenant, userId) => `${prefix}agent:${tenant}:${userId}`,
    agents: (tenant) => `${prefix}agents:${tenant}`,
    directory: (tenant) => `${prefix}directory:${tenant}`,
    segmentRevisions: (tenant, userId) => `${prefix}seg-rev:${tenant}:${userId}`,
    segmentData: (tenant, userId) => `${prefix}seg:${tenant}:${userId}`,
    segmentIndex: (tenant, userId) => `${prefix}seg-by-end:${tenant}:${userId}`,
    watermark: (tenant) => `${prefix}watermark:${tenant}`,
    processor: (groupId, instanceId) => `${prefix}processor:${groupId}:${instanceId}`,
    processors: (groupId) => `${prefix}processors:${groupId}`,
    sink: (instanceId) => `${prefix}sink:${instanceId}`,
    sinks: `${prefix}sinks`,
    billing: (tenant, accountId, date) => `${prefix}billing:${tenant}:${accountId}:${date}`,
    dayAggregates: (tenant, zone, day) => `${prefix}day:${tenant}:${zone}:${day}`,
    dayParts: (tenant, userId, utcDay) => `${prefix}day-parts:${tenant}:${userId}:${utcDay}`,
    aggregateVersions: (tenant) => `${prefix}agg-version:${tenant}`,
    dayZones: `${prefix}meta:day-zones`,
    dataRevision: (tenant) => `${prefix}revision:${tenant}`,
  };
}
