import type { AgentSnapshot } from '../core/live/agent-snapshot.ts';
import type { ActiveContact, LiveContact } from '../core/live/live-contact.ts';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { RedisStore } from './redis-client.ts';
import type { StoreKeys } from './store-keys.ts';
import { tallyUpserts, writePerTenant } from './tenant-writes.ts';
import type { PipelineAnswers, WriteTally } from './tenant-writes.ts';

/** The format version of stored snapshots and active contacts (inside their JSON as `formatVersion`). */
export const LIVE_FORMAT_VERSION = 1;

const DAY_MS = 86_400_000;
/**
 * The shortest time a contact's newest version is remembered: longer than raw.sinch.contacts keeps records (14 days),
 * so a replay cannot revive an ended contact, whatever REDIS_RETENTION_MS says.
 */
export const CONTACT_MEMORY_MS = 15 * DAY_MS;

/**
 * Applies one contact version unless the remembered one is as new or newer (changedAt, then completed over open):
 * remembers it, keeps the contact in or out of the tenant's active contacts, and raises the contacts feed's mark.
 * Replaying the contacts in any order, any number of times, converges to the newest version of each.
 */
const UPSERT_CONTACT = `
local current = redis.call('GET', KEYS[1])
local incoming = tonumber(ARGV[2])
local done = tonumber(ARGV[3])
if current then
  local sep = string.find(current, '|', 1, true)
  local at = tonumber(string.sub(current, 1, sep - 1))
  if at > incoming or (at == incoming and tonumber(string.sub(current, sep + 1)) >= done) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2] .. '|' .. ARGV[3], 'PXAT', ARGV[5])
if ARGV[4] == '' then redis.call('HDEL', KEYS[2], ARGV[1]) else redis.call('HSET', KEYS[2], ARGV[1], ARGV[4]) end
if redis.call('PEXPIRETIME', KEYS[2]) < tonumber(ARGV[5]) then redis.call('PEXPIREAT', KEYS[2], ARGV[5]) end
if incoming > tonumber(redis.call('HGET', KEYS[3], 'contacts') or '-1') then redis.call('HSET', KEYS[3], 'contacts', ARGV[2]) end
if redis.call('PEXPIRETIME', KEYS[3]) < tonumber(ARGV[5]) then redis.call('PEXPIREAT', KEYS[3], ARGV[5]) end
return 1
`;

