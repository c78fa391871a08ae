/**
 * The hash tag of every key of `tenant`: `{t:<tenant>}`. Redis Cluster hashes only the part of a key between the
 * first `{` and the next `}`, so all of a tenant's keys live in one slot and a script or pipeline over them never
 * crosses slots. A key for new tenant data is `<prefix><kind>:{t:<tenant>}:<rest>` (REDIS_KEY_PREFIX has no braces,
 * so this tag is the key's first). A tenant id containing `}` cuts its tag short the same way in every one of its
 * keys, so they still share a slot.
 */
export function tenantTag(tenant: string): string {
  return `{t:${tenant}}`;
}

/** The hash tag of the store's global bookkeeping (epoch, canary, eviction counter, loss report, tenant sets). */
export const META_TAG = '{meta}';

/** The hash tag of a processor group's readiness records and their index. */
export function processorGroupTag(groupId: string): string {
  return `{p:${groupId}}`;
}

/** The hash tag of the Redis sink progress records and their index (readers fetch them all with one MGET). */
export const SINKS_TAG = '{sinks}';

/**
 * The Redis key layout (docs/redis.md). Every key starts with REDIS_KEY_PREFIX; tenant and user ids are used
 * verbatim. Each key carries a Redis Cluster hash tag ({@link tenantTag}, {@link META_TAG},
 * {@link processorGroupTag}, {@link SINKS_TAG}), and keys that a script, MULTI or pipeline uses together share it.
 * `epoch` marks the generation of the data: it disappears when Redis loses its data, which is how the sink knows to
 * rebuild; `canary` is its twin with a TTL, which `volatile-*` eviction can take like the data. On a cluster the
 * tenants' data lives on other nodes than `epoch`, so each tenant has its own copy, {@link tenantEpoch}, in its slot:
 * the upserts check it, and its loss is the loss of the node that held the tenant's data.
 */
export interface StoreKeys {
  readonly epoch: string;
  /** String (the epoch) with a TTL: gone when keys with a TTL were lost while the epoch stayed. */
  readonly canary: string;
  /** String: Redis's `evicted_keys` counter (summed over a cluster's masters) when the sink last looked. */
  readonly evictedKeys: string;
  /** String: the epoch in which a reader found index entries without their rows. */
  readonly lossReported: string;
  /** SET of tenants with a watermark. */
  readonly tenants: string;
  /** SET of tenants whose {@link tenantEpoch} holds the current epoch (emptied with every new epoch). */
  readonly epochTenants: string;
  /**
   * ZSET epoch → when it was added (epoch ms), with a TTL: the epochs the tenant's data was written in, in the
   * tenant's slot. An upsert writes only if it holds the writer's epoch.
   */
  tenantEpoch(tenant: string): string;
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
  /**
   * STREAM of the tenant's applied agent-state changes (fields `user`, `state`), appended by the state upsert in the
   * same script, capped with an approximate MAXLEN (docs/redis.md, "Change feed").
   */
  changes(tenant: string): string;
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
  /** String counter: raised after every write of a tenant's data (the key of the HTTP answer cache). */
  dataRevision(tenant: string): string;
  /** Hash userId → `snapshotAt|AgentSnapshot JSON`: each agent's latest vendor snapshot (docs/redis.md, "Live agent data"). */
  agentSnapshots(tenant: string): string;
  /** String `changedAt|completed` with a TTL: the newest version of one contact the live sink applied. */
  liveContact(tenant: string, contactId: string): string;
  /** Hash contactId → ActiveContact JSON: the contacts agents are connected to now. */
  activeContacts(tenant: string): string;
  /** Hash `contacts` | `snapshots` → the newest change time the live sink applied from each feed (epoch ms). */
  liveFeeds(tenant: string): string;
  /** Hash alert id → alert JSON: the tenant's firing alerts (docs/redis.md, "Alerts"). */
  firingAlerts(tenant: string): string;
  /** String with a TTL: the alert episode `id` was resolved (its firing is never applied again). */
  resolvedAlert(tenant: string, id: string): string;
}

/** The keys under `prefix` (REDIS_KEY_PREFIX, which the config keeps free of `{` and `}`). */
export function storeKeys(prefix: string): StoreKeys {
  const t = tenantTag;
  return {
    epoch: `${prefix}${META_TAG}:epoch`,
    canary: `${prefix}${META_TAG}:canary`,
    evictedKeys: `${prefix}${META_TAG}:evicted-keys`,
    lossReported: `${prefix}${META_TAG}:loss-reported`,
    tenants: `${prefix}${META_TAG}:tenants`,
    epochTenants: `${prefix}${META_TAG}:epoch-tenants`,
    tenantEpoch: (tenant) => `${prefix}epoch:${t(tenant)}`,
    quarterHour: (tenant, userId, intervalStart) => `${prefix}qh:${t(tenant)}:${userId}:${intervalStart}`,
    userQuarterHours: (tenant, userId) => `${prefix}qh-by-user:${t(tenant)}:${userId}`,
    tenantQuarterHours: (tenant) => `${prefix}qh-by-time:${t(tenant)}`,
    agentState: (tenant, userId) => `${prefix}agent:${t(tenant)}:${userId}`,
    agents: (tenant) => `${prefix}agents:${t(tenant)}`,
    changes: (tenant) => `${prefix}changes:${t(tenant)}`,
    directory: (tenant) => `${prefix}directory:${t(tenant)}`,
    segmentRevisions: (tenant, userId) => `${prefix}seg-rev:${t(tenant)}:${userId}`,
    segmentData: (tenant, userId) => `${prefix}seg:${t(tenant)}:${userId}`,
    segmentIndex: (tenant, userId) => `${prefix}seg-by-end:${t(tenant)}:${userId}`,
    watermark: (tenant) => `${prefix}watermark:${t(tenant)}`,
    processor: (groupId, instanceId) => `${prefix}processor:${processorGroupTag(groupId)}:${instanceId}`,
    processors: (groupId) => `${prefix}processors:${processorGroupTag(groupId)}`,
    sink: (instanceId) => `${prefix}sink:${SINKS_TAG}:${instanceId}`,
    sinks: `${prefix}sinks:${SINKS_TAG}`,
    billing: (tenant, accountId, date) => `${prefix}billing:${t(tenant)}:${accountId}:${date}`,
    dayAggregates: (tenant, zone, day) => `${prefix}day:${t(tenant)}:${zone}:${day}`,
    dayParts: (tenant, userId, utcDay) => `${prefix}day-parts:${t(tenant)}:${userId}:${utcDay}`,
    aggregateVersions: (tenant) => `${prefix}agg-version:${t(tenant)}`,
    dataRevision: (tenant) => `${prefix}revision:${t(tenant)}`,
    agentSnapshots: (tenant) => `${prefix}agent-snapshot:${t(tenant)}`,
    liveContact: (tenant, contactId) => `${prefix}live-contact:${t(tenant)}:${contactId}`,
    activeContacts: (tenant) => `${prefix}active-contacts:${t(tenant)}`,
    liveFeeds: (tenant) => `${prefix}live-feeds:${t(tenant)}`,
    firingAlerts: (tenant) => `${prefix}alerts-firing:${t(tenant)}`,
    resolvedAlert: (tenant, id) => `${prefix}alert-resolved:${t(tenant)}:${id}`,
  };
}
