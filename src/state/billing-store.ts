import type { RedisStore } from './redis-client.ts';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { StoreKeys } from './store-keys.ts';
import { tallyUpserts, writePerTenant } from './tenant-writes.ts';
import type { PipelineAnswers, WriteTally } from './tenant-writes.ts';

/**
 * One Evo Voice billing row as the poller published it (schemas/evo-voice-billing.avsc): the workbook's columns as
 * the vendor rendered them, plus the report it came from. Stored and served as it is.
 */
export interface BillingRow {
  readonly tenant: string;
  readonly accountId: string;
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly accountName: string | null;
  readonly customerName: string | null;
  /** Null when the report ran without IncludeCustomerIds. */
  readonly customerId: string | null;
  readonly service: string;
  readonly description: string | null;
  readonly quantity: number;
  readonly unit: string | null;
  readonly unitPrice: number | null;
  readonly amount: number;
  readonly reportId: string;
  readonly includeCustomerIds: boolean;
  /** When the poller downloaded the workbook (epoch ms): a newer download of the same row replaces an older one. */
  readonly receivedAt: number;
}

/** The format version of a stored billing row (inside its JSON as `formatVersion`). */
export const BILLING_FORMAT_VERSION = 1;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/**
 * Writes a row unless the stored one of the same field is as new or newer (receivedAt, then reportId): replaying the
 * billing topic in any order, any number of times, converges to the newest download of each row.
 */
const UPSERT = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local stored = cjson.decode(current)
  local at = tonumber(stored.receivedAt)
  local incoming = tonumber(ARGV[3])
  if at > incoming or (at == incoming and stored.reportId >= ARGV[4]) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if redis.call('PEXPIRETIME', KEYS[1]) < tonumber(ARGV[5]) then redis.call('PEXPIREAT', KEYS[1], ARGV[5]) end
return 1
`;

type BillingScripts = { atUpsertBilling(key: string, field: string, row: string, receivedAt: number, reportId: string, expireAt: number): Promise<number> };

/** The hash field of a row: one row per (date, customer, service) in a report; the customer by name (ids are optional). */
export function billingField(row: Pick<BillingRow, 'customerName' | 'service'>): string {
  return `${row.customerName ?? ''}|${row.service}`;
}

/** The days `[startDate, endDate)` as `YYYY-MM-DD` (UTC calendar days). */
export function billingDays(startDate: string, endDate: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${startDate}T00:00:00Z`), end = Date.parse(`${endDate}T00:00:00Z`); t < end; t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/**
 * The Evo Voice billing rows in Redis: one hash per (tenant, accountId, date), a field per (customer, service), the
 * row JSON as the value. Writes are idempotent compare-and-sets ({@link UPSERT}); keys expire `retentionMs` after
 * the end of their day.
 */
export class BillingStore {
  readonly #redis: RedisStore & BillingScripts;
  readonly #keys: StoreKeys;
  readonly #retentionMs: number;

  constructor(redis: RedisStore, keys: StoreKeys, retentionMs: number) {
    if (typeof (redis as Partial<BillingScripts>).atUpsertBilling !== 'function') redis.defineCommand('atUpsertBilling', { numberOfKeys: 1, lua: UPSERT });
    this.#redis = redis as RedisStore & BillingScripts;
    this.#keys = keys;
    this.#retentionMs = retentionMs;
  }

  /** The data epoch of the store (null when Redis has none): the billing sink re-reads its topic when it changes. */
  async epoch(): Promise<string | null> {
    return this.#redis.get(this.#keys.epoch);
  }

  /**
   * Writes rows (newest download wins), one pipeline per tenant (a tenant's keys share a hash tag); answers how many
   * were written and how many were older than the stored ones.
   */
  async write(rows: readonly BillingRow[]): Promise<WriteTally> {
    return writePerTenant(rows, (row) => row.tenant, (_tenant, group) => this.#writeTenant(group));
  }

  async #writeTenant(rows: readonly BillingRow[]): Promise<WriteTally> {
    const pipeline = this.#redis.pipeline() as unknown as { atUpsertBilling(...args: unknown[]): unknown; exec(): Promise<PipelineAnswers> };
    for (const row of rows) {
      if (!DATE.test(row.date)) throw new AgentTimelinesError('RECORD_INVALID', `billing row date ${JSON.stringify(row.date)} is not YYYY-MM-DD`);
      const expireAt = Date.parse(`${row.date}T00:00:00Z`) + DAY_MS + this.#retentionMs;
      pipeline.atUpsertBilling(this.#keys.billing(row.tenant, row.accountId, row.date), billingField(row), JSON.stringify({ ...row, formatVersion: BILLING_FORMAT_VERSION }), row.receivedAt, row.reportId, expireAt);
    }
    return tallyUpserts(await pipeline.exec(), 'billing upsert');
  }

  /** The rows of one account for the days `[startDate, endDate)`, by date, customer name, service. */
  async read(tenant: string, accountId: string, startDate: string, endDate: string): Promise<BillingRow[]> {
    const days = billingDays(startDate, endDate);
    if (days.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const day of days) pipeline.hgetall(this.#keys.billing(tenant, accountId, day));
    const rows: BillingRow[] = [];
    for (const [error, value] of (await pipeline.exec()) ?? []) {
      if (error !== null) throw new AgentTimelinesError('SERVICE_UNAVAILABLE', `billing read failed: ${error.message}`, { cause: error });
      for (const json of Object.values(value as Record<string, string>)) {
        const { formatVersion, ...row } = JSON.parse(json) as BillingRow & { formatVersion?: unknown };
        if (formatVersion !== BILLING_FORMAT_VERSION) throw new AgentTimelinesError('STORE_FORMAT_UNSUPPORTED', `a stored billing row has format version ${String(formatVersion)}; this release reads ${BILLING_FORMAT_VERSION}`);
        rows.push(row);
      }
    }
    const text = (value: string | null) => value ?? '';
    return rows.sort((a, b) => a.date.localeCompare(b.date) || text(a.customerName).localeCompare(text(b.customerName)) || a.service.localeCompare(b.service));
  }
}