/** Writes an agent's snapshot unless the stored one is as new or newer (snapshotAt); raises the snapshots feed's mark. */
const UPSERT_SNAPSHOT = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
local incoming = tonumber(ARGV[2])
if current and tonumber(string.sub(current, 1, string.find(current, '|', 1, true) - 1)) >= incoming then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3])
if redis.call('PEXPIRETIME', KEYS[1]) < tonumber(ARGV[4]) then redis.call('PEXPIREAT', KEYS[1], ARGV[4]) end
if incoming > tonumber(redis.call('HGET', KEYS[2], 'snapshots') or '-1') then redis.call('HSET', KEYS[2], 'snapshots', ARGV[2]) end
if redis.call('PEXPIRETIME', KEYS[2]) < tonumber(ARGV[4]) then redis.call('PEXPIREAT', KEYS[2], ARGV[4]) end
return 1
`;

type LiveScripts = {
  atUpsertContact(contactKey: string, activeKey: string, feedsKey: string, contactId: string, changedAt: number, completed: number, active: string, expireAt: number): Promise<number>;
  atUpsertSnapshot(snapshotsKey: string, feedsKey: string, userId: string, snapshotAt: number, json: string, expireAt: number): Promise<number>;
};

/** A record the live sink writes: an agent's snapshot or a contact version. */
export type LiveWrite = { readonly kind: 'snapshot'; readonly snapshot: AgentSnapshot } | { readonly kind: 'contact'; readonly contact: LiveContact };

/** What the store holds for one tenant's /agentStatus. */
export interface LiveAgentData {
  /** userId → the agent's newest snapshot. */
  readonly snapshots: ReadonlyMap<string, AgentSnapshot>;
  /** userId → the contacts the agent is connected to. */
  readonly activeContacts: ReadonlyMap<string, readonly ActiveContact[]>;
  /** The newest change applied from each feed; null: the feed never delivered a record for the tenant. */
  readonly feeds: { readonly contacts: number | null; readonly snapshots: number | null };
}

function decode<T>(json: string, what: string): T {
  const { formatVersion, ...value } = JSON.parse(json) as T & { formatVersion?: unknown };
  if (formatVersion !== LIVE_FORMAT_VERSION) throw new AgentTimelinesError('STORE_FORMAT_UNSUPPORTED', `a stored ${what} has format version ${String(formatVersion)}; this release reads ${LIVE_FORMAT_VERSION}`);
  return value as T;
}

const mark = (value: string | undefined): number | null => (value === undefined ? null : Number(value));

/**
 * The live view of the agents (docs/redis.md, "Live agent data"): each agent's newest vendor snapshot and the
 * contacts agents are connected to now, written by the live sink with idempotent compare-and-sets keyed by the
 * records' natural keys (userId, contactId) and read by /agentStatus. Every key of a tenant carries its hash tag, and
 * each script touches one tenant's keys only (Redis Cluster safe).
 */
export class LiveAgentStore {
  readonly #redis: RedisStore & LiveScripts;
  readonly #keys: StoreKeys;
  readonly #retentionMs: number;

  /** Keys expire `retentionMs` (REDIS_RETENTION_MS) after the newest change written to them, a contact's no sooner than {@link CONTACT_MEMORY_MS}. */
  constructor(redis: RedisStore, keys: StoreKeys, retentionMs: number) {
    if (typeof (redis as Partial<LiveScripts>).atUpsertContact !== 'function') {
      redis.defineCommand('atUpsertContact', { numberOfKeys: 3, lua: UPSERT_CONTACT });
      redis.defineCommand('atUpsertSnapshot', { numberOfKeys: 2, lua: UPSERT_SNAPSHOT });
    }
    this.#redis = redis as RedisStore & LiveScripts;
    this.#keys = keys;
    this.#retentionMs = retentionMs;
  }

  /** The data epoch of the store (null when Redis has none): the live sink re-reads its topics when it changes. */
  async epoch(): Promise<string | null> {
    return this.#redis.get(this.#keys.epoch);
  }

  /** Applies the writes, one pipeline per tenant; answers how many changed the store and how many were stale. */
  async write(writes: readonly LiveWrite[]): Promise<WriteTally> {
    return writePerTenant(writes, (write) => (write.kind === 'snapshot' ? write.snapshot.tenant : write.contact.tenant), (tenant, group) => this.#writeTenant(tenant, group));
  }

  async #writeTenant(tenant: string, writes: readonly LiveWrite[]): Promise<WriteTally> {
    const keys = this.#keys;
    const pipeline = this.#redis.pipeline() as unknown as LiveScripts & { exec(): Promise<PipelineAnswers> };
    for (const write of writes) {
      if (write.kind === 'snapshot') {
        const { snapshot } = write;
        const json = JSON.stringify({ ...snapshot, formatVersion: LIVE_FORMAT_VERSION });
        void pipeline.atUpsertSnapshot(keys.agentSnapshots(tenant), keys.liveFeeds(tenant), snapshot.userId, snapshot.snapshotAt, json, snapshot.snapshotAt + this.#retentionMs);
        continue;
      }
      const { contact } = write;
      const active: ActiveContact | null = contact.active && contact.userId !== null && contact.since !== null
        ? { contactId: contact.contactId, userId: contact.userId, channel: contact.channel, direction: contact.direction, since: contact.since }
        : null;
      const json = active === null ? '' : JSON.stringify({ ...active, formatVersion: LIVE_FORMAT_VERSION });
      void pipeline.atUpsertContact(keys.liveContact(tenant, contact.contactId), keys.activeContacts(tenant), keys.liveFeeds(tenant), contact.contactId, contact.changedAt, contact.completed ? 1 : 0, json, contact.changedAt + Math.max(this.#retentionMs, CONTACT_MEMORY_MS));
    }
    return tallyUpserts(await pipeline.exec(), 'live agent upsert');
  }

  /** The tenant's snapshots (of `userIds`, or all), active contacts and feed marks, in one round trip. */
  async read(tenant: string, userIds?: readonly string[]): Promise<LiveAgentData> {
    const keys = this.#keys;
    const results = await this.#redis.pipeline().hgetall(keys.agentSnapshots(tenant)).hgetall(keys.activeContacts(tenant)).hgetall(keys.liveFeeds(tenant)).exec();
    const values = (results ?? []).map(([error, value]) => {
      if (error !== null) throw new AgentTimelinesError('SERVICE_UNAVAILABLE', `live agent read failed: ${error.message}`, { cause: error });
      return value as Record<string, string>;
    });
    const [snapshotHash = {}, activeHash = {}, feedHash = {}] = values;
    const wanted = userIds === undefined ? undefined : new Set(userIds);
    const snapshots = new Map<string, AgentSnapshot>();
    for (const [userId, stored] of Object.entries(snapshotHash)) {
      if (wanted !== undefined && !wanted.has(userId)) continue;
      snapshots.set(userId, decode<AgentSnapshot>(stored.slice(stored.indexOf('|') + 1), 'agent snapshot'));
    }
    const activeContacts = new Map<string, ActiveContact[]>();
    for (const json of Object.values(activeHash)) {
      const contact = decode<ActiveContact>(json, 'active contact');
      if (wanted !== undefined && !wanted.has(contact.userId)) continue;
      activeContacts.set(contact.userId, [...(activeContacts.get(contact.userId) ?? []), contact]);
    }
    return { snapshots, activeContacts, feeds: { contacts: mark(feedHash['contacts']), snapshots: mark(feedHash['snapshots']) } };
  }
}
