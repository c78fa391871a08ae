import type { AlertTransition } from '../core/alerts/alert-transition.ts';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { RedisStore } from './redis-client.ts';
import type { StoreKeys } from './store-keys.ts';
import { tallyUpserts, writePerTenant } from './tenant-writes.ts';
import type { PipelineAnswers, WriteTally } from './tenant-writes.ts';

/** The format version of stored alerts and of the change feed's `alert` entries (inside their JSON as `formatVersion`). */
export const ALERT_FORMAT_VERSION = 1;

const DAY_MS = 86_400_000;
/**
 * How long a resolved episode is remembered after it was applied: longer than `out.alerts` keeps records (30 days),
 * so re-reading the topic can never make a resolved alert fire again.
 */
export const RESOLVED_MEMORY_MS = 31 * DAY_MS;

/**
 * Applies one transition unless it was applied before: a `firing` adds the alert to the tenant's firing hash unless it
 * is there or was resolved; a `resolved` removes it and remembers the resolution. Each applied transition is appended
 * to the tenant's change feed as an `alert` entry, so board clients see it exactly once, in the feed's order.
 */
const APPLY_TRANSITION = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if ARGV[1] == 'firing' then
  if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1 then return 0 end
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
else
  redis.call('HDEL', KEYS[1], ARGV[2])
  redis.call('SET', KEYS[2], '1', 'PXAT', ARGV[4])
end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*', 'alert', ARGV[3])
return 1
`;

type AlertScripts = {
  atApplyAlert(firingKey: string, resolvedKey: string, changesKey: string, status: string, id: string, json: string, resolvedExpireAt: number, maxLen: number): Promise<number>;
};

/** The JSON of a transition as stored and sent in the change feed. */
export function encodeAlert(transition: AlertTransition): string {
  return JSON.stringify({ ...transition, formatVersion: ALERT_FORMAT_VERSION });
}

/** A stored alert or an `alert` feed entry; refuses a format this release does not know (STORE_FORMAT_UNSUPPORTED). */
export function decodeAlert(json: string): AlertTransition {
  const { formatVersion, ...alert } = JSON.parse(json) as AlertTransition & { formatVersion?: unknown };
  if (formatVersion !== ALERT_FORMAT_VERSION) throw new AgentTimelinesError('STORE_FORMAT_UNSUPPORTED', `a stored alert has format version ${String(formatVersion)}; this release reads ${ALERT_FORMAT_VERSION}`);
  return alert;
}

/**
 * The tenants' alerts in Redis (docs/redis.md, "Alerts"): the firing alerts of each tenant, and every applied
 * transition in the tenant's change feed (the one `/board/events` reads). Written by the alert sink from `out.alerts`
 * with an idempotent script per transition, so re-reading the topic (a rebalance, a crash before the offset commit, a
 * rebuild after Redis lost its data) applies nothing twice. Every key carries the tenant's hash tag (Redis Cluster safe).
 */
export class AlertStore {
  readonly #redis: RedisStore & AlertScripts;
  readonly #keys: StoreKeys;
  readonly #changeFeedMaxLen: number;

  /** `changeFeedMaxLen`: REDIS_CHANGE_FEED_MAXLEN, the approximate cap of each tenant's change feed. */
  constructor(redis: RedisStore, keys: StoreKeys, changeFeedMaxLen: number) {
    if (typeof (redis as Partial<AlertScripts>).atApplyAlert !== 'function') redis.defineCommand('atApplyAlert', { numberOfKeys: 3, lua: APPLY_TRANSITION });
    this.#redis = redis as RedisStore & AlertScripts;
    this.#keys = keys;
    this.#changeFeedMaxLen = changeFeedMaxLen;
  }

  /** The data epoch of the store (null when Redis has none): the alert sink re-reads `out.alerts` when it changes. */
  async epoch(): Promise<string | null> {
    return this.#redis.get(this.#keys.epoch);
  }

  /** Applies the transitions in order, one pipeline per tenant; answers how many changed the store and how many were applied before. */
  async write(transitions: readonly AlertTransition[]): Promise<WriteTally> {
    return writePerTenant(transitions, (transition) => transition.tenant, (tenant, group) => this.#writeTenant(tenant, group));
  }

  async #writeTenant(tenant: string, transitions: readonly AlertTransition[]): Promise<WriteTally> {
    const keys = this.#keys;
    const pipeline = this.#redis.pipeline() as unknown as AlertScripts & { exec(): Promise<PipelineAnswers> };
    for (const transition of transitions) {
      // the topic's retention runs on the wall clock, whatever clock the evaluator ran on (the demo's is simulated)
      const resolvedExpireAt = Math.max(Date.now(), transition.resolvedAt ?? transition.firedAt) + RESOLVED_MEMORY_MS;
      void pipeline.atApplyAlert(keys.firingAlerts(tenant), keys.resolvedAlert(tenant, transition.id), keys.changes(tenant), transition.status, transition.id, encodeAlert(transition), resolvedExpireAt, this.#changeFeedMaxLen);
    }
    return tallyUpserts(await pipeline.exec(), 'alert write');
  }

  /** The tenant's firing alerts, oldest episode first (then by id). */
  async readFiring(tenant: string): Promise<AlertTransition[]> {
    const stored = await this.#redis.hvals(this.#keys.firingAlerts(tenant));
    return stored.map(decodeAlert).sort((a, b) => a.since - b.since || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
