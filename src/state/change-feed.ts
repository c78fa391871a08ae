import { Cluster } from 'ioredis';
import type { RedisStore } from './redis-client.ts';
import type { AlertTransition } from '../core/alerts/alert-transition.ts';
import { decodeAlert } from './alert-store.ts';
import { decodeStoreValue } from './store-format.ts';
import type { StoreKeys } from './store-keys.ts';
import type { AgentStateRow } from './store-types.ts';
import { canResume } from './stream-ids.ts';
import type { StreamBounds } from './stream-ids.ts';

/**
 * One entry of a tenant's change feed, with its stream id: an applied agent state (the state written), or an applied
 * alert transition (written by the alert sink).
 */
export type FeedChange =
  | { readonly id: string; readonly kind: 'agent'; readonly state: AgentStateRow }
  | { readonly id: string; readonly kind: 'alert'; readonly alert: AlertTransition };

/** The changes after an id, when the feed still holds all of them. */
export type ResumeResult =
  | { readonly complete: true; readonly changes: readonly FeedChange[] }
  | { readonly complete: false };

/** The client name (CLIENT SETNAME) of the connections that block on a feed: one per tenant per API process. */
export const FEED_CONNECTION_NAME = 'agent-timelines-feed';

type Entry = [id: string, fields: string[]];

/** The value of `name` in an entry's flat field list. */
function field(fields: readonly string[], name: string): string | undefined {
  for (let at = 0; at + 1 < fields.length; at += 2) if (fields[at] === name) return fields[at + 1];
  return undefined;
}

function toChange(entry: Entry): FeedChange | null {
  const [id, fields] = entry;
  const state = field(fields, 'state');
  if (state !== undefined) return { id, kind: 'agent', state: decodeStoreValue<AgentStateRow>('agentState', state) };
  const alert = field(fields, 'alert');
  return alert === undefined ? null : { id, kind: 'alert', alert: decodeAlert(alert) };
}

function toChanges(entries: readonly Entry[] | null | undefined): FeedChange[] {
  return (entries ?? []).flatMap((entry) => toChange(entry) ?? []);
}

/** XINFO STREAM's flat answer as {@link StreamBounds}. */
function boundsOf(info: unknown): StreamBounds {
  const flat = info as unknown[];
  const field = (name: string): unknown => flat[flat.indexOf(name) + 1];
  const first = field('first-entry') as Entry | null;
  return {
    firstId: first === null || first === undefined ? null : first[0],
    lastGeneratedId: String(field('last-generated-id') ?? '0-0'),
    maxDeletedId: String(field('max-deleted-entry-id') ?? '0-0'),
  };
}

/**
 * Reads the tenants' change feeds (docs/redis.md, "Change feed"): the stream the Redis sink appends every applied
 * agent state to, and the alert sink every applied alert transition. Needs Redis 7 (XINFO's `max-deleted-entry-id`). Blocking reads take a connection of their own:
 * {@link openBlockingReader}.
 */
export class ChangeFeed {
  readonly #redis: RedisStore;
  readonly #keys: StoreKeys;
  readonly #connectionName: string;

  /** `connectionName`: the client name of the blocking connections (default {@link FEED_CONNECTION_NAME}). */
  constructor(redis: RedisStore, keys: StoreKeys, connectionName = FEED_CONNECTION_NAME) {
    this.#redis = redis;
    this.#keys = keys;
    this.#connectionName = connectionName;
  }

  /** The id of the newest entry ever added to the tenant's feed, `0-0` when there is no feed. */
  async lastId(tenant: string): Promise<string> {
    try {
      return boundsOf(await this.#redis.xinfo('STREAM', this.#keys.changes(tenant))).lastGeneratedId;
    } catch (error) {
      if (error instanceof Error && /no such key/i.test(error.message)) return '0-0';
      throw error;
    }
  }

  /**
   * The changes after `afterId`, oldest first, at most `max`; `complete: false` when the feed may have lost some of
   * them (trimmed, or the stream is not the one `afterId` came from) or more than `max` follow. One MULTI, so the
   * bounds and the entries are read at the same instant.
   */
  async after(tenant: string, afterId: string, max: number): Promise<ResumeResult> {
    const key = this.#keys.changes(tenant);
    const results = await this.#redis.multi().xinfo('STREAM', key).xrange(key, `(${afterId}`, '+', 'COUNT', max + 1).exec();
    const [info, range] = results ?? [];
    if (info === undefined || info[0] !== null) return { complete: false };
    if (!canResume(afterId, boundsOf(info[1]))) return { complete: false };
    if (range === undefined || range[0] !== null) throw range?.[0] ?? new Error('XRANGE answered nothing');
    const entries = range[1] as Entry[];
    if (entries.length > max) return { complete: false };
    return { complete: true, changes: toChanges(entries) };
  }

  /** Whether the feed still holds every entry after `afterId` ({@link canResume}). */
  async holdsAfter(tenant: string, afterId: string): Promise<boolean> {
    try {
      return canResume(afterId, boundsOf(await this.#redis.xinfo('STREAM', this.#keys.changes(tenant))));
    } catch (error) {
      if (error instanceof Error && /no such key/i.test(error.message)) return false;
      throw error;
    }
  }

  /** A reader for XREAD BLOCK on a connection of its own; the caller closes it. */
  openBlockingReader(): BlockingFeedReader {
    const redis = this.#redis;
    const connection = redis instanceof Cluster
      ? redis.duplicate(undefined, { redisOptions: { ...redis.options.redisOptions, connectionName: this.#connectionName } })
      : redis.duplicate({ connectionName: this.#connectionName });
    connection.on('error', () => undefined);
    return new BlockingFeedReader(connection, this.#keys);
  }
}

/**
 * XREAD BLOCK on one tenant's feed over a dedicated connection (a blocked connection serves nobody else).
 * Lifecycle: read any number of times, then close once; close ends a read in progress (it rejects).
 */
export class BlockingFeedReader {
  readonly #redis: RedisStore;
  readonly #keys: StoreKeys;

  constructor(redis: RedisStore, keys: StoreKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** The changes after `afterId`, waiting up to `blockMs` for the first; at most `count`. */
  async read(tenant: string, afterId: string, blockMs: number, count: number): Promise<FeedChange[]> {
    const answer = (await this.#redis.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.#keys.changes(tenant), afterId)) as [string, Entry[]][] | null;
    return toChanges(answer?.[0]?.[1]);
  }

  close(): void {
    this.#redis.disconnect();
  }
}
